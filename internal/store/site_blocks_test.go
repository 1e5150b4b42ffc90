package store_test

import (
	"context"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestSiteBlocks stores hospitals' address blocks, finds the hospital of an
// address (the most specific block winning), refuses blocks that overlap
// another hospital's or do not parse, and lists them with the sites.
func TestSiteBlocks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := &vigil.User{Name: "admin"}
		var north, south int64
		err := db.Update(ctx, func(tx *store.Tx) error {
			var err error
			if north, err = tx.HospitalSite(ctx, "North Campus"); err != nil {
				return err
			}
			if south, err = tx.HospitalSite(ctx, "South Campus"); err != nil {
				return err
			}
			if err := tx.SetSiteBlocks(ctx, actor, "north campus", []string{"10.0.0.0/11", "2001:db8:1::/48"}); err != nil {
				return err
			}
			return tx.SetSiteBlocks(ctx, actor, "South Campus", []string{"10.32.0.0/11"})
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			for ip, want := range map[string]int64{"10.1.2.3": north, "10.40.0.9": south, "2001:db8:1::5": north, "192.168.1.1": 0, "not-an-ip": 0, "": 0} {
				got, err := tx.HospitalByAddress(ctx, ip)
				if err != nil {
					return err
				}
				if got != want {
					t.Errorf("HospitalByAddress(%q) = %d, want %d", ip, got, want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			site   string
			blocks []string
			code   string
		}{
			{"South Campus", []string{"10.8.0.0/16"}, vigil.ECONFLICT}, // inside North's /11
			{"South Campus", []string{"10.32.0.1/11"}, vigil.EINVALID},
			{"South Campus", []string{"ten/8"}, vigil.EINVALID},
			{"West Campus", []string{"10.64.0.0/11"}, vigil.ENOTFOUND},
		} {
			err := db.Update(ctx, func(tx *store.Tx) error { return tx.SetSiteBlocks(ctx, actor, tc.site, tc.blocks) })
			if vigil.ErrorCode(err) != tc.code {
				t.Errorf("SetSiteBlocks(%s, %v): %v, want %s", tc.site, tc.blocks, err, tc.code)
			}
		}
		sites, err := db.FindSites(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, s := range sites {
			got[s.Name] = s.Blocks
		}
		if len(got["North Campus"]) != 2 || got["South Campus"][0] != "10.32.0.0/11" {
			t.Errorf("sites' blocks: %v", got)
		}
	})
}

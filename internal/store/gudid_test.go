package store_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestGUDID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := &vigil.User{Name: "alice", Role: vigil.RoleClinicalEngineering}
		a := &vigil.GUDIDDevice{PrimaryDI: "00844588018923", Issuer: "GS1", PackageDIs: []string{"00844868017264"},
			Company: "CONSENSUS ORTHOPEDICS, INC.", Brand: "CS2", Model: "1107-0-3258", GMDNTerms: []string{"liner"}}
		b := &vigil.GUDIDDevice{PrimaryDI: "+H123PARTNO1230", Issuer: "HIBCC", Company: "ACME", Model: "P-1"}
		res, err := db.SaveGUDID(ctx, actor, "release.xml", []*vigil.GUDIDDevice{a, b})
		if err != nil {
			t.Fatal(err)
		}
		if res.Records != 2 || res.Added != 2 {
			t.Errorf("first import %+v", res)
		}
		ignore := cmpopts.IgnoreFields(vigil.GUDIDDevice{}, "ImportedAt")
		for _, di := range []string{"00844588018923", "00844868017264", " 00844868017264 "} {
			got, err := db.FindGUDID(ctx, di)
			if err != nil {
				t.Fatalf("FindGUDID(%q): %v", di, err)
			}
			if diff := cmp.Diff(a, got, ignore); diff != "" || got.ImportedAt.IsZero() {
				t.Errorf("FindGUDID(%q) (-want +got):\n%s", di, diff)
			}
		}
		for _, di := range []string{"H123PARTNO1230", "+h123partno1230"} {
			if got, err := db.FindGUDID(ctx, di); err != nil || got.Company != "ACME" || got.PrimaryDI != "H123PARTNO1230" {
				t.Errorf("FindGUDID(%q) = %+v, %v", di, got, err)
			}
		}
		if _, err := db.FindGUDID(ctx, "00000000000000"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("missing DI: %v", err)
		}
		// A release that fails part way stores nothing, not the records
		// read before the fault.
		c := &vigil.GUDIDDevice{PrimaryDI: "00812345000012", Issuer: "GS1", Company: "PART WAY", Model: "X"}
		_, err = db.ImportGUDID(ctx, actor, "cut.xml", func(put func(*vigil.GUDIDDevice) error) error {
			if err := put(c); err != nil {
				return err
			}
			return vigil.Errorf(vigil.EINVALID, "cut.xml: byte 900: malformed XML")
		})
		if err == nil {
			t.Fatal("a release failing part way was accepted")
		}
		if _, err := db.FindGUDID(ctx, c.PrimaryDI); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("a record read before the fault was stored: %v", err)
		}
		// The same release again changes nothing; a changed record replaces
		// its predecessor, its old package DI no longer pointing at it.
		a2 := *a
		a2.Model, a2.PackageDIs = "1107-0-3259", []string{"00844868017288"}
		res, err = db.SaveGUDID(ctx, actor, "delta.xml", []*vigil.GUDIDDevice{&a2, b})
		if err != nil {
			t.Fatal(err)
		}
		if res.Updated != 1 || res.Unchanged != 1 || res.Added != 0 {
			t.Errorf("second import %+v", res)
		}
		if got, err := db.FindGUDID(ctx, "00844868017288"); err != nil || got.Model != "1107-0-3259" {
			t.Errorf("new package DI: %+v, %v", got, err)
		}
		if _, err := db.FindGUDID(ctx, "00844868017264"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("old package DI: %v", err)
		}
		if n, err := db.CountGUDID(ctx); err != nil || n != 2 {
			t.Errorf("CountGUDID = %d, %v", n, err)
		}
		// A record without a company changes nothing.
		if _, err := db.SaveGUDID(ctx, actor, "bad.xml", []*vigil.GUDIDDevice{{PrimaryDI: "1"}}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("invalid record: %v", err)
		}
	})
}

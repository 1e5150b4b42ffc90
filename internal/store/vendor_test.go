package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestVendors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := &vigil.User{Name: "carol", Role: vigil.RoleCompliance}
		ge := &vigil.Vendor{Name: "GE HealthCare", Aliases: []string{"General Electric"}, Models: []string{"CARESCAPE B650"},
			Contacts: []vigil.VendorContact{{Name: "Service desk", Email: "service@example.com"}}}
		ph := &vigil.Vendor{Name: "Philips", Kind: vigil.VendorManufacturer}
		if err := db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.SaveVendor(ctx, actor, ge); err != nil {
				return err
			}
			return tx.SaveVendor(ctx, actor, ph)
		}); err != nil {
			t.Fatal(err)
		}
		if ge.ID == 0 || ge.AddedBy != "carol" || ge.Kind != vigil.VendorManufacturer {
			t.Fatalf("saved %+v", ge)
		}
		// A name or alias already taken is a conflict, and nothing is written.
		dup := &vigil.Vendor{Name: "GE", Aliases: []string{"general electric"}}
		err := db.Update(ctx, func(tx *store.Tx) error { return tx.SaveVendor(ctx, actor, dup) })
		if vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("duplicate alias: %v", err)
		}
		list, err := db.FindVendors(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*vigil.Vendor{ge, ph}, list); diff != "" {
			t.Errorf("vendors (-want +got):\n%s", diff)
		}
		got, err := db.FindVendorByName(ctx, "general  electric.")
		if err != nil || got.ID != ge.ID {
			t.Errorf("by alias: %v, %v", got, err)
		}
		if _, err := db.FindVendor(ctx, 999); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("missing vendor: %v", err)
		}
		// An update replaces the aliases.
		ge.Aliases = []string{"GE Medical Systems"}
		if err := db.Update(ctx, func(tx *store.Tx) error { return tx.SaveVendor(ctx, actor, ge) }); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindVendorByName(ctx, "General Electric"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("old alias still found: %v", err)
		}
		if got, err := db.FindVendor(ctx, ge.ID); err != nil || got.Aliases[0] != "GE Medical Systems" {
			t.Errorf("after update: %v, %v", got, err)
		}

		day := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		b1 := &vigil.BAA{VendorID: ge.ID, Signed: day, Expires: day.AddDate(1, 0, 0), Services: []string{"remote service"}, Data: []string{"ePHI"}}
		b2 := &vigil.BAA{VendorID: ge.ID, Signed: day.AddDate(1, 0, 0), Expires: day.AddDate(3, 0, 0)}
		c := &vigil.Certification{VendorID: ge.ID, Kind: vigil.CertSOC2Type2, Issuer: "Auditor LLP", Expires: day.AddDate(1, 0, 0)}
		if err := db.Update(ctx, func(tx *store.Tx) error {
			for _, b := range []*vigil.BAA{b1, b2} {
				if err := tx.AddBAA(ctx, actor, b); err != nil {
					return err
				}
			}
			return tx.AddCertification(ctx, actor, c)
		}); err != nil {
			t.Fatal(err)
		}
		if b2.Version != 2 || b2.Supersedes != b1.ID {
			t.Errorf("second version %d supersedes %d, want 2 and %d", b2.Version, b2.Supersedes, b1.ID)
		}
		baas, err := db.FindBAAs(ctx, ge.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*vigil.BAA{b1, b2}, baas); diff != "" {
			t.Errorf("BAAs (-want +got):\n%s", diff)
		}
		certs, err := db.FindCertifications(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*vigil.Certification{c}, certs); diff != "" {
			t.Errorf("certifications (-want +got):\n%s", diff)
		}
		for name, err := range map[string]error{
			"no vendor": db.Update(ctx, func(tx *store.Tx) error { return tx.AddBAA(ctx, actor, &vigil.BAA{VendorID: 999, Signed: day}) }),
			"no evidence": db.Update(ctx, func(tx *store.Tx) error {
				return tx.AddBAA(ctx, actor, &vigil.BAA{VendorID: ge.ID, Signed: day, EvidenceID: 42})
			}),
		} {
			if vigil.ErrorCode(err) != vigil.ENOTFOUND {
				t.Errorf("%s: %v", name, err)
			}
		}
		assertAudited(t, db, "vendor.add", 2)
		assertAudited(t, db, "vendor.update", 1)
		assertAudited(t, db, "vendor.baa", 2)
		assertAudited(t, db, "vendor.certification", 1)
	})
}

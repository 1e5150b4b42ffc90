package vendors_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
)

func TestImportAgreements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := vendors.New(db)
		for _, v := range []*vigil.Vendor{{Name: "GE HealthCare", Aliases: []string{"GE Medical Systems"}}, {Name: "Philips"}} {
			if err := s.Add(ctx, actor, v); err != nil {
				t.Fatal(err)
			}
		}
		// A contract office's register: its own headers, US dates, the
		// vendor by an alias, two versions of one BAA, three kinds of report.
		reg := "Business Associate;Agreement Type;Assessor;Date Signed;Valid From;Valid Until;Scope\n" +
			"GE Medical Systems;Business Associate Agreement;;03/01/2021;03/01/2021;03/01/2024;imaging service\n" +
			"GE HealthCare;BAA;;2024-02-15;2024-03-01;2027-03-01;imaging service; remote support\n" +
			"GE HealthCare;SOC2 Type 2 report;A-LIGN;;2025-01-01;2026-12-31;InSite\n" +
			"Philips;ISO 27001:2022 certificate;BSI;;2024-05-01;2027-04-30;\n" +
			"Philips;Penetration test letter;NCC Group;;2025-09-01;2026-09-01;\n"
		res, err := s.ImportAgreements(ctx, actor, "contracts.csv", []byte(reg))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(vendors.AgreementsResult{Rows: 5, BAAs: 2, Certifications: 3}, *res); diff != "" {
			t.Errorf("import (-want +got):\n%s", diff)
		}
		p, err := s.Show(ctx, "GE")
		if err != nil {
			t.Fatal(err)
		}
		if len(p.BAAs) != 2 || p.BAAs[1].Version != 2 || p.BAAs[1].Supersedes != p.BAAs[0].ID || p.BAAs[1].Expires.Format("2006-01-02") != "2027-03-01" {
			t.Errorf("GE's BAAs: %+v", p.BAAs)
		}
		if len(p.Certifications) != 1 || p.Certifications[0].Kind != vigil.CertSOC2Type2 || p.Certifications[0].Issuer != "A-LIGN" {
			t.Errorf("GE's certifications: %+v", p.Certifications)
		}
		ph, err := s.Show(ctx, "Philips")
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[vigil.CertKind]string{}
		for _, c := range ph.Certifications {
			kinds[c.Kind] = c.Name
		}
		if diff := cmp.Diff(map[vigil.CertKind]string{vigil.CertISO27001: "", vigil.CertOtherKind: "Penetration test letter"}, kinds); diff != "" {
			t.Errorf("Philips' certifications (-want +got):\n%s", diff)
		}
		// The same register again adds nothing.
		if res, err = s.ImportAgreements(ctx, actor, "contracts.csv", []byte(reg)); err != nil || res.Unchanged != 5 || res.BAAs+res.Certifications != 0 {
			t.Errorf("re-import: %+v %v", res, err)
		}
		// An unknown vendor or a bad date refuses the file, naming the row;
		// nothing of it is kept.
		for _, bad := range []struct{ file, want string }{
			{"Vendor,Document,Signed,Expires\nPhilips,BAA,2025-01-01,2028-01-01\nAcme,BAA,2025-01-01,2028-01-01\n", `row 3: no vendor "Acme"`},
			{"Vendor,Document,Signed,Expires\nPhilips,BAA,2025-01-01,2028-01-01\nPhilips,SOC 2 Type II,,whenever\n", `row 3: expires "whenever" is not a date`},
			{"Vendor,Signed\nPhilips,2025-01-01\n", "needs a vendor column and a document"},
		} {
			_, err := s.ImportAgreements(ctx, actor, "bad.csv", []byte(bad.file))
			if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("%q: %v, want %q", bad.file, err, bad.want)
			}
		}
		ph, _ = s.Show(ctx, "Philips")
		if len(ph.BAAs) != 0 {
			t.Errorf("a refused file left %d BAAs", len(ph.BAAs))
		}
	})
}

package vendors_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestModelSupport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedDevices(t, db)
		s := vendors.New(db)
		// A list as a manufacturer's notices give it: unusual headers, US
		// and ISO dates, a month name, a model spelled in other case.
		list := "Mfr,Device Model,End-of-Sale,EOL Date,Last Security Patch,Notice\n" +
			"GE Healthcare,carescape b650,2019-06-30,2024-12-31,2025-06-30,letter 2019-04\n" +
			"Philips,IntelliVue MX800,,12/31/2031,,\n" +
			",,,,,\n"
		res, err := s.ImportModelSupport(ctx, actor, "eol.csv", []byte(list))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(vendors.SupportImportResult{Rows: 2, Changed: 2}, *res); diff != "" {
			t.Errorf("import (-want +got):\n%s", diff)
		}
		// The same list again changes nothing.
		if res, err = s.ImportModelSupport(ctx, actor, "eol.csv", []byte(list)); err != nil || res.Unchanged != 2 || res.Changed != 0 {
			t.Errorf("re-import: %+v %v", res, err)
		}
		// A bad date refuses the whole file, naming the row; nothing of it is kept.
		bad := "Manufacturer,Model,End of support\nBaxter,Sigma Spectrum,2030-01-01\nGE,MAC 5500,someday\n"
		_, err = s.ImportModelSupport(ctx, actor, "eol2.csv", []byte(bad))
		if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(err.Error(), "eol2.csv row 3") || !strings.Contains(err.Error(), "someday") {
			t.Errorf("bad row: %v", err)
		}
		if _, err := s.ImportModelSupport(ctx, actor, "x.csv", []byte("Manufacturer,Model\nGE,MAC 5500\n")); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("no date column: %v", err)
		}

		at := day("2027-03-01") // after the dates were set: --at reads what was known then
		got, err := s.Unsupported(ctx, &at)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Device.AssetTag != "CE1" || got[0].State != vigil.SupportEnded {
			t.Errorf("unsupported at %s: %+v", at.Format(time.DateOnly), got)
		}
		// By hand: the Baxter pump loses its patches first; the dates kept
		// under the spelling already on file for GE.
		past := day("2020-01-01")
		if got, err := s.Unsupported(ctx, &past); err != nil || len(got) != 0 {
			t.Errorf("in 2020 no dates were on record: %+v %v", got, err)
		}
		if err := s.SetModelSupport(ctx, actor, &vigil.ModelSupport{Manufacturer: "Baxter", Model: "Sigma Spectrum",
			EndOfPatches: day("2024-01-01"), EndOfSupport: day("2028-01-01")}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetModelSupport(ctx, actor, &vigil.ModelSupport{Manufacturer: "GE Medical Systems", Model: "CARESCAPE B650",
			EndOfSale: day("2019-06-30"), EndOfSupport: day("2028-12-31")}); err != nil {
			t.Fatal(err)
		}
		got, err = s.Unsupported(ctx, &at)
		if err != nil {
			t.Fatal(err)
		}
		var tags []string
		for _, u := range got {
			tags = append(tags, u.Device.AssetTag+":"+string(u.State))
		}
		if diff := cmp.Diff([]string{"CE4:no-patches"}, tags); diff != "" {
			t.Errorf("after the changes (-want +got):\n%s", diff)
		}
		models, err := s.Models(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]string{}
		for _, m := range models {
			states[m.Model] = string(m.State)
			if m.Model == "CARESCAPE B650" && (m.Support.Manufacturer != "GE Healthcare" || m.Support.Model != "carescape b650") {
				t.Errorf("the GE dates are kept under %q %q, want the spelling on file", m.Support.Manufacturer, m.Support.Model)
			}
		}
		want := map[string]string{"CARESCAPE B650": "end-of-sale", "MAC 5500": "unknown", "IntelliVue MX800": "supported", "Sigma Spectrum": "no-patches"}
		if diff := cmp.Diff(want, states); diff != "" {
			t.Errorf("model states (-want +got):\n%s", diff)
		}
	})
}

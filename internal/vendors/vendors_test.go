package vendors_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
	"github.com/xuri/excelize/v2"
)

var actor = &vigil.User{Name: "dana", Role: vigil.RoleCompliance}

// seedDevices writes a small inventory: two GE devices (one with ePHI),
// a Philips monitor with ePHI and a Baxter pump.
func seedDevices(t *testing.T, db *store.DB) {
	ctx := context.Background()
	err := db.Update(ctx, func(tx *store.Tx) error {
		for _, d := range []*vigil.Device{
			{ID: 1, AssetTag: "CE1", Manufacturer: "GE Medical Systems", Model: "CARESCAPE B650", StoresEPHI: true, Criticality: vigil.CriticalityLifeSupporting},
			{ID: 2, AssetTag: "CE2", Manufacturer: "GE", Model: "MAC 5500", Criticality: vigil.CriticalityDiagnostic},
			{ID: 3, AssetTag: "CE3", Manufacturer: "Philips", Model: "IntelliVue MX800", SendsEPHI: true},
			{ID: 4, AssetTag: "CE4", Manufacturer: "Baxter", Model: "Sigma Spectrum", Criticality: vigil.CriticalityLifeSustaining},
		} {
			if err := tx.InsertDevice(ctx, actor, d, store.DeviceExtra{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestService(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		seedDevices(t, db)
		s := vendors.New(db)
		csv := "Vendor Name;Type;Also known as;Contact;E-mail\n" +
			"GE HealthCare;Manufacturer;GE Medical Systems|General Electric;Service desk;service@example.com\n" +
			"Philips;OEM;;;\n\n" +
			"General Electric;;;Field engineer;fe@example.com\n"
		res, err := s.Import(ctx, actor, "vendors.csv", []byte(csv))
		if err != nil {
			t.Fatal(err)
		}
		if *res != (vendors.ImportResult{Rows: 3, Added: 2, Updated: 1}) {
			t.Errorf("import: %+v", res)
		}
		p, err := s.Show(ctx, "GE")
		if err != nil {
			t.Fatal(err)
		}
		if p.Vendor.Name != "GE HealthCare" || len(p.Devices) != 2 || len(p.Vendor.Contacts) != 2 {
			t.Errorf("GE: %+v with %d devices", p.Vendor, len(p.Devices))
		}
		if p.Risk.Tier != vigil.VendorTierHigh || p.Risk.EPHI != 1 || p.Risk.Critical != 1 {
			t.Errorf("GE risk %+v", p.Risk)
		}
		// A kind the register does not know refuses the file, naming the row.
		_, err = s.Import(ctx, actor, "bad.csv", []byte("vendor,kind\nAcme,reseller\n"))
		if vigil.ErrorCode(err) != vigil.EINVALID || vigil.ErrorMessage(err) != `bad.csv row 2: unknown vendor kind "reseller"` {
			t.Errorf("bad kind: %v", err)
		}
		if _, err := s.Import(ctx, actor, "none.csv", []byte("model,serial\nx,y\n")); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("no name column: %v", err)
		}

		now := time.Now().UTC().Truncate(24 * time.Hour)
		ge, ph := p.Vendor.ID, 0
		phv, err := s.Find(ctx, "philips")
		if err != nil {
			t.Fatal(err)
		}
		ph = int(phv.ID)
		if err := s.AddBAA(ctx, actor, &vigil.BAA{VendorID: ge, Signed: now.AddDate(-1, 0, 0), Expires: now.AddDate(0, 0, 20)}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddCertification(ctx, actor, &vigil.Certification{VendorID: ge, Kind: vigil.CertISO27001, Issuer: "BSI", Expires: now.AddDate(2, 0, 0)}); err != nil {
			t.Fatal(err)
		}
		gaps, err := s.Expiring(ctx, 60*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		type key struct {
			vendor int64
			item   string
			status oversight.GapStatus
		}
		var got []key
		for _, g := range gaps {
			got = append(got, key{g.VendorID, g.Item, g.Status})
		}
		want := []key{{int64(ph), "baa", oversight.GapMissing}, {int64(ph), "certification", oversight.GapMissing}, {ge, "baa", oversight.GapExpiring}}
		if len(got) != len(want) {
			t.Fatalf("gaps %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("gap %d: %v, want %v", i, got[i], want[i])
			}
		}
		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Vendor.ID != ge || list[0].BAA == nil || list[0].Certs != 1 {
			t.Errorf("list: %+v", list)
		}
	})
}

func TestImportXLSX(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	f := excelize.NewFile()
	for i, row := range [][]any{{"Supplier", "Category", "Models"}, {"Crothall Healthcare", "Service provider", "Sigma Spectrum; MX800"}, {"Epic", "Software", ""}} {
		if err := f.SetSheetRow("Sheet1", "A"+string(rune('1'+i)), &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	s := vendors.New(db)
	res, err := s.Import(context.Background(), actor, "vendors.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 2 {
		t.Errorf("import: %+v", res)
	}
	v, err := s.Find(context.Background(), "crothall healthcare")
	if err != nil || v.Kind != vigil.VendorServiceProvider || len(v.Models) != 2 {
		t.Errorf("Crothall: %+v, %v", v, err)
	}
}

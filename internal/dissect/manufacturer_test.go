package dissect

import (
	"slices"
	"strings"
	"testing"
)

func TestManufacturerHints(t *testing.T) {
	tests := []struct {
		fn   func(string) string
		in   string
		want string
	}{
		{ManufacturerFromDICOMUID, "1.2.840.113619.6.374", "GE Healthcare"},
		{ManufacturerFromDICOMUID, "1.3.12.2.1107.5.2", "Siemens Healthineers"},
		{ManufacturerFromDICOMUID, "1.3.46.670589.11.0.0.51.4.56.1", "Philips Healthcare"},
		{ManufacturerFromDICOMUID, "1.2.392.200036.9116.2.6.1.48", "Canon Medical (Toshiba)"},
		{ManufacturerFromDICOMUID, "1.2.392.200036.9125.9.0.1", "Fujifilm"},
		{ManufacturerFromDICOMUID, "1.2.124.113532.80.22017.1", "Agfa HealthCare"},
		{ManufacturerFromDICOMUID, "1.2.276.0.7230010.3.0.3.6.7", "OFFIS DCMTK"},
		{ManufacturerFromDICOMUID, "1.2.40.0.13.1.3", "dcm4che"},
		{ManufacturerFromDICOMUID, "1.2.826.0.1.3680043.9.3811.2.0.2", "pynetdicom"},
		{ManufacturerFromDICOMUID, "1.2.826.0.1.3680043.2.1143.107.104.103.115.2.2.4", "GDCM"},
		{ManufacturerFromDICOMUID, "1.3.46.423632.132218", "Elekta"},
		{ManufacturerFromDICOMUID, "1.2.840.1136190", ""}, // a root must end at a dot
		{ManufacturerFromDICOMUID, "", ""},
		{ManufacturerFromHL7App, "PHILIPS", "Philips"},
		{ManufacturerFromHL7App, "IntelliVue^0009FBFFFF9B42B3^EUI-64", "Philips"},
		{ManufacturerFromHL7App, "GE_CARESCAPE", "GE Healthcare"},
		{ManufacturerFromHL7App, "EPIC", "Epic"},
		{ManufacturerFromHL7App, "CERNER", "Oracle Health (Cerner)"},
		{ManufacturerFromHL7App, "HealthSentry^HealthSentry^L", "Oracle Health (Cerner)"},
		{ManufacturerFromHL7App, "ALARIS_GW", "BD"},
		{ManufacturerFromHL7App, "MINDRAY_EGATEWAY", "Mindray"},
		{ManufacturerFromHL7App, "SENDING_APPLICATION", ""},
		{ManufacturerFromHTTP, "Allegro-Software-RomPager/4.06", "Allegro (embedded RomPager)"},
		{ManufacturerFromHTTP, "Wget/1.14 (darwin12.2.0)", "Apple"},
		{ManufacturerFromHTTP, "Apache/2.4.3 (Fedora)", ""},
		{ManufacturerFromHTTP, "lighttpd/1.4.35", ""},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestMakersTable checks every line of data/makers.tsv: six columns, a known
// kind and layer, a maker and a source, no pattern twice within a kind.
func TestMakersTable(t *testing.T) {
	seen := map[string]bool{}
	n := 0
	for i, line := range strings.Split(makersTSV, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		n++
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			t.Errorf("line %d: %d columns, want 6: %q", i+1, len(f), line)
			continue
		}
		if !slices.Contains([]string{"uid", "hl7", "http", "banner", "enterprise"}, f[0]) {
			t.Errorf("line %d: unknown kind %q", i+1, f[0])
		}
		if f[4] != "device" && f[4] != "software" {
			t.Errorf("line %d: layer %q, want device or software", i+1, f[4])
		}
		if f[1] == "" || f[2] == "" || f[5] == "" {
			t.Errorf("line %d: pattern, maker and source are required", i+1)
		}
		k := f[0] + "\t" + strings.ToLower(f[1])
		if seen[k] {
			t.Errorf("line %d: %s %q twice", i+1, f[0], f[1])
		}
		seen[k] = true
	}
	if n < 100 {
		t.Errorf("%d rules, the table looks truncated", n)
	}
}

func TestMakerModels(t *testing.T) {
	tests := []struct {
		fn   func(string) Maker
		in   string
		want Maker
	}{
		{MakerFromBanner, "Philips IntelliVue MX750", Maker{Name: "Philips", Model: "IntelliVue MX750"}},
		{MakerFromBanner, "MAC5500 ECG", Maker{Name: "GE Healthcare", Model: "MAC 5500"}},
		{MakerFromBanner, "HP LaserJet M507 FW 2409081_000582", Maker{Name: "HP", Model: "LaserJet M507"}},
		{MakerFromBanner, "Cisco IOS Software, C3850 Software, Version 16.12.4", Maker{Name: "Cisco"}},
		{MakerFromBanner, "CN=us2.example,O=Mindray Bio-Medical", Maker{Name: "Mindray"}},
		{MakerFromBanner, "MSFT 5.0", Maker{}},
		{MakerFromHL7, "BeneVision^MINDRAY", Maker{Name: "Mindray", Model: "BeneVision"}},
		{MakerFromHL7, "CLOVERLEAF", Maker{Name: "Infor", Software: true}},
		{MakerFromDICOMUID, "1.2.840.113564.3.5", Maker{Name: "Carestream Health"}},
		{MakerFromDICOMUID, "1.2.276.0.7230010.3.0.3.6.7", Maker{Name: "OFFIS DCMTK", Software: true}},
		{MakerFromSysObjectID, "1.3.6.1.4.1.11.2.3.9.1", Maker{Name: "HP"}},
		{MakerFromSysObjectID, "1.3.6.1.4.1.110.1", Maker{}},
		{MakerFromSysObjectID, "1.3.6.1.2.1.1", Maker{}},
		{MakerFromHTTP, "Allegro-Software-RomPager/4.06", Maker{Name: "Allegro (embedded RomPager)", Software: true}},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%q: got %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// FuzzMakers holds every matcher to its contract on any input: no panic, a
// model only with a maker, and the same answer twice.
func FuzzMakers(f *testing.F) {
	for _, s := range []string{"Philips IntelliVue MX750", "1.2.840.113619.6.374", "1.3.6.1.4.1.11.2.3.9.1", "LOGIQE9_R6", "drx-", "intellivue", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, fn := range []func(string) Maker{MakerFromDICOMUID, MakerFromHL7, MakerFromHTTP, MakerFromBanner, MakerFromSysObjectID} {
			m := fn(s)
			if m.Model != "" && m.Name == "" {
				t.Fatalf("%q: model %q without a maker", s, m.Model)
			}
			if fn(s) != m {
				t.Fatalf("%q: two answers", s)
			}
		}
	})
}

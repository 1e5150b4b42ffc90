package classify

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

func mustNew(t testing.TB) *Classifier {
	t.Helper()
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClassify(t *testing.T) {
	c := mustNew(t)
	tests := []struct {
		manufacturer, model, hostname, vendor string
		want                                  string
		conf                                  float64
	}{
		{"BD", "Alaris 8015 PC Unit", "", "", "infusion-pump", 0.9},
		{"Baxter", "Sigma Spectrum", "", "", "infusion-pump", 0.9},
		{"ICU Medical", "Plum 360", "", "", "infusion-pump", 0.9},
		{"BD", "Alaris GH Plus", "", "", "syringe-pump", 0.9},
		{"Smiths Medical", "CADD-Solis", "", "", "pca-pump", 0.9},
		{"Philips", "IntelliVue MX800", "", "", "patient-monitor", 0.9},
		{"Philips", "IntelliVue MX40", "", "", "telemetry-transmitter", 0.9},
		{"Philips", "IntelliVue Information Center iX", "", "", "central-station", 0.9},
		{"Philips", "Avalon FM30", "", "", "fetal-monitor", 0.9},
		{"GE Healthcare", "Optima CT660", "", "", "ct-scanner", 0.9},
		{"Siemens Healthineers", "SOMATOM go.Up", "", "", "ct-scanner", 0.9},
		{"Siemens", "MAGNETOM Vida", "", "", "mri-scanner", 0.9},
		{"Medtronic", "Puritan Bennett 980", "", "", "ventilator", 0.9},
		{"Hamilton Medical", "Hamilton-C6", "", "", "ventilator", 0.9},
		{"GE Healthcare", "Aisys CS2", "", "", "anesthesia-machine", 0.9},
		{"Stryker", "LIFEPAK 15", "", "", "defibrillator", 0.9},
		{"GE", "MAC 5500 HD", "", "", "ecg-cart", 0.85},
		{"Roche", "Accu-Chek Inform II", "", "", "glucose-meter", 0.9},
		{"Radiometer", "ABL90 FLEX", "", "", "blood-gas-analyzer", 0.9},
		{"Roche", "cobas 8000", "", "", "lab-analyzer", 0.85},
		{"GE", "LOGIQ E10", "", "", "ultrasound", 0.9},
		{"Hologic", "Selenia Dimensions", "", "", "mammography", 0.9},
		{"Philips", "DigitalDiagnost C90", "", "", "x-ray", 0.85},
		{"Fresenius", "2008T", "", "", "dialysis-machine", 0.9},
		{"Baxter", "Prismaflex", "", "", "dialysis-machine", 0.9},
		{"Welch Allyn", "Connex Spot Monitor", "", "", "vital-signs-monitor", 0.85},
		{"Masimo", "Radical-7", "", "", "pulse-oximeter", 0.85},
		{"BD", "Pyxis MedStation ES", "", "", "medication-cabinet", 0.9},
		{"Hillrom", "Centrella Smart+", "", "", "smart-bed", 0.85},
		{"Rauland", "Responder 5", "", "", "nurse-call", 0.9},
		{"Lyniate", "Rhapsody Integration Engine", "", "", "hl7-interface-engine", 0.9},
		{"Dell", "OptiPlex 7090", "", "", "workstation", 0.8},
		{"HP", "LaserJet Pro M404", "", "", "printer", 0.85},
		{"Cisco", "Catalyst 9300", "", "", "network-switch", 0.8},
		{"Cisco", "Aironet 2802i", "", "", "wireless-ap", 0.85},
		// CMDB spellings and ECRI-style CMMS nomenclature.
		{"BD", "8015 PC UNIT", "", "", "infusion-pump", 0.9},
		{"Philips", "MX450", "", "", "patient-monitor", 0.9},
		{"GE Healthcare", "MAC5500HD", "", "", "ecg-cart", 0.85},
		{"Philips", "EPIQ7", "", "", "ultrasound", 0.9},
		{"Fresenius", "2008 T", "", "", "dialysis-machine", 0.9},
		{"HP", "LJ M507", "", "", "printer", 0.85},
		{"", "Monitors, Physiologic, Telemetric", "", "", "telemetry-transmitter", 0.9},
		{"", "Monitors, Physiologic, Bedside", "", "", "patient-monitor", 0.9},
		{"", "Electrocardiographs, Multichannel", "", "", "ecg-cart", 0.85},
		{"", "Scanning Systems, Magnetic Resonance Imaging", "", "", "mri-scanner", 0.9},
		{"", "Dispensers, Medication, Automated", "", "", "medication-cabinet", 0.9},
		{"", "Analyzers, Point-of-Care, Blood", "", "", "blood-gas-analyzer", 0.9},
		// The manufacturer alone.
		{"Masimo Corporation", "", "", "", "pulse-oximeter", 0.6},
		{"ZOLL Medical", "", "", "", "defibrillator", 0.6},
		{"HP Inc.", "", "", "", "", 0},        // printers and PCs alike
		{"Draegerwerk AG", "", "", "", "", 0}, // ventilators, anaesthesia, monitors
		{"Hill-Rom/Rauland", "", "", "", "nurse-call", 0.6},
		// An ambiguous maker says nothing; the host name decides.
		{"GE Healthcare", "", "vent-12.icu.example.org", "", "ventilator", 0.4},
		{"", "", "PRN-3F-NURSES", "", "printer", 0.4},
		{"", "", "pcu-0012", "", "infusion-pump", 0.4},
		// The MAC vendor last.
		{"", "", "", "Philips Patient Monitoring", "patient-monitor", 0.5},
		{"", "", "", "Brother industries, LTD.", "printer", 0.4},
		{"", "", "", "", "", 0},
		{"Acme", "Thing 3000", "thing", "Acme Corp", "", 0},
	}
	for _, tt := range tests {
		got, conf, why := c.Classify(tt.manufacturer, tt.model, tt.hostname, tt.vendor)
		if got.Name != tt.want || conf != tt.conf {
			t.Errorf("Classify(%q, %q, %q, %q) = %q %.2f (%s), want %q %.2f",
				tt.manufacturer, tt.model, tt.hostname, tt.vendor, got.Name, conf, why, tt.want, tt.conf)
		}
		if (why == "") != (tt.want == "") {
			t.Errorf("Classify(%q, %q): reason %q", tt.manufacturer, tt.model, why)
		}
	}
}

func TestClassifyReason(t *testing.T) {
	c := mustNew(t)
	_, _, why := c.Classify("GE", "MAC 5500", "", "")
	if want := `model "GE MAC 5500" contains "MAC 5500": ECG cart`; why != want {
		t.Errorf("reason %q, want %q", why, want)
	}
}

func TestTaxonomy(t *testing.T) {
	c := mustNew(t)
	types := c.Types()
	if len(types) < 30 {
		t.Errorf("%d types, want at least 30", len(types))
	}
	for _, ty := range types {
		if ty.Name == "" || ty.Label == "" || ty.Criticality.Rank() == 0 {
			t.Errorf("incomplete type %+v", ty)
		}
	}
	want := Type{Name: "infusion-pump", Label: "Infusion pump", Category: "therapy", Criticality: vigil.CriticalityLifeSustaining,
		FDAClass: "II", SendsEPHI: true, PatientConnected: true}
	got, ok := c.Type("infusion-pump")
	if diff := cmp.Diff(want, got); !ok || diff != "" {
		t.Errorf("infusion-pump (-want +got):\n%s", diff)
	}
	if _, ok := c.Type("toaster"); ok {
		t.Error("found a type that does not exist")
	}
}

func TestParseErrors(t *testing.T) {
	types := map[string]int{"printer": 0}
	for _, tt := range []struct{ data, want string }{
		{"model\t(\tprinter\t0.5", "rules.tsv:1: bad pattern"},
		{"# c\nmodel\tx\ttoaster\t0.5", `rules.tsv:2: type "toaster" is not in the taxonomy`},
		{"model\tx\tprinter\t1.5", `rules.tsv:1: confidence "1.5" is not a number from 0 to 1`},
		{"colour\tx\tprinter\t0.5", `rules.tsv:1: unknown tier "colour"`},
		{"model\tx", "rules.tsv:1: 2 fields, want 4"},
	} {
		_, err := parseRules(tt.data, "rules.tsv", types)
		if got := vigil.ErrorMessage(err); got != tt.want {
			t.Errorf("parseRules(%q): %q, want %q", tt.data, got, tt.want)
		}
	}
	for _, tt := range []struct{ data, want string }{
		{"a\tA\tit\tnon-clinical\tIV\tno\tno\tno", `taxonomy.tsv:1: FDA class "IV" is not I, II, III or none`},
		{"a\tA\tit\tvital\tI\tno\tno\tno", `taxonomy.tsv:1: unknown criticality "vital"`},
		{"a\tA\tit\tnon-clinical\tI\tno\tmaybe\tno", `taxonomy.tsv:1: field 7 is "maybe", want yes or no`},
		{"a\tA\tit\tnon-clinical\tI\tno\tno\tno\na\tA\tit\tnon-clinical\tI\tno\tno\tno", `taxonomy.tsv:2: type "a" listed twice`},
	} {
		_, err := parseTaxonomy(tt.data, "taxonomy.tsv")
		if got := vigil.ErrorMessage(err); got != tt.want {
			t.Errorf("parseTaxonomy(%q): %q, want %q", tt.data, got, tt.want)
		}
	}
}

func FuzzClassify(f *testing.F) {
	c := mustNew(f)
	f.Add("GE", "MAC 5500", "ecg-1.example.org", "GE Healthcare")
	f.Add("", "", ".", "")
	f.Fuzz(func(t *testing.T, manufacturer, model, hostname, vendor string) {
		ty, conf, why := c.Classify(manufacturer, model, hostname, vendor)
		if (ty.Name == "") != (why == "") || conf < 0 || conf > 1 || (ty.Name == "") != (conf == 0) {
			t.Fatalf("inconsistent answer %q %v %q", ty.Name, conf, why)
		}
	})
}

func TestLiterals(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		want    []string
	}{
		{`alaris`, []string{"alaris"}},
		{`plum ?(360|a\+)`, []string{"plum"}},
		{`\bmac ?[0-9]{3,4}\b|pagewriter`, []string{"mac", "pagewriter"}},
		{`Sigma Spectrum|spectrum iq`, []string{"igma spectrum", "pectrum iq"}}, // the parser factors out the "s"
		{`^(sw|switch)[-_]?[0-9]`, []string{"sw"}},
		{`[0-9]+|abc`, nil}, // an alternative without a literal: always run
		{`x?`, nil},
		{`(`, nil},
	} {
		if diff := cmp.Diff(tt.want, literals(tt.pattern)); diff != "" {
			t.Errorf("literals(%q) (-want +got):\n%s", tt.pattern, diff)
		}
	}
}

// TestPrefilterAgrees checks that the literal prefilter never hides a match
// the regexp alone would find, over every rule and many texts.
func TestPrefilterAgrees(t *testing.T) {
	c := mustNew(t)
	texts := []string{"GE MAC 5500", "BD Alaris GH", "Philips IntelliVue MX40", "PLUM A+", "Hamilton-C6", "SW-01", "prn-3",
		"Masimo Corporation", "Philips Patient Monitoring", "ICU Medical Plum 360", "Dräger Perseus A500", "Siemens Healthineers SOMATOM go.Up"}
	for _, rules := range c.rules {
		for _, r := range rules {
			for _, text := range texts {
				if r.re.MatchString(text) && !r.mayMatch(strings.ToLower(text)) {
					t.Errorf("prefilter %q hides the match of /%s/ in %q", r.lits, r.re, text)
				}
			}
		}
	}
}

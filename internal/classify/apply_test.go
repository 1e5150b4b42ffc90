package classify

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

func TestApply(t *testing.T) {
	c := mustNew(t)
	tests := []struct {
		name string
		in   vigil.Device
		want vigil.Device
	}{
		{"from the model", vigil.Device{Manufacturer: "Baxter", Model: "Sigma Spectrum"},
			vigil.Device{Manufacturer: "Baxter", Model: "Sigma Spectrum", DeviceType: "infusion-pump",
				Criticality: vigil.CriticalityLifeSustaining, SendsEPHI: true}},
		{"from the MAC vendor", vigil.Device{MAC: "00:09:fb:01:02:03"},
			vigil.Device{MAC: "00:09:fb:01:02:03", DeviceType: "patient-monitor",
				Criticality: vigil.CriticalityLifeSupporting, StoresEPHI: true, SendsEPHI: true}},
		{"a source's type and criticality win", vigil.Device{Model: "Sigma Spectrum", DeviceType: "syringe-pump", Criticality: vigil.CriticalityLifeSupporting},
			vigil.Device{Model: "Sigma Spectrum", DeviceType: "syringe-pump", Criticality: vigil.CriticalityLifeSupporting, SendsEPHI: true}},
		{"an unknown source type is kept as is", vigil.Device{Model: "Sigma Spectrum", DeviceType: "pump (large volume)"},
			vigil.Device{Model: "Sigma Spectrum", DeviceType: "pump (large volume)"}},
		{"nothing to go on", vigil.Device{Hostname: "x"}, vigil.Device{Hostname: "x"}},
	}
	for _, tt := range tests {
		d := tt.in
		c.Apply(&d)
		if diff := cmp.Diff(tt.want, d); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	c := mustNew(b)
	for b.Loop() {
		c.Classify("Acme Medical", "Unknown Thing 3000", "dev-001234.hosp.example.org", "Acme Corporation")
	}
}

func BenchmarkLoadOUI(b *testing.B) {
	for b.Loop() {
		if _, err := LoadOUI(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClassifyKnownModel(b *testing.B) {
	c := mustNew(b)
	for b.Loop() {
		c.Classify("Philips", "IntelliVue MX800", "mon-0042.icu.example.org", "Philips Patient Monitoring")
	}
}

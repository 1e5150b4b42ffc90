package discover

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s (-want +got):\n%s", name, diff)
	}
}

func TestGoldenJSON(t *testing.T) {
	r := generated(t, Options{ClinicalVLANs: []uint16{10}})
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "generated.json", append(b, '\n'))
}

func TestGoldenTable(t *testing.T) {
	r := generated(t, Options{ClinicalVLANs: []uint16{10}})
	var buf bytes.Buffer
	if err := WriteTable(&buf, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "generated.table", buf.Bytes())
}

func TestRecords(t *testing.T) {
	r := generated(t, Options{})
	recs := Records(r, "generated.pcap")
	if len(recs) != len(r.Devices) {
		t.Fatalf("%d records for %d devices", len(recs), len(r.Devices))
	}
	var monitor *vigil.Record
	for _, rec := range recs {
		if rec.Get(vigil.FieldIP) == "10.10.2.10" {
			monitor = rec
		}
	}
	if monitor == nil {
		t.Fatal("no record for monitor 10.10.2.10")
	}
	want := map[string]string{
		vigil.FieldMAC: monitor.Get(vigil.FieldMAC), vigil.FieldIP: "10.10.2.10", vigil.FieldHostname: "monitor01",
		vigil.FieldDeviceType: "patient-monitor", vigil.FieldSendsEPHI: "true", vigil.FieldManufacturer: "Philips",
		vigil.FieldModel: "IntelliVue MX750",
		// OBX-18's EUI-64, the MAC with FFFE in the middle as the
		// generator writes it
		vigil.FieldEUI64: monitor.Get(vigil.FieldMAC)[:8] + ":ff:fe" + monitor.Get(vigil.FieldMAC)[8:],
	}
	if diff := cmp.Diff(want, monitor.Fields.Map()); diff != "" {
		t.Errorf("monitor record (-want +got):\n%s", diff)
	}
	if _, err := vigil.NormalizeMAC(monitor.Get(vigil.FieldMAC)); err != nil {
		t.Error(err)
	}
	if monitor.Origin.File != "generated.pcap" || monitor.ObservedAt.IsZero() {
		t.Errorf("origin %+v observed %v", monitor.Origin, monitor.ObservedAt)
	}
}

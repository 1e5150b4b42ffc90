package reconcile

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

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestAcceptanceGolden pins the whole discrepancy report of the acceptance
// scenario, plus a scanner, as the JSON scripts read. Regenerate with
// go test ./internal/reconcile -run Golden -update, and review the diff.
func TestAcceptanceGolden(t *testing.T) {
	in := acceptanceInputs(t)
	newBatch(t, &in, "nmap", vigil.SourceScanner, 201).
		add("mac", "00:09:fb:00:00:01", "ip", "10.1.0.1").
		add("mac", "00:1b:a9:00:00:77", "ip", "10.1.0.77", "hostname", "prn-77")
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 301).
		add("serial", "SN1002", "manufacturer", "Philips", "mac", "00:09:fb:00:00:22") // contradicts the monitor's MAC
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	rep := vigil.DiscrepancyReport{Discrepancies: res.Discrepancies(DiscrepancyOptions{Now: t0.Add(48 * 3600e9)})}
	got, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "acceptance.golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("report differs from %s (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}

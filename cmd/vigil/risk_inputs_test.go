package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// riskWorklist is what `vigil risk list --format json` says of each device.
type riskWorklist struct {
	Worklist []struct {
		DeviceID int64  `json:"device_id"`
		FDAClass string `json:"fda_class"`
		Factors  []struct {
			Name   string  `json:"name"`
			Value  float64 `json:"value"`
			Detail string  `json:"detail"`
		} `json:"factors"`
		Vulns []struct {
			VulnID     string `json:"vuln_id"`
			KEV        bool   `json:"kev"`
			Remediated bool   `json:"remediated"`
		} `json:"vulns"`
	} `json:"worklist"`
}

// factor returns the named factor's value and detail for the device, or -1.
func (w *riskWorklist) factor(device int64, name string) (float64, string) {
	for _, a := range w.Worklist {
		if a.DeviceID != device {
			continue
		}
		for _, f := range a.Factors {
			if f.Name == name {
				return f.Value, f.Detail
			}
		}
	}
	return -1, ""
}

// TestRiskInputsOnDemo holds that each risk factor the issue named as never
// set can be non-zero on the demo hospital, through the real binary: internet
// exposure from a vendor's remote session to a public address, known
// exploitation from the CSAF exploit_status threats of the demo's pump
// advisories, mitigations from a compensating control filed as evidence, and
// the others alongside.
func TestRiskInputsOnDemo(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigil.db")
	if code, out, stderr := run(t, nil, "demo", "--once", "--dir", dir, "--devices", "300"); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, stderr)
	}
	worklist := func() *riskWorklist {
		t.Helper()
		code, out, stderr := run(t, nil, "risk", "list", "--db", db, "--format", "json")
		if code != 0 {
			t.Fatalf("risk list: exit %d\n%s", code, stderr)
		}
		var w riskWorklist
		if err := json.Unmarshal([]byte(out), &w); err != nil {
			t.Fatal(err)
		}
		return &w
	}
	w := worklist()
	nonZero := func(name, detail string) int64 {
		for _, a := range w.Worklist {
			if v, d := w.factor(a.DeviceID, name); v > 0 && strings.Contains(d, detail) {
				return a.DeviceID
			}
		}
		return 0
	}
	for _, tt := range []struct{ factor, detail string }{
		{"clinical impact", ""},
		{"data (ePHI)", ""},
		{"exposure", "internet-facing"},
		{"severity (CVSS)", ""},
		{"exploitability (KEV, EPSS, SSVC)", "public exploit reported for"},
	} {
		t.Run(tt.factor, func(t *testing.T) {
			if nonZero(tt.factor, tt.detail) == 0 {
				t.Errorf("no device of %d has %q above zero with %q", len(w.Worklist), tt.factor, tt.detail)
			}
		})
	}
	t.Run("fda class", func(t *testing.T) {
		classes := map[string]int{}
		for _, a := range w.Worklist {
			classes[a.FDAClass]++
		}
		if classes["II"]+classes["III"] == 0 {
			t.Errorf("no device of the worklist shows an FDA class: %v", classes)
		}
		var exp struct {
			Devices []struct {
				FDAClass string `json:"fda_class"`
			} `json:"devices"`
		}
		vigilJSON(t, nil, &exp, "inventory", "export", "--db", db, "--format", "json")
		n := 0
		for _, d := range exp.Devices {
			if d.FDAClass != "" {
				n++
			}
		}
		if n == 0 {
			t.Errorf("the inventory export names no FDA class among %d devices", len(exp.Devices))
		}
		if csv := vigilOK(t, nil, "inventory", "export", "--db", db, "--format", "csv"); !strings.HasPrefix(csv, strings.Join(append(deviceHeader, "FDA_CLASS"), ",")+"\n") {
			t.Errorf("the CSV export's header: %.200s", csv)
		}
	})
	t.Run("mitigations in place", func(t *testing.T) {
		if id := nonZero("mitigations in place", ""); id != 0 {
			t.Fatalf("device %d is mitigated before any compensating control is recorded", id)
		}
		// A compensating control for one open vulnerability of the first
		// device, filed under monitoring as a person's evidence.
		a := w.Worklist[0]
		vuln := ""
		for _, v := range a.Vulns {
			if !v.Remediated {
				vuln = v.VulnID
				break
			}
		}
		file := filepath.Join(dir, "acl.txt")
		if err := os.WriteFile(file, []byte("ACL on the medical VLAN blocks the vulnerable service from every other segment.\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out, stderr := run(t, nil, "evidence", "add", file, "--db", db, "--title", "Compensating control for "+vuln+": VLAN ACL",
			"--area", "monitoring", "--device", fmt.Sprint(a.DeviceID)); code != 0 {
			t.Fatalf("evidence add: exit %d\n%s%s", code, out, stderr)
		}
		w2 := worklist()
		v, d := w2.factor(a.DeviceID, "mitigations in place")
		if v <= 0 || !strings.Contains(d, "remediated or mitigated") {
			t.Errorf("device %d after a compensating control for %s: mitigations %v (%s)", a.DeviceID, vuln, v, d)
		}
		for _, x := range w2.Worklist {
			if x.DeviceID != a.DeviceID {
				continue
			}
			for _, y := range x.Vulns {
				if y.VulnID == vuln && !y.Remediated {
					t.Errorf("device %d: %s not marked remediated", a.DeviceID, vuln)
				}
			}
		}
	})
}

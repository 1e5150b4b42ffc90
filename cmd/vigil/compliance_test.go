package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store/storetest"
)

// vigilOK runs the binary with env and fails the test unless it exits 0.
func vigilOK(t *testing.T, env []string, args ...string) string {
	t.Helper()
	code, out, stderr := run(t, env, args...)
	if code != 0 {
		t.Fatalf("vigil %s: exit %d\n%s%s", strings.Join(args, " "), code, out, stderr)
	}
	return out
}

// vigilJSON runs the binary and decodes its JSON output into v.
func vigilJSON(t *testing.T, env []string, v any, args ...string) {
	t.Helper()
	out := vigilOK(t, env, args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("vigil %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// TestComplianceCommandsEndToEnd runs the controls, checks, attestation,
// policy and segment commands against the demo hospital on each store.
func TestComplianceCommandsEndToEnd(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			env := []string{"VIGIL_DB=" + storetest.DSN(t, engine)}
			out := vigilOK(t, env, "demo", "--once", "--dir", dir, "--devices", "150")
			if !strings.Contains(out, "network segments (") {
				t.Errorf("demo does not import its segments:\n%s", out)
			}
			t.Run("segments known", func(t *testing.T) { segmentsKnown(t, env) })
			t.Run("controls", func(t *testing.T) { controlsCommands(t, env) })
			t.Run("checks", func(t *testing.T) { checksCommands(t, env, dir) })
			t.Run("attest", func(t *testing.T) { attestCommands(t, env) })
			t.Run("policy", func(t *testing.T) { policyCommands(t, env, dir) })
			t.Run("segments", func(t *testing.T) { segmentsCommands(t, env, dir) })
			t.Run("import", func(t *testing.T) { importCommands(t, env) })
		})
	}
}

// segmentsKnown: with the demo's segment list loaded before its inventory,
// ephi-clinical-segment fails no device with an address for want of a
// segment, in the stored evaluation as in a test run.
func segmentsKnown(t *testing.T, env []string) {
	var inv struct {
		Devices []struct {
			ID int64  `json:"id"`
			IP string `json:"ip"`
		} `json:"devices"`
	}
	vigilJSON(t, env, &inv, "inventory", "export", "--format", "json")
	hasIP := map[int64]bool{}
	for _, d := range inv.Devices {
		hasIP[d.ID] = d.IP != ""
	}
	var res struct {
		Summary map[string]int `json:"summary"`
		Results []struct {
			DeviceID int64  `json:"device_id"`
			Status   string `json:"status"`
			Reason   string `json:"reason"`
		} `json:"results"`
	}
	vigilJSON(t, env, &res, "checks", "test", "--format", "json", filepath.Join("..", "..", "internal", "checks", "library", "ephi-clinical-segment.yaml"))
	if res.Summary["pass"] == 0 {
		t.Errorf("no device passes ephi-clinical-segment: %v", res.Summary)
	}
	for _, r := range res.Results {
		if r.Status == "fail" && r.Reason == "segment unknown" && hasIP[r.DeviceID] {
			t.Errorf("device %d has an address but no segment", r.DeviceID)
		}
	}
	var cv controlJSON
	vigilJSON(t, env, &cv, "controls", "show", "hicp:9.M.E", "--format", "json")
	if cv.Evaluation == nil {
		t.Fatal("hicp:9.M.E has no stored verdict after the demo")
	}
	for _, fd := range cv.Evaluation.FailingDevices {
		if fd.Check == "ephi-clinical-segment" && fd.Reason == "segment unknown" && hasIP[fd.ID] {
			t.Errorf("stored evaluation: device %d has an address but no segment", fd.ID)
		}
	}
}

// controlJSON is the part of 'controls show --format json' the tests read.
type controlJSON struct {
	Control struct {
		Framework, ID, Title, Kind string
	} `json:"control"`
	Parent *struct {
		ID string `json:"id"`
	} `json:"parent"`
	Children  []struct{ ID string } `json:"children"`
	Crosswalk []struct{ Framework, ID string }
	Checks    []struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
	} `json:"checks"`
	Attestations []struct {
		Owner   string `json:"owner"`
		Answer  string `json:"answer"`
		Overdue bool   `json:"overdue"`
	} `json:"attestations"`
	Evaluation *struct {
		EvaluationID   int64  `json:"evaluation_id"`
		Verdict        string `json:"verdict"`
		FailingDevices []struct {
			ID     int64  `json:"id"`
			Check  string `json:"check"`
			Reason string `json:"reason"`
		} `json:"failing_devices"`
	} `json:"evaluation"`
}

func controlsCommands(t *testing.T, env []string) {
	var fl struct {
		Frameworks []struct {
			ID       string `json:"id"`
			Controls int    `json:"controls"`
			Proposed bool   `json:"proposed"`
			Imported bool   `json:"imported"`
		} `json:"frameworks"`
	}
	vigilJSON(t, env, &fl, "controls", "list", "--format", "json")
	counts := map[string]int{}
	for _, f := range fl.Frameworks {
		counts[f.ID] = f.Controls
	}
	if counts["hipaa"] != 70 || counts["csf2"] != 134 || len(fl.Frameworks) < 6 {
		t.Errorf("frameworks: %+v", fl.Frameworks)
	}
	var fw struct {
		ID       string `json:"id"`
		Controls []struct {
			ID, Kind, Requirement string
		} `json:"controls"`
	}
	vigilJSON(t, env, &fw, "controls", "list", "--framework", "hipaa", "--format", "json")
	if fw.ID != "hipaa" || len(fw.Controls) != 70 {
		t.Errorf("controls list --framework hipaa: %s, %d controls", fw.ID, len(fw.Controls))
	}
	if out := vigilOK(t, env, "controls", "list", "--framework", "hph-cpg"); !strings.Contains(out, "HPH-CPG-E01") || !strings.Contains(out, "essential") {
		t.Errorf("controls list --framework hph-cpg lacks the goals and their tiers:\n%s", out)
	}

	var cv controlJSON
	vigilJSON(t, env, &cv, "controls", "show", "hipaa:164.312(e)(1)", "--format", "json")
	if cv.Control.ID != "164.312(e)(1)" || cv.Parent == nil || cv.Parent.ID != "164.312" || len(cv.Children) != 2 || len(cv.Crosswalk) == 0 {
		t.Errorf("controls show hipaa:164.312(e)(1): %+v", cv)
	}
	named := false
	for _, c := range cv.Checks {
		named = named || c.ID == "ephi-no-cleartext"
	}
	if !named {
		t.Errorf("ephi-no-cleartext names hipaa:164.312(e)(1) but is not listed: %+v", cv.Checks)
	}
	if cv.Evaluation == nil || cv.Evaluation.EvaluationID == 0 || cv.Evaluation.Verdict == "" {
		t.Errorf("no latest verdict with its run: %+v", cv.Evaluation)
	}
	out := vigilOK(t, env, "controls", "show", "--framework", "csf2", "PR.DS-02")
	for _, want := range []string{"csf2:PR.DS-02", "parent: PR.DS", "crosswalk (", "hipaa:164.312(e)(1)", "latest evaluation (#"} {
		if !strings.Contains(out, want) {
			t.Errorf("controls show --framework csf2 PR.DS-02 lacks %q:\n%s", want, out)
		}
	}
	// NIST's alias of a HIPAA standard finds the standard.
	vigilJSON(t, env, &cv, "controls", "show", "hipaa:164.310(a)", "--format", "json")
	if cv.Control.ID != "164.310(a)(1)" {
		t.Errorf("alias 164.310(a) shows %s", cv.Control.ID)
	}
	code, _, stderr := run(t, env, "controls", "show", "hipaa:999")
	oneErrorLine(t, code, stderr, `framework hipaa has no control "999"`)
	code, _, stderr = run(t, env, "controls", "show", "nope:1")
	oneErrorLine(t, code, stderr, `no framework "nope"`)
	if code, _, _ := run(t, env, "controls", "show", "164.312(e)(1)"); code != 2 {
		t.Errorf("a control id without its framework: exit %d, want 2", code)
	}
}

func checksCommands(t *testing.T, env []string, dir string) {
	var cl struct {
		Checks []struct {
			ID       string `json:"id"`
			Builtin  bool   `json:"builtin"`
			Severity string `json:"severity"`
			Controls []struct{ Framework, Control string }
		} `json:"checks"`
	}
	vigilJSON(t, env, &cl, "checks", "list", "--format", "json")
	if len(cl.Checks) < 20 || !cl.Checks[0].Builtin || cl.Checks[0].Severity == "" || len(cl.Checks[0].Controls) == 0 {
		t.Fatalf("checks list: %+v", cl.Checks)
	}

	// A file with a type error is refused with its file, line, column and reason.
	bad := filepath.Join("testdata", "bad-check.yaml")
	code, _, stderr := run(t, env, "checks", "add", bad)
	oneErrorLine(t, code, stderr, bad+":8:")
	if !strings.Contains(stderr, "expr: ") || !strings.Contains(stderr, "'ap'") {
		t.Errorf("the refusal lacks its key and reason: %s", stderr)
	}
	code, _, stderr = run(t, env, "checks", "test", bad)
	oneErrorLine(t, code, stderr, bad+":8:")

	good := filepath.Join("testdata", "weak-telnet.yaml")
	out := vigilOK(t, env, "checks", "test", good)
	if !strings.Contains(out, "no-telnet: No device accepts telnet (high)") || !strings.Contains(out, " pass, ") ||
		!strings.Contains(out, "fail") || !strings.Contains(out, "telnet with ") {
		t.Errorf("checks test: want the summary and failing devices with reasons:\n%s", out)
	}
	if out := vigilOK(t, env, "checks", "add", good); !strings.Contains(out, "check no-telnet version 1 stored, enabled") {
		t.Errorf("checks add: %s", out)
	}
	code, _, stderr = run(t, env, "checks", "add", good)
	oneErrorLine(t, code, stderr, "checks edit no-telnet")
	edited := filepath.Join(dir, "no-telnet.yaml")
	src, _ := os.ReadFile(good)
	os.WriteFile(edited, []byte(strings.Replace(string(src), "severity: high", "severity: critical", 1)), 0o644)
	if out := vigilOK(t, env, "checks", "edit", "no-telnet", edited); !strings.Contains(out, "version 2 stored") {
		t.Errorf("checks edit: %s", out)
	}
	code, _, stderr = run(t, env, "checks", "edit", "weak-tls-other", edited)
	oneErrorLine(t, code, stderr, `holds the check "no-telnet"`)
	if out := vigilOK(t, env, "checks", "disable", "no-telnet"); !strings.Contains(out, "version 3 stored, disabled") {
		t.Errorf("checks disable: %s", out)
	}
	var hist struct {
		Versions []struct {
			Version int    `json:"version"`
			Enabled bool   `json:"enabled"`
			Source  string `json:"source"`
			SavedBy string `json:"saved_by"`
		} `json:"versions"`
	}
	vigilJSON(t, env, &hist, "checks", "history", "no-telnet", "--format", "json")
	if len(hist.Versions) != 3 || hist.Versions[2].Enabled || !strings.Contains(hist.Versions[1].Source, "critical") || !strings.HasPrefix(hist.Versions[0].SavedBy, "cli:") {
		t.Errorf("checks history: %+v", hist.Versions)
	}
	out = vigilOK(t, env, "checks", "show", "no-telnet", "--version", "1")
	if !strings.Contains(out, "no-telnet version 1, enabled, saved by cli:") || !strings.Contains(out, "severity: high") || !strings.Contains(out, "controls: hipaa:164.312(e)(1)") {
		t.Errorf("checks show --version 1:\n%s", out)
	}
	// The check now names the control; disabled, it is still listed.
	var cv controlJSON
	vigilJSON(t, env, &cv, "controls", "show", "hipaa:164.312(e)(1)", "--format", "json")
	found := false
	for _, c := range cv.Checks {
		found = found || c.ID == "no-telnet" && c.Version == 3
	}
	if !found {
		t.Errorf("controls show does not list no-telnet version 3: %+v", cv.Checks)
	}
	vigilOK(t, env, "checks", "enable", "no-telnet")
	code, _, stderr = run(t, env, "checks", "disable", "nope")
	oneErrorLine(t, code, stderr, `no check "nope"`)
}

func attestCommands(t *testing.T, env []string) {
	// Neither control is named by a check: the attestation decides it.
	out := vigilOK(t, env, "attest", "hipaa:164.308(a)(2)", "--owner", "Security Officer", "--answer", "met",
		"--date", "2026-01-05", "--next-due", "2099-01-05", "--notes", "security officer named by the board")
	if !strings.Contains(out, "hipaa:164.308(a)(2) met by Security Officer") {
		t.Errorf("attest: %s", out)
	}
	vigilOK(t, env, "attest", "--framework", "hipaa", "164.308(a)(7)(ii)(A)", "--owner", "IT Operations", "--answer", "met",
		"--date", "2020-01-01", "--next-due", "2021-01-01")
	code, _, stderr := run(t, env, "attest", "hipaa:164.308(a)(3)(i)", "--owner", "x", "--answer", "maybe", "--date", "2026-01-01", "--next-due", "2027-01-01")
	if code != 2 || !strings.Contains(stderr, `invalid value "maybe" for flag -answer: want one of met, partially-met, not-met, not-applicable`) {
		t.Errorf("attest --answer maybe: exit %d, stderr %q; want exit 2 and the valid answers", code, stderr)
	}
	code, _, stderr = run(t, env, "attest", "hipaa:164.999", "--owner", "x", "--answer", "met", "--date", "2026-01-01", "--next-due", "2027-01-01")
	oneErrorLine(t, code, stderr, "no control hipaa:164.999")
	if code, _, _ := run(t, env, "attest", "hipaa:164.308(a)(2)", "--owner", "x", "--answer", "met", "--date", "1/1/2026", "--next-due", "2027-01-01"); code != 2 {
		t.Errorf("a malformed date: exit %d, want 2", code)
	}

	var al struct {
		Attestations []struct {
			Control struct{ Framework, Control string }
			Owner   string `json:"owner"`
			Overdue bool   `json:"overdue"`
		} `json:"attestations"`
	}
	vigilJSON(t, env, &al, "attestations", "--framework", "hipaa", "--format", "json")
	overdue := map[string]bool{}
	for _, a := range al.Attestations {
		overdue[a.Control.Control] = a.Overdue
	}
	if len(al.Attestations) != 2 || overdue["164.308(a)(2)"] || !overdue["164.308(a)(7)(ii)(A)"] {
		t.Errorf("attestations: %+v", al.Attestations)
	}
	if out := vigilOK(t, env, "attestations"); !strings.Contains(out, "OVERDUE") || !strings.Contains(out, "in force") {
		t.Errorf("attestations table marks neither:\n%s", out)
	}

	// The evaluation weighs both: the one in force is met, the overdue one not met.
	var ev struct {
		Controls []struct {
			ID           string `json:"id"`
			Verdict      string `json:"verdict"`
			Attestations []struct {
				Owner string `json:"owner"`
			} `json:"attestations"`
		} `json:"controls"`
	}
	vigilJSON(t, env, &ev, "evaluate", "--framework", "hipaa", "--format", "json")
	verdict := map[string]string{}
	for _, c := range ev.Controls {
		if len(c.Attestations) > 0 {
			verdict[c.ID] = c.Verdict
		}
	}
	if verdict["164.308(a)(2)"] != "met" || verdict["164.308(a)(7)(ii)(A)"] != "not-met" {
		t.Errorf("verdicts of the attested controls: %v", verdict)
	}
	var cv controlJSON
	vigilJSON(t, env, &cv, "controls", "show", "hipaa:164.308(a)(7)(ii)(A)", "--format", "json")
	if len(cv.Attestations) != 1 || !cv.Attestations[0].Overdue || cv.Evaluation == nil || cv.Evaluation.Verdict != "not-met" {
		t.Errorf("controls show of the overdue control: %+v %+v", cv.Attestations, cv.Evaluation)
	}
	if out := vigilOK(t, env, "controls", "show", "hipaa:164.308(a)(7)(ii)(A)"); !strings.Contains(out, "OVERDUE") {
		t.Errorf("controls show does not mark the overdue attestation:\n%s", out)
	}
}

func policyCommands(t *testing.T, env []string, dir string) {
	file := filepath.Join(dir, "policy.yaml")
	os.WriteFile(file, []byte("# tighter than the default\nmax_open_days:\n  critical: 7\ncvss_threshold: 9\nallowed_internet: [updates.example.com]\n"), 0o644)
	vigilOK(t, env, "policy", "set", file)
	var p struct {
		MaxOpenDays      map[string]int `json:"max_open_days"`
		CVSSThreshold    float64        `json:"cvss_threshold"`
		SSVCThreshold    string         `json:"ssvc_threshold"`
		AllowedInternet  []string       `json:"allowed_internet"`
		ClinicalSegments []string       `json:"clinical_segments"`
	}
	vigilJSON(t, env, &p, "policy", "show")
	if p.MaxOpenDays["critical"] != 7 || p.MaxOpenDays["high"] != 30 || p.CVSSThreshold != 9 || p.SSVCThreshold != "Attend" ||
		len(p.AllowedInternet) != 1 || len(p.ClinicalSegments) == 0 {
		t.Errorf("policy show after set: %+v", p)
	}
	// The YAML it shows sets the same policy again.
	shown := filepath.Join(dir, "shown.yaml")
	os.WriteFile(shown, []byte(vigilOK(t, env, "policy", "show", "--format", "yaml")), 0o644)
	vigilOK(t, env, "policy", "set", shown)
	var again struct {
		CVSSThreshold float64 `json:"cvss_threshold"`
	}
	vigilJSON(t, env, &again, "policy", "show", "--format", "json")
	if again.CVSSThreshold != 9 {
		t.Errorf("policy set from policy show: %+v", again)
	}
	for text, want := range map[string]string{
		"cvss_treshold: 9\n":                `unknown key "cvss_treshold"`,
		"max_open_days: {critical: soon}\n": "max_open_days: want int64, not string",
		"cvss_threshold: 11\n":              "cvss_threshold must be between 0 and 10",
		"max_open_days: [\n":                "policy.yaml: line",
	} {
		os.WriteFile(file, []byte(text), 0o644)
		code, _, stderr := run(t, env, "policy", "set", file)
		oneErrorLine(t, code, stderr, want)
	}
}

func segmentsCommands(t *testing.T, env []string, dir string) {
	var sl struct {
		Segments []struct {
			Name     string `json:"name"`
			CIDR     string `json:"cidr"`
			VLAN     int    `json:"vlan"`
			Clinical bool   `json:"clinical"`
		} `json:"segments"`
	}
	vigilJSON(t, env, &sl, "segments", "list", "--format", "json")
	if len(sl.Segments) < 10 || sl.Segments[0].Name != "SBMC-CLIN-MONITORING" || !sl.Segments[0].Clinical || sl.Segments[0].VLAN != 110 {
		t.Errorf("the demo's segments: %+v", sl.Segments)
	}
	// What segments list writes as CSV imports again.
	exported := filepath.Join(dir, "segments.csv")
	os.WriteFile(exported, []byte(vigilOK(t, env, "segments", "list", "--format", "csv")), 0o644)
	if out := vigilOK(t, env, "segments", "import", exported); !strings.Contains(out, "network segments (") || !strings.Contains(out, "clinical)") {
		t.Errorf("segments import of the export: %s", out)
	}
	file := filepath.Join(dir, "zones.csv")
	os.WriteFile(file, []byte("Segment Name;Subnet;VLAN ID;Is Clinical\r\nICU;10.1.0.0/24;110;Y\r\nGuest;;300;N\r\n"), 0o644)
	if out := vigilOK(t, env, "segments", "import", file); !strings.Contains(out, "imported 2 network segments (1 clinical)") {
		t.Errorf("segments import: %s", out)
	}
	sl.Segments = nil
	vigilJSON(t, env, &sl, "segments", "list", "--format", "json")
	if len(sl.Segments) != 2 || sl.Segments[0].Name != "ICU" || sl.Segments[1].CIDR != "" || sl.Segments[1].VLAN != 300 {
		t.Errorf("segments after import: %+v", sl.Segments)
	}
	os.WriteFile(file, []byte("name,cidr,vlan,clinical\nICU,10.1.0.0/24,110,yes\nICU,10.2.0.0/24,120,no\n"), 0o644)
	code, _, stderr := run(t, env, "segments", "import", file)
	oneErrorLine(t, code, stderr, "zones.csv: line 3: segment \"ICU\" is listed twice")
}

func importCommands(t *testing.T, env []string) {
	file := filepath.Join("testdata", "sbmc-policy.json")
	out := vigilOK(t, env, "controls", "import", file)
	if !strings.Contains(out, "imported framework sbmc-policy: St. Brigid Medical Center device security policy (version 2026.1), 4 controls") {
		t.Errorf("controls import: %s", out)
	}
	var fw struct {
		ID       string `json:"id"`
		Controls []struct {
			ID, Parent, Kind string
		} `json:"controls"`
	}
	vigilJSON(t, env, &fw, "controls", "list", "--framework", "sbmc-policy", "--format", "json")
	if fw.ID != "sbmc-policy" || len(fw.Controls) != 4 || fw.Controls[3].ID != "net-2.1" || fw.Controls[3].Parent != "net-2" {
		t.Errorf("the imported framework: %+v", fw)
	}
	if out := vigilOK(t, env, "controls", "list"); !strings.Contains(out, "sbmc-policy") || !strings.Contains(out, "imported") {
		t.Errorf("controls list lacks the imported framework:\n%s", out)
	}
	vigilOK(t, env, "attest", "sbmc-policy:net-2", "--owner", "Biomed", "--answer", "partially-met", "--date", "2026-10-01", "--next-due", "2099-01-01")
	var cv controlJSON
	vigilJSON(t, env, &cv, "controls", "show", "--framework", "sbmc-policy", "net-2", "--format", "json")
	if cv.Control.Title != "Vendor remote access is reviewed quarterly" || len(cv.Children) != 1 || len(cv.Attestations) != 1 {
		t.Errorf("controls show of an imported control: %+v", cv)
	}
	code, _, stderr := run(t, env, "controls", "import", file, "--id", "hipaa")
	oneErrorLine(t, code, stderr, "built-in framework")
	broken := filepath.Join(t.TempDir(), "broken.json")
	os.WriteFile(broken, []byte(`{"catalog": {"uuid": "x", "metadata": {"title": "T"}, "controls": [{"title": "no id"}]}}`), 0o644)
	code, _, stderr = run(t, env, "controls", "import", broken)
	oneErrorLine(t, code, stderr, "broken.json: catalog.controls[0]: id required")
}

// TestControlsImportNISTCatalog imports NIST's own OSCAL catalog of CSF 2.0
// under an id of its own, beside the built-in csf2.
func TestControlsImportNISTCatalog(t *testing.T) {
	file := realdata(t, "oscal-catalogs", "NIST_CSF_v2.0_catalog.json")
	env := []string{"VIGIL_DB=" + filepath.Join(t.TempDir(), "v.db")}
	out := vigilOK(t, env, "controls", "import", file, "--id", "nist-csf2")
	if !strings.Contains(out, "imported framework nist-csf2: ") || !strings.Contains(out, "(91 withdrawn)") {
		t.Errorf("controls import: %s", out)
	}
	var cv controlJSON
	vigilJSON(t, env, &cv, "controls", "show", "nist-csf2:PR.DS-02", "--format", "json")
	if !strings.Contains(cv.Control.Title, "data-in-transit") {
		t.Errorf("nist-csf2:PR.DS-02: %+v", cv.Control)
	}
	code, _, stderr := run(t, env, "controls", "import", file, "--id", "csf2")
	oneErrorLine(t, code, stderr, "built-in framework")
}

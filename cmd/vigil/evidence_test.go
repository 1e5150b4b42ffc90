package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/store/storetest"
)

type evidenceJSON struct {
	ID         int64  `json:"id"`
	Key        string `json:"key"`
	Title      string `json:"title"`
	Version    int    `json:"version"`
	Supersedes int64  `json:"supersedes"`
	Auto       bool   `json:"auto"`
	Devices    []int64
}

// TestEvidenceCommandsEndToEnd adds, lists, shows, downloads and verifies
// evidence through the binary on each store, and proves that one changed
// byte of a stored file, or one changed field of a record, makes verify
// exit 1 and name it.
func TestEvidenceCommandsEndToEnd(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			dsn := storetest.DSN(t, engine)
			env := []string{"VIGIL_DB=" + dsn}
			evDir := filepath.Join(filepath.Dir(dsn), "evidence") // SQLite's default
			if engine == "postgres" {
				code, _, stderr := run(t, env, "evidence", "list")
				oneErrorLine(t, code, stderr, "give --evidence-dir DIR or set VIGIL_EVIDENCE_DIR")
				evDir = filepath.Join(dir, "evidence")
				env = append(env, "VIGIL_EVIDENCE_DIR="+evDir)
			}
			write := func(name, content string) string {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
				return p
			}

			// An import gathers the inventory snapshot and the evaluations by
			// itself; the same import again stores nothing new.
			inv := write("cmms.csv", "asset_tag,manufacturer,model,device_type\nBME-1,BD,Alaris 8015,infusion pump\nBME-2,Philips,IntelliVue MX800,patient monitor\n")
			vigilOK(t, env, "import", "--source", "cmms", inv)
			var auto struct{ Evidence []evidenceJSON }
			vigilJSON(t, env, &auto, "evidence", "list", "--format", "json")
			titles := map[string]bool{}
			for _, e := range auto.Evidence {
				titles[e.Title] = e.Auto
			}
			if !titles["Inventory snapshot"] || !titles["Evaluation: hipaa"] {
				t.Fatalf("automatic evidence after an import: %+v", auto.Evidence)
			}
			vigilOK(t, env, "import", "--source", "cmms", inv)
			var again struct{ Evidence []evidenceJSON }
			vigilJSON(t, env, &again, "evidence", "list", "--format", "json", "--all-versions")
			if len(again.Evidence) != len(auto.Evidence) {
				t.Errorf("an identical import stored %d more records", len(again.Evidence)-len(auto.Evidence))
			}

			var roster, baa evidenceJSON
			vigilJSON(t, env, &roster, "evidence", "add", write("roster.csv", "name,completed\nana,2026-01-10\n"), "--title", "Training roster",
				"--control", "hipaa:164.308(a)(5)(i)", "--area", "training", "--effective", "2026-01-01..2026-06-30", "--expires", "2027-01-01", "--format", "json")
			vigilJSON(t, env, &baa, "evidence", "add", write("baa.pdf", "%PDF-1.4 business associate agreement"), "--title", "Alaris BAA",
				"--control", "hipaa:164.308(b)(1)", "--area", "vendor-management", "--device", "BME-1", "--format", "json")
			if roster.Version != 1 || len(baa.Devices) != 1 {
				t.Fatalf("added: %+v %+v", roster, baa)
			}
			if out := vigilOK(t, env, "evidence", "list", "--control", "hipaa:164.308(a)(5)(i)"); !strings.Contains(out, "Training roster") || strings.Contains(out, "Alaris BAA") {
				t.Errorf("list --control:\n%s", out)
			}
			if out := vigilOK(t, env, "evidence", "list", "--device", "BME-1"); !strings.Contains(out, "Alaris BAA") || strings.Contains(out, "Training roster") {
				t.Errorf("list --device:\n%s", out)
			}
			var v2 evidenceJSON
			vigilJSON(t, env, &v2, "evidence", "add", write("roster2.csv", "name,completed\nana,2026-07-10\n"), "--supersedes", strconv.FormatInt(roster.ID, 10), "--format", "json")
			if v2.Version != 2 || v2.Supersedes != roster.ID || v2.Title != "Training roster" {
				t.Errorf("new version: %+v", v2)
			}
			if out := vigilOK(t, env, "evidence", "show", strconv.FormatInt(v2.ID, 10)); !strings.Contains(out, "v1  id "+strconv.FormatInt(roster.ID, 10)) {
				t.Errorf("show lists no versions:\n%s", out)
			}
			got := filepath.Join(dir, "got.pdf")
			vigilOK(t, env, "evidence", "get", strconv.FormatInt(baa.ID, 10), "--out", got)
			if b, _ := os.ReadFile(got); string(b) != "%PDF-1.4 business associate agreement" {
				t.Errorf("get wrote %q", b)
			}
			if out := vigilOK(t, env, "evidence", "verify"); !strings.HasPrefix(out, "ok: ") {
				t.Errorf("verify on a sound repository:\n%s", out)
			}

			// One changed byte of the BAA's file.
			p := filepath.Join(evDir, baa.Key[:2], baa.Key[2:4], baa.Key)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			os.Chmod(p, 0o640)
			b[3] ^= 1
			if err := os.WriteFile(p, b, 0o640); err != nil {
				t.Fatal(err)
			}
			code, out, _ := run(t, env, "evidence", "verify")
			if code != 1 || !strings.Contains(out, "file-changed: evidence "+strconv.FormatInt(baa.ID, 10)+" (Alaris BAA)") {
				t.Errorf("verify after one changed byte: exit %d\n%s", code, out)
			}
			code, _, stderr := run(t, env, "evidence", "get", strconv.FormatInt(baa.ID, 10), "--out", filepath.Join(dir, "x"))
			oneErrorLine(t, code, stderr, "has changed since it was stored")
			b[3] ^= 1
			os.WriteFile(p, b, 0o640)

			// One changed field of the roster's record.
			driver := map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[engine]
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			if _, err := raw.Exec(`UPDATE evidence SET expires_at = '2099-01-01T00:00:00.000000000Z' WHERE id = ` + strconv.FormatInt(roster.ID, 10)); err != nil {
				t.Fatal(err)
			}
			code, out, stderr = run(t, env, "evidence", "verify")
			if code != 1 || !strings.Contains(out, "record-changed: evidence "+strconv.FormatInt(roster.ID, 10)+" (Training roster)") || strings.Contains(out, "file-changed") {
				t.Errorf("verify after one changed field: exit %d\n%s", code, out)
			}
			if !strings.Contains(stderr, "evidence verify found 1 problem(s)") {
				t.Errorf("verify's error line: %s", stderr)
			}
		})
	}
}

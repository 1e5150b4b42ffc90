package web_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestVulnerabilityPages(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	ctx := context.Background()
	_, err := e.svc.Inventory.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmdb", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "HL7-1", "manufacturer": "Rhapsody", "model": "Rhapsody Integration Engine", "firmware": "6.7.1"})},
	}})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := gen.Generate(gen.Options{Seed: 1, Devices: 600, Now: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
	dir := t.TempDir()
	if _, err := h.WriteFiles(dir, gen.Vulns{}); err != nil {
		t.Fatal(err)
	}
	admin, _ := e.client("admin")
	// Upload the feeds through the API, as a script would.
	tok, _, _ := e.db.CreateAPIToken(ctx, mustUser(t, e, "compliance"), "feeds")
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	more, _ := filepath.Glob(filepath.Join(dir, "feeds", "*", "*.json"))
	for _, p := range append(paths, more...) {
		body, _ := os.ReadFile(p)
		req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/feeds?filename="+filepath.Base(p), strings.NewReader(string(body)))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("upload %s: %d", p, resp.StatusCode)
		}
	}
	body := e.get(admin, "/vulnerabilities?affecting=1", 200)
	if !strings.Contains(body, "CVE-2021-44228") {
		t.Errorf("vulnerability list lacks Log4Shell")
	}
	body = e.get(admin, "/vulnerabilities/CVE-2021-44228", 200)
	for _, want := range []string{"CISA KEV", "HL7-1", "affected"} {
		if !strings.Contains(body, want) {
			t.Errorf("vulnerability page lacks %q", want)
		}
	}
	e.get(admin, "/advisories", 200)
	ms, _ := e.db.FindMatches(ctx, vigil.MatchFilter{VulnID: "CVE-2021-44228"})
	if len(ms) == 0 || ms[0].AdvisoryID == "" {
		t.Fatalf("no advisory on the Log4Shell match: %+v", ms)
	}
	e.get(admin, "/advisories/"+ms[0].AdvisoryID, 200)
	body = e.get(admin, "/risk", 200)
	if !strings.Contains(body, "HL7-1") {
		t.Errorf("risk worklist lacks the affected device")
	}
	body = e.get(admin, "/devices/"+itoa(ms[0].DeviceID), 200)
	for _, want := range []string{"Risk:", "SBOM", "log4j-core"} {
		if !strings.Contains(body, want) {
			t.Errorf("device page lacks %q", want)
		}
	}
	e.get(admin, "/api/v1/risk", 200)
	e.get(admin, "/api/v1/devices/"+itoa(ms[0].DeviceID)+"/risk", 200)
	e.get(admin, "/vulnerabilities/CVE-0000-0000", 404)
}

func mustUser(t *testing.T, e *env, name string) *vigil.User {
	u, err := e.svc.Accounts.Authenticate(context.Background(), name, pw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

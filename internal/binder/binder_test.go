package binder_test

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/binder"
	"github.com/vigil-health/vigil/internal/catalog"
)

var testAt = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)

// testKey is a fixed key, so that binders are reproducible in tests.
func testKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

// memFile is evidence held in memory.
func memFile(meta binder.EvidenceMeta, content string) binder.EvidenceFile {
	sum := sha256.Sum256([]byte(content))
	meta.SHA256 = hex.EncodeToString(sum[:])
	return binder.EvidenceFile{Meta: meta, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(content)), nil }}
}

// sampleInput is a small hospital measured against the built-in HIPAA
// catalog: every verdict, failing devices with reasons that need escaping,
// attestations, evidence and a plan with a closed item.
func sampleInput(t testing.TB) *binder.Input {
	t.Helper()
	in, err := buildSample()
	if err != nil {
		t.Fatal(err)
	}
	return in
}

func buildSample() (*binder.Input, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	fw, err := cat.Framework("hipaa")
	if err != nil {
		return nil, err
	}
	in := &binder.Input{Framework: *fw, At: testAt, Hospital: "St. Brigid's Medical Center", AuditHead: strings.Repeat("ab", 32)}
	for i := 1; i <= 12; i++ {
		in.Devices = append(in.Devices, vigil.Device{ID: int64(i), AssetTag: fmt.Sprintf("CE%06d", i), Serial: fmt.Sprintf("SN-%d", i),
			Manufacturer: "Baxter", Model: "Sigma Spectrum", DeviceType: "infusion-pump", Firmware: "8.01",
			MAC: fmt.Sprintf("00:1a:2b:3c:4d:%02x", i), IP: fmt.Sprintf("10.20.0.%d", i), Location: "Main Tower / Floor 3 / ICU",
			StoresEPHI: i%2 == 0, Criticality: vigil.CriticalityLifeSustaining, Lifecycle: vigil.LifecycleInService,
			FirstSeen: testAt.AddDate(-1, 0, 0), LastSeen: testAt})
	}
	ev := vigil.Evaluation{ID: 42, Framework: "hipaa", At: testAt, RanAt: testAt.Add(time.Minute), Summary: map[vigil.Verdict]int{}}
	verdicts := vigil.Verdicts()
	for i, c := range fw.Controls {
		ce := vigil.ControlEvaluation{ID: c.ID, Title: c.Title, Verdict: verdicts[i%len(verdicts)], Basis: "2 checks"}
		if ce.Verdict == vigil.VerdictNotMet || ce.Verdict == vigil.VerdictPartiallyMet {
			ce.Checks = []vigil.CheckOutcome{
				{ID: "ephi-no-cleartext", Title: "No ePHI in cleartext", Severity: "high", Verdict: ce.Verdict, Passed: 9, Failed: 3},
				{ID: "firmware-current", Title: "Firmware current", Severity: "medium", Verdict: vigil.VerdictMet, Passed: 12},
			}
			for d := 1; d <= 3; d++ {
				ce.FailingDevices = append(ce.FailingDevices, vigil.FailingDevice{ID: int64(d), AssetTag: fmt.Sprintf("CE%06d", d),
					Check: "ephi-no-cleartext", Reason: "sends HL7 <script>alert(1)</script> & DICOM in cleartext to 10.20.1.5"})
			}
			ce.FailingDevices = append(ce.FailingDevices, vigil.FailingDevice{ID: 99, AssetTag: "GONE1", Check: "ephi-no-cleartext", Reason: "removed since"})
		}
		if i%7 == 0 {
			ce.Attestations = []vigil.Attestation{{ID: int64(i + 1), Control: c.Ref(), Owner: "CISO", Answer: vigil.VerdictMet,
				Date: testAt.AddDate(0, -3, 0), NextDue: testAt.AddDate(0, 9, 0), Notes: "Reviewed with the board.", RecordedBy: "admin", RecordedAt: testAt.AddDate(0, -3, 0)}}
		}
		ev.Summary[ce.Verdict]++
		ev.Controls = append(ev.Controls, ce)
	}
	in.Evaluation = ev
	first, second := fw.Controls[1].ID, fw.Controls[2].ID
	in.Evidence = []binder.EvidenceFile{
		memFile(binder.EvidenceMeta{ID: "1", Title: "Risk analysis 2026", Controls: []string{first}, Collected: testAt.AddDate(0, -1, 0),
			EffectiveFrom: testAt.AddDate(0, -1, 0), EffectiveTo: testAt.AddDate(1, 0, 0), FileName: "risk analysis 2026.pdf"}, "%PDF-1.4 not really a pdf\n"),
		memFile(binder.EvidenceMeta{ID: "2", Title: "Inventory snapshot — café wing", Controls: []string{first, second}, Devices: []int64{1, 2},
			Collected: testAt, FileName: "inventory.csv"}, "asset_tag,serial\nCE000001,SN-1\n"),
		memFile(binder.EvidenceMeta{ID: "3", Title: "Access review", Controls: []string{second}, Collected: testAt.AddDate(0, 0, -2),
			FileName: "../../etc/passwd"}, "not a path escape\n"),
	}
	in.Plan = []binder.PlanItem{
		{ID: "P-1", Control: first, Device: 1, Title: "Patch the pumps' firmware", Owner: "Clinical engineering", Due: testAt.AddDate(0, 0, 14), Priority: "critical", Status: "open", Evidence: []string{"2"}},
		{ID: "P-2", Control: second, Title: "Renew the access review", Owner: "IT security", Due: testAt.AddDate(0, 1, 0), Priority: "high", Status: "in-progress", Evidence: []string{"evidence:3", "attestation:9"}},
		{ID: "P-3", Control: first, Title: "Done already", Owner: "IT", Priority: "low", Status: "closed"},
		{ID: "P-4", Title: "Sign the BAA with the pump vendor", Owner: "Procurement", Priority: "medium", Status: "open"},
	}
	return in, nil
}

// writeSample writes the sample binder to a temporary file.
func writeSample(t testing.TB, in *binder.Input) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "binder.zip")
	if err := binder.WriteFile(path, in, testKey()); err != nil {
		t.Fatal(err)
	}
	return path
}

// entries reads every file of a binder.
func entries(t testing.TB, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func TestWriteLayout(t *testing.T) {
	in := sampleInput(t)
	files := entries(t, writeSample(t, in))
	for _, name := range []string{"index.html", "style.css", "evidence.html", "plan.html", "summary.pdf", "inventory.xlsx",
		"assessment-results.json", "poam.json", "MANIFEST.sha256", "MANIFEST.sha256.sig", "signing-key.pub",
		"evidence/1/risk_analysis_2026.pdf", "evidence/2/inventory.csv", "evidence/3/etc_passwd", "controls/001-164.308.html"} {
		if _, ok := files[name]; !ok {
			t.Errorf("binder lacks %s", name)
		}
	}
	pages := 0
	for name := range files {
		if strings.HasPrefix(name, "controls/") {
			pages++
		}
	}
	if pages != len(in.Framework.Controls) {
		t.Errorf("%d control pages, want %d", pages, len(in.Framework.Controls))
	}
	if !bytes.HasPrefix(files["summary.pdf"], []byte("%PDF-")) {
		t.Error("summary.pdf is not a PDF")
	}
	for name, b := range files {
		if strings.HasSuffix(name, ".html") && bytes.Contains(b, []byte("<script>")) {
			t.Errorf("%s holds an unescaped <script>", name)
		}
	}
	idx := string(files["index.html"])
	for _, want := range []string{"St. Brigid&#39;s Medical Center", "164.308(a)(1)(i)", `href="controls/001-164.308.html"`, "sha256sum -c MANIFEST.sha256", strings.Repeat("ab", 32)} {
		if !strings.Contains(idx, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	plan := string(files["plan.html"])
	for _, want := range []string{`<a href="evidence/3/etc_passwd">evidence:3</a>, attestation:9`, "3 open of 4 items"} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan.html lacks %q", want)
		}
	}
	manifest := string(files["MANIFEST.sha256"])
	if !strings.Contains(manifest, "# audit-head: "+strings.Repeat("ab", 32)+"\n") {
		t.Errorf("manifest lacks the audit head:\n%s", manifest)
	}
	var listed []string
	for _, line := range strings.Split(strings.TrimSpace(manifest), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		sum, name, _ := strings.Cut(line, "  ")
		got := sha256.Sum256(files[name])
		if hex.EncodeToString(got[:]) != sum {
			t.Errorf("manifest: %s has a wrong digest", name)
		}
		listed = append(listed, name)
	}
	var want []string
	for name := range files {
		if name != "MANIFEST.sha256" && name != "MANIFEST.sha256.sig" {
			want = append(want, name)
		}
	}
	slices.Sort(want)
	if diff := cmp.Diff(want, listed); diff != "" {
		t.Errorf("manifest lists (-want +got):\n%s", diff)
	}
}

// TestWriteDeterministic: the same input gives the same bytes.
func TestWriteDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := binder.Write(&a, sampleInput(t), testKey()); err != nil {
		t.Fatal(err)
	}
	if err := binder.Write(&b, sampleInput(t), testKey()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two binders of the same input differ")
	}
}

func TestWriteRefusesAlteredEvidence(t *testing.T) {
	in := sampleInput(t)
	in.Evidence[1].Meta.SHA256 = strings.Repeat("0", 64)
	dir := t.TempDir()
	err := binder.WriteFile(filepath.Join(dir, "b.zip"), in, testKey())
	if err == nil || !strings.Contains(err.Error(), "evidence 2") {
		t.Fatalf("err = %v, want one naming evidence 2", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("a failed export left %v", left)
	}
}

func TestWriteRefusesBadInput(t *testing.T) {
	for name, change := range map[string]func(*binder.Input){
		"no framework":      func(in *binder.Input) { in.Framework = vigil.Framework{} },
		"another framework": func(in *binder.Input) { in.Evaluation.Framework = "csf2" },
		"no date":           func(in *binder.Input) { in.At = time.Time{} },
		"duplicate evidence": func(in *binder.Input) {
			in.Evidence[1].Meta.ID = "1"
			in.Evidence[1].Meta.FileName = "risk analysis 2026.pdf"
		},
	} {
		in := sampleInput(t)
		change(in)
		if err := binder.Write(io.Discard, in, testKey()); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/mds2"
)

// TestMDS2 imports a generated 2019-layout form from XLSX and from CSV,
// lists and shows it, and refuses a malformed one naming the row.
func TestMDS2(t *testing.T) {
	dir := t.TempDir()
	env := []string{"VIGIL_DB=" + filepath.Join(dir, "v.db")}
	smp := mds2.Generate(rand.New(rand.NewPCG(13, 2019)), mds2.Spec{Manufacturer: "Acme Medical", Model: "Pump 9", DocumentID: "D-9", ReleaseDate: "2026-03-20"})
	xlsx, err := smp.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	xfile, cfile := filepath.Join(dir, "acme.xlsx"), filepath.Join(dir, "acme.csv")
	os.WriteFile(xfile, xlsx, 0o644)
	os.WriteFile(cfile, smp.CSV(), 0o644)
	if out := vigilOK(t, env, "mds2", "import", xfile); !strings.Contains(out, "imported MDS2 form 1: Acme Medical Pump 9, version 1, 240 questions") {
		t.Errorf("import xlsx: %s", out)
	}
	if out := vigilOK(t, env, "mds2", "import", cfile, "--manufacturer", "ACME Medical Systems", "--model", "PUMP 9"); !strings.Contains(out, "Acme Medical Pump 9, version 2") {
		t.Errorf("import csv: %s", out)
	}
	var list struct {
		Forms []*vigil.MDS2Form `json:"mds2_forms"`
	}
	vigilJSON(t, env, &list, "mds2", "list", "--format", "json", "--all-versions")
	if len(list.Forms) != 2 || list.Forms[0].Version != 2 || list.Forms[0].Facts != smp.Want.Facts {
		t.Errorf("list: %+v", list.Forms)
	}
	var f vigil.MDS2Form
	vigilJSON(t, env, &f, "mds2", "show", "--manufacturer", "Acme", "--model", "pump 9", "--format", "json")
	if f.ID != 2 || len(f.Questions) != 240 || f.Answer("STCF-1") != smp.Want.Answer("STCF-1") {
		t.Errorf("show: id %d, %d questions", f.ID, len(f.Questions))
	}
	if out := vigilOK(t, env, "mds2", "show", "1"); !strings.Contains(out, "encrypts at rest") || !strings.Contains(out, "SAHD-15") {
		t.Errorf("show table:\n%s", out)
	}
	inv := filepath.Join(dir, "inventory.csv")
	os.WriteFile(inv, []byte("asset tag,manufacturer,model,serial\nBME-1,ACME Medical Systems,PUMP 9,S1\nBME-2,Other,Pump 9,S2\n"), 0o644)
	vigilOK(t, env, "import", "--source", "cmms", inv)
	vigilJSON(t, env, &f, "mds2", "show", "--device", "BME-1", "--format", "json")
	if f.ID != 2 {
		t.Errorf("show --device BME-1: form %d, want 2", f.ID)
	}
	code, _, stderr := run(t, env, "mds2", "show", "--device", "BME-2")
	oneErrorLine(t, code, stderr, "no MDS2 form on file for Other Pump 9")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("DOC-1,Manufacturer,Acme\nDOC-3,Model,X\nXTCF-1,x,Yes\n"), 0o644)
	code, _, stderr = run(t, env, "mds2", "import", bad)
	oneErrorLine(t, code, stderr, "bad.csv: row 3: unknown question id \"XTCF-1\"")
}

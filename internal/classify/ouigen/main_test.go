package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadAndWrite(t *testing.T) {
	table := make(map[string]string)
	for _, name := range registries() {
		if _, err := readRegistry(filepath.Join("testdata", name), table); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	want := map[string]string{
		"0009FB":    "Philips Patient Monitoring",
		"70B3D5":    "IEEE Registration Authority",
		"001BA9":    "Brother industries, LTD.",
		"208593B":   "IOG Products LLC",
		"70B3D5F2F": "TELEPLATFORMS",
	}
	if diff := cmp.Diff(want, table); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	out := filepath.Join(t.TempDir(), "oui.tsv.gz")
	if err := write(out, table, "1661630937"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	wantLines := []string{
		"# IEEE MA-L/MA-M/MA-S/IAB registries via Debian ieee-data, lastupdate 1661630937; regenerate with go generate",
		"0009FB\tPhilips Patient Monitoring",
		"001BA9\tBrother industries, LTD.",
		"208593B\tIOG Products LLC",
		"70B3D5\tIEEE Registration Authority",
		"70B3D5F2F\tTELEPLATFORMS",
	}
	if diff := cmp.Diff(wantLines, lines); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
}

func TestReadRegistryBadRow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "oui.csv")
	if err := os.WriteFile(path, []byte("Registry,Assignment,Organization Name,Organization Address\nMA-L,00ZZ,Bad,x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := readRegistry(path, map[string]string{})
	if err == nil || !strings.Contains(err.Error(), "oui.csv:2: assignment \"00ZZ\"") {
		t.Errorf("got %v, want an error naming line 2", err)
	}
}

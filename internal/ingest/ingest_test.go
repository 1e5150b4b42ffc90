package ingest

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// testNow is the import time the tests pass as Options.Now.
var testNow = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

// summarize renders a result as stable text for golden files.
func summarize(res *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format=%s encoding=%s delim=%q sheet=%q header=%s\n", res.Format, res.Encoding, res.Delim, res.Sheet, res.Header)
	for _, m := range res.Mapping {
		fmt.Fprintf(&b, "map %d %q -> %q (%s)\n", m.Column, m.Header, m.Field, m.How)
	}
	for _, r := range res.Records {
		keys := make([]string, 0, r.Fields.Len())
		for k := range r.Fields.All() {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		fmt.Fprintf(&b, "rec %s at=%s", r.Origin, r.ObservedAt.Format(time.RFC3339))
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%q", k, r.Fields.Get(k))
		}
		b.WriteString("\n")
	}
	for _, e := range res.Errors {
		fmt.Fprintf(&b, "error %s\n", e)
	}
	for _, e := range res.Warnings {
		fmt.Fprintf(&b, "warning %s\n", e)
	}
	for _, h := range res.Hosts {
		fmt.Fprintf(&b, "host ip=%s ipv6=%s mac=%s vendor=%q names=%q os=%q/%d cpe=%q\n",
			h.IP, h.IPv6, h.MAC, h.MACVendor, h.Hostnames, h.OS, h.OSAccuracy, h.OSCPE)
		for _, p := range h.Ports {
			fmt.Fprintf(&b, "  port %s cpe=%q\n", p, p.CPE)
		}
	}
	return b.String()
}

// checkGolden compares got with testdata/golden/name, or rewrites it.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}

// mustRead reads a testdata file with the test clock.
func mustRead(t *testing.T, path string, opt Options) *Result {
	t.Helper()
	opt.Now = testNow
	res, err := Read(context.Background(), path, opt)
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	return res
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		path string
		opt  Options
		want string // substring of the error
	}{
		{"missing", filepath.Join(dir, "nope.csv"), Options{}, "cannot read"},
		{"directory", dir, Options{}, "is a directory"},
		{"binary as csv", write("bin.csv", []byte("Asset Tag\nA\x00B\n")), Options{}, "bin.csv: byte 11: NUL byte"},
		{"zip as csv", write("zip.csv", []byte("PK\x03\x04garbage")), Options{}, "zip archive"},
		{"text as xlsx", write("t.xlsx", []byte("Asset Tag\nA-1\n")), Options{}, "byte 0: not an XLSX workbook"},
		{"corrupt zip", write("c.xlsx", []byte("PK\x03\x04\x14\x00\x00\x00garbage")), Options{}, "not a readable XLSX workbook"},
		{"legacy xls", write("old.xls", []byte("x")), Options{}, "legacy .xls"},
		{"bad quote", filepath.Join("testdata", "csv", "badquote.csv"), Options{}, "badquote.csv: line 5, column 8 (record starting at line 4)"},
		{"no identifier", filepath.Join("testdata", "csv", "noid.csv"), Options{}, "noid.csv: line 1: no column maps to a device identifier"},
		{"header only", filepath.Join("testdata", "csv", "headeronly.csv"), Options{}, "headeronly.csv: line 1: a header row but no data rows"},
		{"empty", write("empty.csv", nil), Options{}, "the file is empty"},
		{"strict", filepath.Join("testdata", "csv", "multiline.csv"), Options{Strict: true}, `multiline.csv:5: column "MAC": not a MAC address (strict`},
		{"unknown format", write("x.csv", []byte("a")), Options{Format: "pdf"}, `unknown format "pdf"`},
		{"missing sheet", write("s.csv", []byte("a")), Options{MapFile: filepath.Join(dir, "none.yaml")}, "cannot read map file"},
		{"jsonl not json", write("a.jsonl", []byte("Asset Tag,MAC\n")), Options{}, "a.jsonl: line 1: not JSON Lines"},
		{"json array cut", write("a.json", []byte("[\n{\"mac\": \"00:11:22:33:44:55\"},\n{\"mac\": \n")), Options{}, "a.json: line 3: invalid JSON array: incomplete JSON object"},
		{"pretty json object", write("b.json", []byte("{\n  \"mac\": \"00:11:22:33:44:55\"\n}\n")), Options{}, "b.json: line 1: not JSON Lines (one complete object per line): incomplete JSON object"},
		{"xml not nmap", write("a.xml", []byte("<root/>")), Options{}, "root element is <root>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.Now = testNow
			_, err := Read(context.Background(), tt.path, tt.opt)
			if err == nil {
				t.Fatalf("Read succeeded, want error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
			if code := vigil.ErrorCode(err); code != vigil.EINVALID {
				t.Errorf("error code %q, want %q", code, vigil.EINVALID)
			}
		})
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"a.csv", "", FormatCSV},
		{"a.TSV", "", FormatCSV},
		{"a.xlsx", "", FormatXLSX},
		{"a.xml", "", FormatNmap},
		{"a.ndjson", "", FormatJSONL},
		{"upload", "PK\x03\x04...", FormatXLSX},
		{"upload", "\ufeff  <?xml version='1.0'?><nmaprun/>", FormatNmap},
		{"upload", "{\"mac\":\"x\"}\n", FormatJSONL},
		{"upload", "Asset Tag,MAC\n", FormatCSV},
	}
	for _, tt := range tests {
		got, err := detectFormat(tt.name, []byte(tt.data), "")
		if err != nil || got != tt.want {
			t.Errorf("detectFormat(%q, %q) = %q, %v; want %q", tt.name, tt.data, got, err, tt.want)
		}
	}
}

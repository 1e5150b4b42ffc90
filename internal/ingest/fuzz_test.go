package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil"
)

// addFiles seeds a fuzz corpus with the files matching the glob patterns.
func addFiles(f *testing.F, patterns ...string) {
	for _, p := range patterns {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			if data, err := os.ReadFile(file); err == nil {
				f.Add(data)
			}
		}
	}
}

// checkResult holds what every successful parse must give: records with an
// identifier and canonical values, and one host per record for nmap.
func checkResult(t *testing.T, res *Result) {
	for _, r := range res.Records {
		if !hasIdentifier(r.Fields) {
			t.Fatalf("record %s has no identifier", r.Origin)
		}
		for k, v := range r.Fields.All() {
			if !vigil.IsField(k) || v == "" {
				t.Fatalf("record %s: field %q = %q", r.Origin, k, v)
			}
		}
	}
	if res.Format == FormatNmap && len(res.Hosts) != len(res.Records) {
		t.Fatalf("%d hosts for %d records", len(res.Hosts), len(res.Records))
	}
}

// fuzzParse parses data as the named file and checks the result.
func fuzzParse(t *testing.T, name string, data []byte) {
	res, err := Parse(context.Background(), name, data, Options{Now: testNow})
	if err != nil {
		if vigil.ErrorCode(err) != vigil.EINVALID {
			t.Fatalf("error code %q: %v", vigil.ErrorCode(err), err)
		}
		return
	}
	checkResult(t, res)
}

func FuzzCSV(f *testing.F) {
	addFiles(f, filepath.Join("testdata", "csv", "*"), filepath.Join("testdata", "mapfile", "*.csv"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, "fuzz.csv", data) })
}

func FuzzJSONL(f *testing.F) {
	addFiles(f, filepath.Join("testdata", "jsonl", "*"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, "fuzz.jsonl", data) })
}

func FuzzNmap(f *testing.F) {
	addFiles(f, filepath.Join(realNmapDir, "*", "*.xml"))
	f.Add([]byte(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><nmaprun>&e;</nmaprun>`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, "fuzz.xml", data) })
}

func FuzzXLSX(f *testing.F) {
	f.Add(makeWorkbook(f))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzParse(t, "fuzz.xlsx", data) })
}

// FuzzNormalizeValue checks NormalizeValue never panics and is idempotent:
// a normalised value normalises to itself.
func FuzzNormalizeValue(f *testing.F) {
	for _, s := range []string{"00:1A:2B:3C:4D:5E", "001a.2b3c.4d5e", "10.0.0.1/24", "::ffff:1.2.3.4", "Y", "x",
		"03/01/2024", "45352.5", "GE Medical Systems", "Dräger Medical GmbH", `="0012"`, "Life Support", "N/A", "Bldg 1\r\n  Floor 2"} {
		f.Add(uint8(0), s)
	}
	fields := append([]string{FieldObservedAt}, vigil.Fields...)
	f.Fuzz(func(t *testing.T, which uint8, raw string) {
		field := fields[int(which)%len(fields)]
		out, err := NormalizeValue(field, raw)
		if err != nil || out == "" {
			return
		}
		again, err := NormalizeValue(field, out)
		if err != nil || again != out {
			t.Fatalf("NormalizeValue(%q, %q) = %q, but again gives %q, %v", field, raw, out, again, err)
		}
	})
}

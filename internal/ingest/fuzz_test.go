package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

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
			if why := badText(v); why != "" {
				t.Fatalf("record %s: field %q = %q: %s", r.Origin, k, v, why)
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
		"03/01/2024", "45352.5", "GE Medical Systems", "Dräger Medical GmbH", `="0012"`, "Life Support", "N/A", "Bldg 1\r\n  Floor 2",
		"(01)00844588018923(17)251231(21)SN1", "+A99912345/$+SN97", "0012A5FFFE3B7C10"} {
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

// FuzzHeaderMatch feeds header text and one column of values to the
// word-based matcher and the map-file writer: no panic, a field that is
// canonical (or none), the same answer twice, values normalised for the
// field they map to without a panic, and a written map file that reads back
// to the same columns.
func FuzzHeaderMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"SWVersion", "4.2.1"}, {"S/N", "SN1"}, {"IPv4Address", "10.0.0.1"}, {"VLAN Id", "140"},
		{"Risk Class", "II"}, {"Next PM Due", "03/04/2026"}, {"Cost Ctr", "CC-1"}, {"hostserialnumber", "x"},
		{"Numéro de série", "A1"}, {"#", ""}, {"a/b/c", "0011.2233.4455"}, {"\"q\\\"", "\x00"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, header, value string) {
		got := TokenField(header)
		if got != "" && !isTargetField(got) {
			t.Fatalf("TokenField(%q) = %q, not a field", header, got)
		}
		if again := TokenField(header); again != got {
			t.Fatalf("TokenField(%q): %q then %q", header, got, again)
		}
		ms := newMapper(nil).mapColumns([]string{"Asset Tag", header}, [][]string{{"A1", value}, {"A2", value}})
		if f := ms[1].Field; f != "" {
			if !isTargetField(f) {
				t.Fatalf("%q mapped to %q", header, f)
			}
			if f != FieldIgnore {
				NormalizeValue(f, value) // must not panic
			}
		}
		res := &Result{File: "f.csv", Mapping: ms}
		var b strings.Builder
		if err := WriteMapFile(&b, res); err != nil {
			t.Fatal(err)
		}
		mf, err := ParseMapFile("written", []byte(b.String()))
		if err != nil {
			t.Fatalf("written map file does not read back: %v\n%s", err, b.String())
		}
		for _, cm := range ms {
			h := strings.TrimSpace(cm.Header)
			if h == "" {
				continue
			}
			want := cm.Field
			if want == "" {
				want = FieldIgnore
			}
			if got := mf.Columns[h]; got != want && utf8.ValidString(h) {
				t.Fatalf("map file: %q reads back as %q, want %q\n%s", h, got, want, b.String())
			}
		}
	})
}

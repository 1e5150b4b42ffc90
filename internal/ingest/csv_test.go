package ingest

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
)

// TestCSVVariants reads the same inventory written in each delimiter and
// encoding: every variant must give the same records as comma.csv.
func TestCSVVariants(t *testing.T) {
	dir := filepath.Join("testdata", "csv")
	base := mustRead(t, filepath.Join(dir, "comma.csv"), Options{})
	if len(base.Records) != 4 || len(base.Errors) != 0 {
		t.Fatalf("comma.csv: %d records, %d errors; want 4, 0:\n%s", len(base.Records), len(base.Errors), summarize(base))
	}
	tests := []struct {
		file, encoding, delim string
	}{
		{"comma.csv", "utf-8", ","},
		{"semicolon.csv", "utf-8", ";"},
		{"tab.tsv", "utf-8", "\t"},
		{"pipe.txt", "utf-8", "|"},
		{"bom_crlf.csv", "utf-8-bom", ","},
		{"cp1252.csv", "windows-1252", ";"},
		{"utf16.txt", "utf-16le", "\t"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := mustRead(t, filepath.Join(dir, tt.file), Options{})
			if res.Encoding != tt.encoding || res.Delim != tt.delim {
				t.Errorf("encoding, delimiter = %q, %q; want %q, %q", res.Encoding, res.Delim, tt.encoding, tt.delim)
			}
			if diff := cmp.Diff(base.Mapping, res.Mapping); diff != "" {
				t.Errorf("mapping (-want +got):\n%s", diff)
			}
			if len(res.Records) != len(base.Records) {
				t.Fatalf("%d records, want %d", len(res.Records), len(base.Records))
			}
			for i, r := range res.Records {
				if diff := cmp.Diff(base.Records[i].Fields, r.Fields); diff != "" {
					t.Errorf("record %d fields (-want +got):\n%s", i, diff)
				}
				if !r.ObservedAt.Equal(base.Records[i].ObservedAt) || r.Origin.Line != base.Records[i].Origin.Line {
					t.Errorf("record %d: at %v line %d; want %v line %d", i, r.ObservedAt, r.Origin.Line,
						base.Records[i].ObservedAt, base.Records[i].Origin.Line)
				}
			}
		})
	}
	// Dräger survives the Windows-1252 decoding and its alias.
	if got := base.Records[3].Fields.Get(vigil.FieldManufacturer); got != "Draeger" {
		t.Errorf("manufacturer = %q, want Draeger", got)
	}
}

// TestCSVGolden pins the full result of the tricky CSV shapes.
func TestCSVGolden(t *testing.T) {
	for _, name := range []string{"comma.csv", "multiline.csv", "sepline.csv", "content.csv", "headerless.csv", "barequote.csv"} {
		t.Run(name, func(t *testing.T) {
			res := mustRead(t, filepath.Join("testdata", "csv", name), Options{})
			checkGolden(t, strings.TrimSuffix(name, ".csv")+".txt", summarize(res))
		})
	}
}

// TestCSVPhysicalLines checks origins are the physical line where each
// record starts, across quoted newlines and CRLF.
func TestCSVPhysicalLines(t *testing.T) {
	res := mustRead(t, filepath.Join("testdata", "csv", "multiline.csv"), Options{})
	var lines []int
	for _, r := range res.Records {
		lines = append(lines, r.Origin.Line)
	}
	if diff := cmp.Diff([]int{2, 6, 10}, lines); diff != "" {
		t.Errorf("record lines (-want +got):\n%s", diff)
	}
	want := []RowError{
		{Origin: vigil.Origin{File: res.File, Line: 5}, Reason: `column "MAC": not a MAC address`},
		{Origin: vigil.Origin{File: res.File, Line: 9}, Reason: "no identifier: asset tag, serial, MAC, IP and hostname are all empty"},
	}
	if diff := cmp.Diff(want, res.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if got := res.Records[0].Fields.Get(vigil.FieldLocation); got != "Building 1 Floor 2 Room 201" {
		t.Errorf("location = %q", got)
	}
}

func TestSniffDelimiter(t *testing.T) {
	tests := []struct {
		text string
		want byte
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a;b;c\n1;2,5;3\n", ';'},
		{"a\tb\n1\t2\n", '\t'},
		{"a|b|c\n1|2|3\n", '|'},
		{"\"x,y\";b\n\"1,2\";3\n", ';'},
		{"single\nvalue\n", ','},
		{"Title, with comma\na;b;c\n1;2;3\n4;5;6\n", ';'},
	}
	for _, tt := range tests {
		if got := sniffDelimiter([]byte(tt.text)); got != tt.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

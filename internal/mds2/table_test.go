package mds2_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/mds2"
	"github.com/xuri/excelize/v2"
)

// readTable reads data whole with ReadTable and returns its first sheet.
func readTable(data []byte, opt mds2.TableOptions) ([][]string, error) {
	var out [][]string
	err := mds2.ReadTable("t.csv", bytes.NewReader(data), int64(len(data)), opt, func(_ string, rows [][]string) (bool, error) {
		out = rows
		return true, nil
	})
	return out, err
}

// TestTableLimits refuses a table past each limit with an error naming
// the file, where, and the flag; the same table is read once the limit is
// raised.
func TestTableLimits(t *testing.T) {
	small := bound.Limits{FileBytes: 1 << 20, Rows: 10, Columns: 5, FieldBytes: 100, RecordBytes: 1000, Depth: 8, Inflated: 1 << 20}
	for _, tc := range []struct {
		name, text string
		share      int64
		want       string
		raise      func(l *bound.Limits)
	}{
		{"rows", strings.Repeat("a,b\n", 11), 1, "t.csv: row 11: a table of more than 10 rows (the --max-rows limit", func(l *bound.Limits) { l.Rows = 11 }},
		{"rows of a form", strings.Repeat("a,b\n", 6), 2, "t.csv: row 6: a table of more than 1/2 of 10 rows (the --max-rows limit", func(l *bound.Limits) { l.Rows = 12 }},
		{"columns", "a,b,c,d,e,f\n", 1, "t.csv: line 1: a row of more than 5 columns (the --max-columns limit", func(l *bound.Limits) { l.Columns = 6 }},
		{"value", "a," + strings.Repeat("x", 101) + "\n", 1, "t.csv: row 1: column B: a value of more than 100 bytes (the --max-field-bytes limit", func(l *bound.Limits) { l.FieldBytes = 101 }},
		{"value streamed", "a," + strings.Repeat("x", 300) + "\n", 1, "t.csv: line 1: column B: a value of more than 100 bytes (the --max-field-bytes limit", func(l *bound.Limits) { l.FieldBytes = 300 }},
		{"quoted value", "a,\"" + strings.Repeat("x\n", 150) + "\"\n", 1, "t.csv: line 102: column B: a value of more than 100 bytes", func(l *bound.Limits) { l.FieldBytes = 300 }},
		{"record", strings.Repeat(strings.Repeat("y", 90)+",", 30) + "\n", 1, "t.csv: line 1: a row of more than 1000 bytes (the --max-record-bytes limit", func(l *bound.Limits) { l.RecordBytes = 2800 }},
		{"file", strings.Repeat("abc\n", 1<<18+1), 1, "t.csv: a table of more than 1 MiB (the --max-file-bytes limit", func(l *bound.Limits) { l.FileBytes = 64 << 20 }},
		{"file of a form", strings.Repeat("abc\n", 1<<16+1), 4, "t.csv: a table of more than a quarter of 1 MiB (the --max-file-bytes limit", func(l *bound.Limits) { l.FileBytes = 64 << 20 }},
		{"held", strings.Repeat(strings.Repeat("x", 99)+",", 4) + "\n" + strings.Repeat("a,b,c,d\n", 9), 1000, "t.csv: row 7: rows holding more than 1/1000 of 1 MiB of text (the --max-file-bytes limit", func(l *bound.Limits) { l.FileBytes = 2 << 20 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lim := small
			lim.Rows, lim.Columns = 1<<20, 100
			switch tc.name {
			case "rows", "rows of a form":
				lim.Rows = small.Rows
			case "columns":
				lim.Columns = small.Columns
			}
			opt := mds2.TableOptions{Limits: lim, Share: tc.share}
			_, err := readTable([]byte(tc.text), opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			var fe *mds2.Error
			if _, ok := bound.AsLimitError(err); !ok || !errors.As(err, &fe) || len(err.Error()) > bound.MaxMessage {
				t.Errorf("error %T %v: want an *mds2.Error with a *bound.LimitError, at most 1 KiB", err, err)
			}
			tc.raise(&opt.Limits)
			if _, err := readTable([]byte(tc.text), opt); err != nil {
				t.Errorf("raised: %v", err)
			}
		})
	}
}

// TestFormLimits holds a form to a sixteenth of the file and row limits,
// and reads the largest generated form under the defaults.
func TestFormLimits(t *testing.T) {
	smp := mds2.Generate(rand.New(rand.NewPCG(5, 16)), mds2.Spec{Manufacturer: "Acme Medical", Model: "AM-1"})
	data := smp.CSV()
	rows, err := readTable(data, mds2.TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lim := bound.Limits{Rows: 16 * (len(rows) - 1)}
	_, err = mds2.Read("f.csv", bytes.NewReader(data), int64(len(data)), lim)
	if want := fmt.Sprintf("f.csv: row %d: an MDS2 form of more than a sixteenth of %d rows (the --max-rows limit", len(rows), lim.Rows); err == nil || !strings.Contains(vigil.ErrorMessage(err), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	if vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("code %s", vigil.ErrorCode(err))
	}
	lim = bound.Limits{FileBytes: 16 * int64(len(data)-1)}
	_, err = mds2.Read("f.csv", bytes.NewReader(data), int64(len(data)), lim)
	if want := "f.csv: an MDS2 form of more than a sixteenth of"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	xlsx, err := smp.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range [][]byte{data, xlsx} {
		if _, err := mds2.Read("f", bytes.NewReader(b), int64(len(b)), bound.Limits{}); err != nil {
			t.Errorf("defaults: %v", err)
		}
	}
}

// TestTableXLSXLimits refuses workbooks past the limits: a row bomb, a
// deep workbook, a shared string past a value's limit.
func TestTableXLSXLimits(t *testing.T) {
	smp := mds2.Generate(rand.New(rand.NewPCG(9, 16)), mds2.Spec{Manufacturer: "Acme Medical", Model: "AM-1"})
	xlsx, err := smp.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		lim  bound.Limits
		want string
	}{
		{"rows", bound.Limits{Rows: 16 * 100}, "row 101: an MDS2 form of more than a sixteenth of 1600 rows (the --max-rows limit"},
		{"value", bound.Limits{FieldBytes: 50}, "a shared string of more than 50 bytes (the --max-field-bytes limit"},
		{"depth", bound.Limits{Depth: 2}, "XML nested more than 2 levels deep (the --max-depth limit"},
		{"part", bound.Limits{Inflated: 1000}, "unpacks to more than 1000 bytes (the --max-inflated limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mds2.Read("f.xlsx", bytes.NewReader(xlsx), int64(len(xlsx)), tc.lim)
			if msg := vigil.ErrorMessage(err); err == nil || !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "f.xlsx: ") {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if _, ok := bound.AsLimitError(err); !ok {
				t.Errorf("error %v wraps no *bound.LimitError", err)
			}
		})
	}
}

// TestCSVGuard reads random CSV text, quoted and not, through the table
// and through encoding/csv alone: the guard changes nothing it lets pass.
func TestCSVGuard(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	alphabet := []string{"a", "b", ",", "\"", "\n", "\r\n", " ", "é", "\"\"", "\r"}
	for i := range 2000 {
		var b strings.Builder
		b.WriteString("h1,h2,h3\n")
		for range rng.IntN(200) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		data := []byte(b.String())
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord, r.LazyQuotes = -1, true
		want, werr := r.ReadAll()
		got, gerr := readTable(data, mds2.TableOptions{Limits: bound.Limits{Columns: 100000}})
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("seed %d, case %d: %q: encoding/csv %v, table %v", seed, i, data, werr, gerr)
		}
		if werr == nil {
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("seed %d, case %d: %q (-csv +table):\n%s", seed, i, data, diff)
			}
		}
	}
}

// FuzzReadTable reads any bytes under small limits: an error is an
// *mds2.Error, never a panic, and what is read keeps to the limits.
func FuzzReadTable(f *testing.F) {
	f.Add([]byte("a,b\n\"c\nd\",e\n"))
	f.Add([]byte("x;y;z\n1;2;3\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	lim := bound.Limits{FileBytes: 1 << 16, Rows: 50, Columns: 8, FieldBytes: 32, RecordBytes: 128, Depth: 8, Inflated: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := readTable(data, mds2.TableOptions{Limits: lim})
		if err != nil {
			var fe *mds2.Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not an *mds2.Error", err)
			}
			return
		}
		if len(rows) > lim.Rows {
			t.Fatalf("%d rows", len(rows))
		}
		for _, r := range rows {
			if len(r) > lim.Columns {
				t.Fatalf("%d columns", len(r))
			}
			for _, c := range r {
				if len(c) > lim.FieldBytes {
					t.Fatalf("a value of %d bytes", len(c))
				}
			}
		}
	})
}

// TestTableFallback reads a workbook the worksheet reader does not
// handle (its sheet's elements prefixed) through excelize, held to the
// same limits.
func TestTableFallback(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	const rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + rel + `"><x:sheets><x:sheet name="Form" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="` + rel + `/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
			`<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>DOC-1</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>Manufacturer</x:t></x:is></x:c><x:c r="C1" t="inlineStr"><x:is><x:t>Acme</x:t></x:is></x:c></x:row>` +
			`<x:row r="2"><x:c r="A2" t="inlineStr"><x:is><x:t>STCF-1</x:t></x:is></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>Encrypt?</x:t></x:is></x:c><x:c r="C2" t="inlineStr"><x:is><x:t>Yes</x:t></x:is></x:c></x:row>` +
			`</x:sheetData></x:worksheet>`},
	} {
		w, _ := zw.Create(p[0])
		w.Write([]byte(p[1]))
	}
	zw.Close()
	data := buf.Bytes()
	f, err := mds2.Read("f.xlsx", bytes.NewReader(data), int64(len(data)), bound.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Manufacturer != "Acme" || len(f.Questions) != 2 {
		t.Errorf("read %+v", f)
	}
	_, err = mds2.Read("f.xlsx", bytes.NewReader(data), int64(len(data)), bound.Limits{Inflated: 16 * 1000})
	if want := "f.xlsx: a workbook laid out in a way only the full XLSX reader reads, which holds it whole, that unpacks to more than a sixteenth of 16000 bytes (the --max-inflated limit"; !strings.HasPrefix(vigil.ErrorMessage(err), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	_, err = mds2.Read("f.xlsx", bytes.NewReader(data), int64(len(data)), bound.Limits{FieldBytes: 3})
	if want := `f.xlsx: sheet "Form": row 1: column A: a value of more than 3 bytes (the --max-field-bytes limit`; !strings.HasPrefix(vigil.ErrorMessage(err), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// TestReleaseDateCell reads a release date held as a date cell (the
// worksheet reader gives it raw, as a serial day) as a date.
func TestReleaseDateCell(t *testing.T) {
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range [][]any{{"DOC-1", "Manufacturer", "Acme"}, {"DOC-3", "Model", "X1"}, {"DOC-7", "Release date", time.Date(2024, 3, 20, 0, 0, 0, 0, time.UTC)}, {"DOC-4", "Document id", 12345}} {
		if err := x.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	f, err := mds2.Parse("f.xlsx", b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if f.ReleaseDate != "2024-03-20" || f.DocumentID != "12345" {
		t.Errorf("release date %q, document id %q", f.ReleaseDate, f.DocumentID)
	}
}

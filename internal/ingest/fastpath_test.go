package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
)

// parseDateSlow is ParseDate without its fast paths: every layout in turn.
func parseDateSlow(raw string) (time.Time, error) {
	s := cleanCell(raw)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if t, ok := excelSerialDate(s); ok {
		return t, nil
	}
	return time.Time{}, errors.New("not a date")
}

// TestParseDateFastPaths checks the shapes ParseDate reads without
// time.Parse give what the layouts give, bad days and times included.
func TestParseDateFastPaths(t *testing.T) {
	inputs := []string{
		"2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2024-04-31", "2024-00-10", "2024-13-01", "2024-12-00",
		"0000-01-01", "9999-12-31", "2024-03-01 00:00:00", "2024-03-01 23:59:59", "2024-03-01 24:00:00",
		"2024-03-01 12:60:00", "2024-03-01 12:00:60", "2024-03-01T08:09:10", "2024-02-30T08:09:10",
		"03/01/2024", "02/29/2023", "13/01/2024", "12/32/2024", "00/10/2024", " 2024-03-01 ", "2024-03-01 10:00",
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		y, mo, d := r.IntN(10000), r.IntN(14), r.IntN(33)
		h, mi, sec := r.IntN(26), r.IntN(62), r.IntN(62)
		switch r.IntN(4) {
		case 0:
			inputs = append(inputs, fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", y, mo, d, h, mi, sec))
		case 1:
			inputs = append(inputs, fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, h, mi, sec))
		case 2:
			inputs = append(inputs, fmt.Sprintf("%04d-%02d-%02d", y, mo, d))
		case 3:
			inputs = append(inputs, fmt.Sprintf("%02d/%02d/%04d", mo, d, y))
		}
	}
	valid := 0
	for _, in := range inputs {
		got, gotErr := ParseDate(in)
		want, wantErr := parseDateSlow(in)
		if (gotErr != nil) != (wantErr != nil) || !got.Equal(want) || got.Location() != want.Location() {
			t.Fatalf("ParseDate(%q) = %v, %v; the layouts give %v, %v", in, got, gotErr, want, wantErr)
		}
		if gotErr == nil {
			valid++
		}
	}
	if valid < len(inputs)/10 {
		t.Fatalf("only %d of %d inputs are dates: the test is too weak", valid, len(inputs))
	}
}

// excelNumberOld is excelNumber as it was, parsing before counting digits.
func excelNumberOld(s string) string {
	if s == "" || len(s) > 32 || !(s[0] >= '0' && s[0] <= '9' || s[0] == '-' || s[0] == '.') {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return s
	}
	digits := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			digits++
		}
	}
	if digits <= 15 && !strings.ContainsAny(s, "eE") {
		return s
	}
	if math.Abs(f) >= 1e15 {
		if !strings.ContainsAny(s, "eE.") {
			return s
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// TestExcelNumberShortcut checks excelNumber, which now counts digits
// before it parses, against what it was.
func TestExcelNumberShortcut(t *testing.T) {
	inputs := []string{"12345678", "3.2000000000000002", "1.23E+07", "1e5", "2026-11-28 15:09:01", "10.32.128.10",
		"-0", ".5", "123456789012345678", "1234567890123456.5", "0.30000000000000004", "9.99999999999999E+20",
		"NaN", "-", "e", "5e", "1e400", "-1e-400", "0x1p-2", "1_000", "Inf", "-Infinity", "00012", "1.5e3x"}
	r := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789012345678901234567890123456789.-+eEx_ "
	for range 50000 {
		b := make([]byte, 1+r.IntN(24))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for _, s := range inputs {
		if got, want := excelNumber(s), excelNumberOld(s); got != want {
			t.Fatalf("excelNumber(%q) = %q, was %q", s, got, want)
		}
	}
}

// TestAheadReader reads through inflateAhead: the same bytes, in any read
// size, the source's error passed on, and Close at any point.
func TestAheadReader(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 100_000) // 1.6 MB, several chunks
	got, err := io.ReadAll(iotest.OneByteReader(io.LimitReader(inflateAhead(io.NopCloser(iotest.HalfReader(bytes.NewReader(data)))), 300_000)))
	if err != nil || !bytes.Equal(got, data[:300_000]) {
		t.Fatalf("ReadAll: %d bytes, %v", len(got), err)
	}
	r := inflateAhead(io.NopCloser(bytes.NewReader(data)))
	if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("ReadAll: %d bytes, %v", len(got), err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	r = inflateAhead(io.NopCloser(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom))))
	if _, err := io.ReadAll(r); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	r.Close()
	// Closing early stops the goroutine even though nobody reads.
	r = inflateAhead(io.NopCloser(bytes.NewReader(data)))
	r.Read(make([]byte, 10))
	r.Close()
	r.Close()
}

// TestSheetReaderPaths reads a workbook with the sheet inflated ahead and
// not, and rows through scanRow and through cellsOf: the same rows.
func TestSheetReaderPaths(t *testing.T) {
	data := makeWorkbook(t)
	read := func(ahead bool, slow bool, window int) [][]string {
		t.Helper()
		oldSize, oldWindow := inflateAheadSize, sheetWindow
		if ahead {
			inflateAheadSize = 0
		}
		sheetWindow = window
		defer func() { inflateAheadSize, sheetWindow = oldSize, oldWindow }()
		sr, _, _, err := openSheet(data, "", xlsxUnzipLimit)
		if err != nil {
			t.Fatal(err)
		}
		defer sr.close()
		var rows [][]string
		for {
			if slow {
				sr.noFast = true
			}
			cells, n, err := sr.next()
			if err == io.EOF {
				return rows
			}
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, append([]string{fmt.Sprint(n)}, cells...))
		}
	}
	want := read(false, true, 1<<20)
	if len(want) < 5 {
		t.Fatalf("%d rows", len(want))
	}
	for _, ahead := range []bool{false, true} {
		for _, slow := range []bool{false, true} {
			for _, window := range []int{1, 7, 100, 1000, 1 << 20} {
				if diff := cmp.Diff(want, read(ahead, slow, window)); diff != "" {
					t.Errorf("ahead %v, slow %v, window %d (-want +got):\n%s", ahead, slow, window, diff)
				}
			}
		}
	}
}

// FuzzSheetRowPaths holds scanRow to cellsOf: on any sheet XML the rows
// next gives are what cellsOf alone gives.
func FuzzSheetRowPaths(f *testing.F) {
	f.Add([]byte(`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>4.5</v></c></row><row r="3"><c t="inlineStr"><is><t>x&amp;y</t></is></c></row></sheetData>`))
	f.Add([]byte(`<sheetData><row r="2"/><row><c r="ZZZZ9"/></row></sheetData>`))
	f.Add([]byte(`<row><c r="B1"><v>1</v></c><c></c><col/><c t="s"><v>&#49;</v></c><c/></row><row><c><v>x</row></v></c></row>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		read := func(slow bool) (rows [][]string, last error) {
			s := &sheetReader{data: data, shared: []string{"a", "", "b"}, noFast: slow}
			for range 1000 {
				cells, n, err := s.next()
				if err != nil {
					return rows, err
				}
				rows = append(rows, append([]string{fmt.Sprint(n)}, cells...))
			}
			return rows, nil
		}
		fast, fastErr := read(false)
		slow, slowErr := read(true)
		if diff := cmp.Diff(slow, fast); diff != "" || fmt.Sprint(fastErr) != fmt.Sprint(slowErr) {
			t.Fatalf("scanRow and cellsOf differ: %v, %v (-cellsOf +scanRow):\n%s", slowErr, fastErr, diff)
		}
	})
}

// TestReadXLSXFromFile reads a workbook through Read, which reads it from
// the file rather than from memory, and wants what Parse gives.
func TestReadXLSXFromFile(t *testing.T) {
	data := makeWorkbook(t)
	path := filepath.Join(t.TempDir(), "cmms.xlsx")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, opt := range []Options{{}, {Sheet: "scanners"}, {Sheet: "nope"}} {
		opt.Now = testNow
		got, gotErr := Read(context.Background(), path, opt)
		want, wantErr := Parse(context.Background(), path, data, opt)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("sheet %q: Read: %v; Parse: %v", opt.Sheet, gotErr, wantErr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("sheet %q: (-Parse +Read):\n%s", opt.Sheet, diff)
		}
	}
}

// maskBareQuotesOld is maskBareQuotes as it was: one byte at a time.
func maskBareQuotesOld(text []byte, delim byte, trimSpace bool) ([]byte, bool) {
	const (
		fieldStart = iota
		quoted
		afterQuote
		unquoted
	)
	state, out := fieldStart, text
	copied := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch state {
		case fieldStart:
			switch {
			case c == '"':
				state = quoted
			case c == delim || c == '\n' || c == '\r':
			case trimSpace && (c == ' ' || c == '\t'):
			default:
				state = unquoted
			}
		case quoted:
			if c == '"' {
				state = afterQuote
			}
		case afterQuote:
			switch c {
			case '"':
				state = quoted
			case delim, '\n', '\r':
				state = fieldStart
			default:
				state = unquoted
			}
		case unquoted:
			switch c {
			case delim, '\n':
				state = fieldStart
			case '"':
				if !copied {
					out, copied = bytes.Clone(text), true
				}
				out[i] = bareQuoteMask
			}
		}
	}
	return out, copied
}

// FuzzMaskBareQuotes holds maskBareQuotes, which skips through fields, to
// what it was.
func FuzzMaskBareQuotes(f *testing.F) {
	f.Add([]byte("a,b\n15\" monitor,\"x\"\"y\",z\"\n\"q\"r,s"), uint8(0))
	f.Add([]byte("a;\"b\nc\";d\"e\r\n"), uint8(1))
	f.Fuzz(func(t *testing.T, text []byte, which uint8) {
		delim := delimiters[int(which)%len(delimiters)]
		trim := which&0x80 == 0
		got, gotCopied := maskBareQuotes(bytes.Clone(text), delim, trim)
		want, wantCopied := maskBareQuotesOld(bytes.Clone(text), delim, trim)
		if !bytes.Equal(got, want) || gotCopied != wantCopied {
			t.Fatalf("maskBareQuotes(%q, %q, %v) = %q, %v; was %q, %v", text, delim, trim, got, gotCopied, want, wantCopied)
		}
	})
}

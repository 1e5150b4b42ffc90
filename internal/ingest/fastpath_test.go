package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
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

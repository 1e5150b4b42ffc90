package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// book writes a one-sheet workbook of rows.
func book(tb testing.TB, rows ...[]any) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// TestLimits holds every format to every limit it has: past one, the
// import fails with an EINVALID error wrapping a LimitError that names it,
// its message bounded and naming the flag that raises it.
func TestLimits(t *testing.T) {
	long := strings.Repeat("x", 200)
	nmap := func(host string) string { return `<nmaprun>` + host + `</nmaprun>` }
	up := `<status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/>`
	tests := []struct {
		name  string
		data  string
		lim   Limits
		limit string
	}{
		{"a.csv", "Asset Tag,Model\nA-1,B\n", Limits{FileBytes: 10}, LimitFileBytes},
		{"a.csv", "Asset Tag,a,b,c\nA-1,x,y,z\n", Limits{Columns: 3}, LimitColumns},
		{"a.csv", "Asset Tag,Model\nA-1," + long + "\n", Limits{FieldBytes: 50}, LimitFieldBytes},
		{"a.csv", "Asset Tag,Model\nA-1,\"" + long + "\"\n", Limits{FieldBytes: 150}, LimitFieldBytes},
		{"a.csv", "Asset Tag,Model,Notes\nA-1," + long + "," + long + "\n", Limits{RecordBytes: 300}, LimitRecordBytes},
		{"a.csv", "Asset Tag\nA-1\nA-2\nA-3\n", Limits{Rows: 2}, LimitRows},
		{"a.jsonl", `{"asset_tag":"A-1","x":[[[1]]]}`, Limits{Depth: 2}, LimitDepth},
		{"a.jsonl", `{"asset_tag":"A-1","a":1,"b":2}`, Limits{Columns: 2}, LimitColumns},
		{"a.jsonl", `{"asset_tag":"A-1"}` + "\n" + `{"b":1}` + "\n" + `{"c":1}`, Limits{Columns: 2}, LimitColumns},
		{"a.jsonl", `{"asset_tag":"A-1","notes":"` + long + `"}`, Limits{FieldBytes: 100}, LimitFieldBytes},
		{"a.jsonl", `{"asset_tag":"A-1","n":[` + strings.Repeat("1,", 100) + `1]}`, Limits{RecordBytes: 100}, LimitRecordBytes},
		{"a.jsonl", `[{"asset_tag":"A-1","n":[` + strings.Repeat("1,", 100) + `1]}]`, Limits{RecordBytes: 100}, LimitRecordBytes},
		{"a.jsonl", `{"asset_tag":"A-1"}` + "\n" + `{"asset_tag":"A-2"}` + "\n" + `{"asset_tag":"A-3"}`, Limits{Rows: 2}, LimitRows},
		{"a.xml", nmap(`<host>` + strings.Repeat("<a>", 10) + strings.Repeat("</a>", 10) + `</host>`), Limits{Depth: 5}, LimitDepth},
		{"a.xml", nmap(`<host>` + up + `<os><osmatch name="` + long + `"/></os></host>`), Limits{FieldBytes: 100}, LimitFieldBytes},
		{"a.xml", nmap(`<host>` + up + `<ports><port protocol="tcp" portid="1"><service name="x"><cpe>` + long + `</cpe></service></port></ports></host>`), Limits{FieldBytes: 100}, LimitFieldBytes},
		{"a.xml", nmap(`<host>` + up + strings.Repeat(`<hostnames/>`, 100) + `</host>`), Limits{RecordBytes: 500}, LimitRecordBytes},
		{"a.xml", nmap(strings.Repeat(`<host>`+up+`</host>`, 3)), Limits{Rows: 2}, LimitRows},
	}
	for _, tt := range tests {
		t.Run(tt.name+" "+tt.limit, func(t *testing.T) {
			_, err := Parse(context.Background(), tt.name, []byte(tt.data), Options{Now: testNow, Limits: tt.lim})
			checkLimitError(t, err, tt.limit)
		})
	}
}

// checkLimitError wants err to be the refusal of the limit named.
func checkLimitError(t *testing.T, err error, limit string) {
	t.Helper()
	le, ok := AsLimitError(err)
	if !ok || le.Limit != limit || vigil.ErrorCode(err) != vigil.EINVALID {
		t.Fatalf("err = %v, want the %s limit", err, limit)
	}
	msg := vigil.ErrorMessage(err)
	if !strings.Contains(msg, "--max-"+limit) || len(msg) > bound.MaxMessage {
		t.Errorf("message %q does not name --max-%s or is too long", msg, limit)
	}
}

// TestXLSXLimits holds workbooks to their limits, through the worksheet
// reader and through the excelize fallback.
func TestXLSXLimits(t *testing.T) {
	long := strings.Repeat("x", 300)
	rows := [][]any{{"Asset Tag", "Model"}, {"A-1", long}, {"A-2", "B"}, {"A-3", "C"}}
	for _, tt := range []struct {
		lim   Limits
		limit string
	}{
		{Limits{FieldBytes: 100}, LimitFieldBytes},
		{Limits{Rows: 3}, LimitRows},
		{Limits{Columns: 1}, LimitColumns},
		{Limits{RecordBytes: 200}, LimitRecordBytes},
		{Limits{Inflated: 100}, LimitInflated},
		{Limits{FileBytes: 1000}, LimitFileBytes},
	} {
		t.Run(tt.limit, func(t *testing.T) {
			_, err := Parse(context.Background(), "a.xlsx", book(t, rows...), Options{Now: testNow, Limits: tt.lim})
			checkLimitError(t, err, tt.limit)
		})
	}
}

// TestLimitsDefault reads ordinary files as before: the defaults refuse
// nothing real.
func TestLimitsDefault(t *testing.T) {
	var b strings.Builder
	b.WriteString("Asset Tag,Model,Notes\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "A-%d,Model %d,%s\n", i, i%7, strings.Repeat("n", 1000))
	}
	res, err := Parse(context.Background(), "a.csv", []byte(b.String()), Options{Now: testNow})
	if err != nil || len(res.Records) != 5000 {
		t.Fatalf("%v", err)
	}
}

// TestMessagesBounded: a 10 KB header is quoted clipped, never whole.
func TestMessagesBounded(t *testing.T) {
	huge := strings.Repeat("H", 10_000)
	_, err := Parse(context.Background(), "a.csv", []byte(huge+",Other\n1,2\n"), Options{Now: testNow})
	if err == nil {
		t.Fatal("no error for a file without an identifier")
	}
	if msg := vigil.ErrorMessage(err); len(msg) > 400 || !strings.Contains(msg, "(10000 bytes)") {
		t.Errorf("message of %d bytes: %.200q", len(msg), msg)
	}
}

// TestBadRowsListedBounded: past maxListed, bad rows are counted.
func TestBadRowsListedBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("Asset Tag,MAC\n")
	for i := range maxListed + 5 {
		fmt.Fprintf(&b, "A-%d,bad\n", i)
	}
	res, err := Parse(context.Background(), "a.csv", []byte(b.String()), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != maxListed || res.ErrorsOmitted != 5 || res.BadRows() != maxListed+5 {
		t.Errorf("%d listed, %d omitted", len(res.Errors), res.ErrorsOmitted)
	}
}

// TestBadTextRows: a NUL or invalid UTF-8 in a mapped value is a bad row
// naming its place; in an unmapped column it does not matter.
func TestBadTextRows(t *testing.T) {
	csv := "Asset Tag,Model,Notes\n" + strings.Repeat("A-0,m,pad\n", 1000) + "A-1,nul\x00,x\nA-2,m,nul\x00\n"
	res, err := Parse(context.Background(), "a.csv", []byte(csv), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Errors) != 1 || res.Errors[0].Origin.Line != 1002 || !strings.Contains(res.Errors[0].Reason, "NUL") {
		t.Errorf("errors: %v", res.Errors)
	}
	if _, err := Parse(context.Background(), "a.csv", []byte("Asset Tag\nA\x00\n"), Options{Now: testNow}); err == nil || !strings.Contains(err.Error(), "binary") {
		t.Errorf("a NUL at the start: %v", err)
	}
	res, err = Parse(context.Background(), "a.jsonl", []byte(`{"asset_tag":"A-1"}`+"\n"+`{"asset_tag":"A-2","model":"x\u0000"}`), Options{Now: testNow})
	if err != nil || len(res.Errors) != 1 || res.Errors[0].Origin.Line != 2 {
		t.Errorf("jsonl: %v %v", err, res.Errors)
	}
}

// TestLongHostName: an nmap host name longer than any DNS name is dropped
// with a warning; the host stays.
func TestLongHostName(t *testing.T) {
	doc := `<nmaprun><host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><hostnames><hostname name="` + strings.Repeat("a", 300) + `"/></hostnames></host></nmaprun>`
	res, err := Parse(context.Background(), "a.xml", []byte(doc), Options{Now: testNow})
	if err != nil || len(res.Records) != 1 || len(res.Hosts[0].Hostnames) != 0 || len(res.Warnings) != 1 {
		t.Fatalf("%v: %+v %v", err, res.Hosts, res.Warnings)
	}
}

// TestXLSXFallbackLimits: a workbook the worksheet reader does not handle
// (no relationships part) goes to excelize only within bounds, checked
// before excelize holds it.
func TestXLSXFallbackLimits(t *testing.T) {
	workbook := func(shared, sheet string) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, p := range []struct{ name, body string }{
			{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`},
			{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Sheet1" sheetId="1"/></sheets></workbook>`},
			{"xl/sharedStrings.xml", shared},
			{"xl/worksheets/sheet1.xml", sheet},
		} {
			w, _ := zw.Create(p.name)
			w.Write([]byte(p.body))
		}
		zw.Close()
		return buf.Bytes()
	}
	sheet := `<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>`
	for _, tt := range []struct {
		name, shared, sheet string
		lim                 Limits
		limit               string
	}{
		{"long string", `<sst><si><t>` + strings.Repeat("x", 500) + `</t></si></sst>`, sheet, Limits{FieldBytes: 100}, LimitFieldBytes},
		{"deep", `<sst><si><t>IP</t></si></sst>`, `<worksheet>` + strings.Repeat("<x>", 100) + `</worksheet>`, Limits{Depth: 10}, LimitDepth},
		{"large", `<sst>` + strings.Repeat(`<si><t>ip</t></si>`, 1000) + `</sst>`, sheet, Limits{Inflated: 16 << 10}, LimitInflated},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), "a.xlsx", workbook(tt.shared, tt.sheet), Options{Now: testNow, Limits: tt.lim})
			checkLimitError(t, err, tt.limit)
		})
	}
}

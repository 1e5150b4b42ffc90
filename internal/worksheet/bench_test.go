package worksheet

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

// benchBook writes a workbook of n rows of CMDB-like cells.
func benchBook(tb testing.TB, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	w, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n + 1 {
		row := []any{"CI Name", "Serial Number", "MAC Address", "IP Address", "Count", "Notes"}
		if i > 0 {
			row = []any{fmt.Sprintf("pump-%06d", i), fmt.Sprintf("SN%08d", i*7), fmt.Sprintf("00-1A-2B-%02X-%02X-%02X", i>>16&0xff, i>>8&0xff, i&0xff),
				fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff), i % 97, "Tom & Jerry"}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := w.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkSheetRows reads every row of a 50,000-row worksheet.
func BenchmarkSheetRows(b *testing.B) {
	data := benchBook(b, 50_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sr, err := Open(bytes.NewReader(data), int64(len(data)), "", Limits{Part: 1 << 30})
		if err != nil {
			b.Fatal(err)
		}
		sr.ReuseRow = true
		n := 0
		for {
			_, _, err := sr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		sr.Close()
		if n != 50_001 {
			b.Fatalf("%d rows", n)
		}
	}
}

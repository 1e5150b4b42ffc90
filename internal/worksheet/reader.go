// Package worksheet reads the rows of one worksheet of an XLSX workbook
// straight from the sheet's XML, streamed out of the archive, with the
// workbook's shared strings. Cells come back raw, as excelize's
// RawCellValue gives them: numbers with all their digits, dates as serial
// days. A differential test holds it to excelize.
package worksheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Reader reads one worksheet of an XLSX workbook straight from its
// XML, cell values raw (as excelize's RawCellValue gives them). It exists
// for speed: a 100,000-row CMDB export reads about ten times faster than
// through excelize, which stays the fallback for any workbook this reader
// does not understand.
//
// The sheet's XML is streamed out of the archive through a window that
// holds at least one whole row, so a 100 MB sheet is never in memory at
// once. With src nil, data is the whole sheet (the fuzz test builds one so).
type Reader struct {
	// ReuseRow lets Next reuse the slice it returned last, which then
	// holds only until the next call.
	ReuseRow bool

	name   string
	shared []string
	data   []byte // the window: the sheet's XML from byte base on; data[pos:] is unread
	pos    int
	row    int           // the last row number read
	src    io.ReadCloser // the rest of the sheet's XML after data; nil once it is used up
	base   int64         // offset in the sheet's XML of data[0]
	err    error         // the error that ended src, other than io.EOF
	noFast bool          // never take scanRow (for the tests)

	// Scratch reused from row to row.
	text  []byte    // the row's unescaped cell values, back to back
	vals  []cellVal // the row's cells
	cells []string
}

// cellVal is one cell of the row being read: text[from:to], or the shared
// string shared-1 when shared > 0.
type cellVal struct {
	from, to, shared int32
}

// sheetWindow is the initial size of the streaming window; it grows to hold
// a row larger than it. A variable for the tests.
var sheetWindow = 256 << 10

// errLayout says the workbook is valid but laid out in a way the fast
// reader does not handle; the caller falls back to excelize.
var errLayout = errors.New("unhandled workbook layout")

// Open reads the workbook of size bytes in r, finds the sheet named want
// (the first of that name in any case, if none has it exactly; the first
// sheet if want is empty) and loads the shared strings, and returns a
// Reader positioned at the sheet's rows. No member of the archive may
// unpack to more than limit bytes. A sheet that is not there is a
// *NoSheetError; a workbook laid out in a way the reader does not handle
// is some other error, for the caller to fall back on a full XLSX reader.
// The caller closes the Reader.
func Open(r io.ReaderAt, size int64, want string, limit int64) (*Reader, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	open := func(name string) (*zip.File, error) {
		f := files[name]
		if f == nil {
			return nil, errLayout
		}
		if int64(f.UncompressedSize64) > limit {
			return nil, fmt.Errorf("%s unpacks to more than %d bytes", name, limit)
		}
		return f, nil
	}
	read := func(name string) ([]byte, error) {
		f, err := open(name)
		if err != nil {
			return nil, err
		}
		return readZipFile(f, limit)
	}
	wb, err := read("xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wb, &book); err != nil || len(book.Sheets) == 0 {
		return nil, errLayout
	}
	rels, err := read("xl/_rels/workbook.xml.rels")
	if err != nil {
		return nil, err
	}
	var rel struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(rels, &rel); err != nil {
		return nil, errLayout
	}
	var names []string
	for _, s := range book.Sheets {
		names = append(names, s.Name)
	}
	idx := 0
	if want != "" {
		idx = -1
		for i, s := range book.Sheets {
			if s.Name == want {
				idx = i
			}
		}
		for i, s := range book.Sheets {
			if idx < 0 && strings.EqualFold(s.Name, want) {
				idx = i
			}
		}
		if idx < 0 {
			return nil, &NoSheetError{Sheet: want, Sheets: names}
		}
	}
	target := ""
	for _, r := range rel.Rels {
		if r.ID == book.Sheets[idx].RID {
			target = r.Target
		}
	}
	if target == "" {
		return nil, errLayout
	}
	if strings.HasPrefix(target, "/") {
		target = strings.TrimPrefix(target, "/")
	} else {
		target = path.Join("xl", target)
	}
	sf, err := open(target)
	if err != nil {
		return nil, err
	}
	sr := &Reader{name: book.Sheets[idx].Name}
	if ss, err := read("xl/sharedStrings.xml"); err == nil {
		sr.shared = parseShared(ss)
	} else if !errors.Is(err, errLayout) {
		return nil, err
	}
	if sr.src, err = sf.Open(); err != nil {
		return nil, err
	}
	if sf.UncompressedSize64 > inflateAheadSize {
		sr.src = inflateAhead(sr.src)
	}
	sr.data = make([]byte, 0, min(uint64(sheetWindow), sf.UncompressedSize64+1))
	if !sr.seek(sheetDataOpen) {
		sr.Close()
		if sr.err != nil {
			return nil, sr.err
		}
		return nil, errLayout
	}
	return sr, nil
}

// NoSheetError is the error of Open when the workbook has no sheet of the
// name asked for.
type NoSheetError struct {
	Sheet  string   // the name asked for
	Sheets []string // the names the workbook has
}

func (e *NoSheetError) Error() string { return fmt.Sprintf("no sheet %q", e.Sheet) }

var (
	sheetDataOpen = []byte("<sheetData")
	rowOpen       = []byte("<row")
	rowClose      = []byte("</row>")
	cellOpen      = []byte("<c")
	cellClose     = []byte("</c>")
)

// readZipFile reads one archive member whole, into a buffer sized from the
// size its header declares; archive/zip fails a member longer or shorter
// than declared, and one whose checksum is wrong.
func readZipFile(f *zip.File, limit int64) ([]byte, error) {
	if int64(f.UncompressedSize64) > limit {
		return nil, fmt.Errorf("%s unpacks to more than %d bytes", f.Name, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	size := int64(f.UncompressedSize64)
	// Deflate inflates at most 1032 times: a header claiming more is not
	// believed (allocated for) until the bytes arrive.
	if c := f.CompressedSize64; c < uint64(size)/1032 {
		size = int64(c)*1032 + 4096
	}
	buf := make([]byte, 0, size+1) // +1: room to see io.EOF without growing
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, fmt.Errorf("%s unpacks to more than %d bytes", f.Name, limit)
			}
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := rc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		} else if err != nil {
			return nil, err
		}
	}
}

// Close releases the archive member being streamed.
func (s *Reader) Close() error {
	if s.src == nil {
		return nil
	}
	err := s.src.Close()
	s.src = nil
	return err
}

// Name returns the name of the sheet, as the workbook spells it.
func (s *Reader) Name() string { return s.name }

// Package worksheet reads the rows of one worksheet of an XLSX workbook
// straight from the sheet's XML, streamed out of the archive, with the
// workbook's shared strings. Cells come back raw, as excelize's
// RawCellValue gives them: numbers with all their digits, dates as serial
// days. A differential test holds it to excelize.
package worksheet

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
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
	held   int64  // what the shared strings count against Limits.Shared
	data   []byte // the window: the sheet's XML from byte base on; data[pos:] is unread
	pos    int
	row    int           // the last row number read
	rowMax int           // the most bytes of a row's XML the window may grow to hold; 0 for no bound
	part   string        // the sheet's member of the archive
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

// Limits bounds what a Reader unpacks and holds; a zero field does not
// bound. Going past one is a *LimitError.
type Limits struct {
	Part   int64 // what any one member of the archive may unpack to
	Whole  int64 // what a member read whole (the workbook, its relationships) may unpack to
	Row    int   // the bytes of one row's XML, of one shared string's, of a tag or a text of a part read whole
	Cell   int   // the text of one shared string
	Depth  int   // how deep the XML of a part read whole may nest
	Shared int64 // the text of all the shared strings, and 32 bytes for each (its header and slack)
}

// The limits a LimitError names.
const (
	LimitPart   = "part"
	LimitWhole  = "whole"
	LimitRow    = "row"
	LimitCell   = "cell"
	LimitShared = "shared"
	LimitDepth  = "depth"
)

// LimitError is a workbook that goes past one of its Limits.
type LimitError struct {
	Limit string // LimitPart, LimitRow, ...
	Max   int64  // the limit's value
	Part  string // the member of the archive
	Item  string // for LimitRow: what was too long ("a row", "a shared string", "a tag or a text")
	Row   int    // the sheet's row, when it is a row
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("%s: over the %s limit of %d bytes", e.Part, e.Limit, e.Max)
}

// Open reads the workbook of size bytes in r, finds the sheet named want
// (the first of that name in any case, if none has it exactly; the first
// sheet if want is empty) and loads the shared strings, and returns a
// Reader positioned at the sheet's rows. What it unpacks and holds is held
// to lim: the sheet is streamed, never held whole, and the members read
// whole are checked as they inflate, never after. A sheet that is not
// there is a *NoSheetError, a limit passed a *LimitError; a workbook laid
// out in a way the reader does not handle is some other error, for the
// caller to fall back on a full XLSX reader. The caller closes the Reader.
func Open(r io.ReaderAt, size int64, want string, lim Limits) (*Reader, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	// archive/zip fails a member that inflates past the size its header
	// declares, so the declared size bounds what each member unpacks to.
	open := func(name string) (*zip.File, error) {
		f := files[name]
		if f == nil {
			return nil, errLayout
		}
		if lim.Part > 0 && f.UncompressedSize64 > uint64(lim.Part) {
			return nil, &LimitError{Limit: LimitPart, Max: lim.Part, Part: name}
		}
		return f, nil
	}
	read := func(name string) ([]byte, error) {
		f, err := open(name)
		if err != nil {
			return nil, err
		}
		data, err := readZipFile(f, lim.Whole)
		if err == nil {
			// encoding/xml holds a record for each open element: a part
			// nested a million deep is refused before it is unmarshalled.
			err = CheckXML(bytes.NewReader(data), name, lim)
		}
		return data, err
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
	sr := &Reader{name: book.Sheets[idx].Name, rowMax: lim.Row, part: target}
	if ssf, err := open("xl/sharedStrings.xml"); err == nil {
		rc, err := ssf.Open()
		if err != nil {
			return nil, err
		}
		sr.shared, sr.held, err = readShared(rc, ssf.Name, lim)
		rc.Close()
		if err != nil {
			return nil, err
		}
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
// than declared, and one whose checksum is wrong. A member that unpacks to
// more than limit bytes (when limit > 0) is a *LimitError.
func readZipFile(f *zip.File, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = math.MaxInt64 - 1
	}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, &LimitError{Limit: LimitWhole, Max: limit, Part: f.Name}
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
				return nil, &LimitError{Limit: LimitWhole, Max: limit, Part: f.Name}
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

// SharedSize returns what the shared strings hold, as Limits.Shared counts
// it: their text and 32 bytes for each.
func (s *Reader) SharedSize() int64 { return s.held }

// CheckShared reads a shared-string table (xl/sharedStrings.xml) from r
// as Open would and returns what it would hold, as Limits.Shared counts it,
// or a *LimitError: a check for readers that hold the table in their own way.
func CheckShared(r io.Reader, part string, lim Limits) (int64, error) {
	_, held, err := readShared(r, part, lim)
	return held, err
}

// Name returns the name of the sheet, as the workbook spells it.
func (s *Reader) Name() string { return s.name }

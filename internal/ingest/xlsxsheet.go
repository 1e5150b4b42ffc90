package ingest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// sheetReader reads one worksheet of an XLSX workbook straight from its
// XML, cell values raw (as excelize's RawCellValue gives them). It exists
// for speed: a 100,000-row CMDB export reads about ten times faster than
// through excelize, which stays the fallback for any workbook this reader
// does not understand.
//
// The sheet's XML is streamed out of the archive through a window that
// holds at least one whole row, so a 100 MB sheet is never in memory at
// once. With src nil, data is the whole sheet (the fuzz test builds one so).
type sheetReader struct {
	shared []string
	data   []byte // the window: the sheet's XML from byte base on; data[pos:] is unread
	pos    int
	row    int           // the last row number read
	src    io.ReadCloser // the rest of the sheet's XML after data; nil once it is used up
	base   int64         // offset in the sheet's XML of data[0]
	err    error         // the error that ended src, other than io.EOF
	reuse  bool          // next may reuse the cells slice it returned last
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

// errSheetLayout says the workbook is valid but laid out in a way the fast
// reader does not handle; the caller falls back to excelize.
var errSheetLayout = errors.New("unhandled workbook layout")

// openSheet finds the named sheet (or the first) and loads the shared
// strings, and positions a reader at the sheet's rows. It returns the
// sheet's name and the names of all sheets. The caller closes the reader.
func openSheet(data []byte, want string, limit int64) (*sheetReader, string, []string, error) {
	return openSheetAt(bytes.NewReader(data), int64(len(data)), want, limit)
}

// openSheetAt is openSheet for a workbook of size bytes read from r.
func openSheetAt(r io.ReaderAt, size int64, want string, limit int64) (*sheetReader, string, []string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, "", nil, err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	open := func(name string) (*zip.File, error) {
		f := files[name]
		if f == nil {
			return nil, errSheetLayout
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
		return nil, "", nil, err
	}
	var book struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	if err := xml.Unmarshal(wb, &book); err != nil || len(book.Sheets) == 0 {
		return nil, "", nil, errSheetLayout
	}
	rels, err := read("xl/_rels/workbook.xml.rels")
	if err != nil {
		return nil, "", nil, err
	}
	var rel struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(rels, &rel); err != nil {
		return nil, "", nil, errSheetLayout
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
			return nil, "", names, errNoSheet
		}
	}
	target := ""
	for _, r := range rel.Rels {
		if r.ID == book.Sheets[idx].RID {
			target = r.Target
		}
	}
	if target == "" {
		return nil, "", names, errSheetLayout
	}
	if strings.HasPrefix(target, "/") {
		target = strings.TrimPrefix(target, "/")
	} else {
		target = path.Join("xl", target)
	}
	sf, err := open(target)
	if err != nil {
		return nil, "", names, err
	}
	sr := &sheetReader{}
	if ss, err := read("xl/sharedStrings.xml"); err == nil {
		sr.shared = parseShared(ss)
	} else if !errors.Is(err, errSheetLayout) {
		return nil, "", names, err
	}
	if sr.src, err = sf.Open(); err != nil {
		return nil, "", names, err
	}
	if sf.UncompressedSize64 > inflateAheadSize {
		sr.src = inflateAhead(sr.src)
	}
	sr.data = make([]byte, 0, min(uint64(sheetWindow), sf.UncompressedSize64+1))
	if !sr.seek(sheetDataOpen) {
		sr.close()
		if sr.err != nil {
			return nil, "", names, sr.err
		}
		return nil, "", names, errSheetLayout
	}
	return sr, book.Sheets[idx].Name, names, nil
}

var errNoSheet = errors.New("no such sheet")

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

// inflateAheadSize is the sheet size past which inflateAhead pays (a
// variable for the tests).
var inflateAheadSize uint64 = 4 << 20

// inflateAhead returns a reader of src that inflates it in a goroutine of
// its own, a few chunks ahead of the reads, so that decompression and
// parsing use two cores. Closing the reader stops the goroutine, then
// closes src.
func inflateAhead(src io.ReadCloser) io.ReadCloser {
	const chunks, chunkSize = 3, 256 << 10
	r := &aheadReader{
		full:  make(chan []byte, chunks),
		empty: make(chan []byte, chunks),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		src:   src,
	}
	for range chunks {
		r.empty <- make([]byte, chunkSize)
	}
	go r.run()
	return r
}

// aheadReader is inflateAhead's reader.
type aheadReader struct {
	full, empty chan []byte   // chunks read from src, and chunks to fill
	stop, done  chan struct{} // closed by Close, and by run when it returns
	src         io.ReadCloser
	err         error  // what ended src, other than io.EOF; set before full is closed
	cur, chunk  []byte // the unread part of the current chunk, and the whole of it
	closed      bool
}

// run fills chunks from src until it ends or Close is called.
func (r *aheadReader) run() {
	defer close(r.done)
	defer close(r.full)
	for {
		var buf []byte
		select {
		case buf = <-r.empty:
		case <-r.stop:
			return
		}
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var m int
			m, err = r.src.Read(buf[n:])
			n += m
		}
		if n > 0 {
			select {
			case r.full <- buf[:n]:
			case <-r.stop:
				return
			}
		}
		if err != nil {
			if err != io.EOF {
				r.err = err
			}
			return
		}
	}
}

func (r *aheadReader) Read(p []byte) (int, error) {
	if len(r.cur) == 0 {
		if r.chunk != nil {
			r.empty <- r.chunk[:cap(r.chunk)]
			r.chunk = nil
		}
		buf, ok := <-r.full
		if !ok {
			if r.err != nil {
				return 0, r.err
			}
			return 0, io.EOF
		}
		r.cur, r.chunk = buf, buf
	}
	n := copy(p, r.cur)
	r.cur = r.cur[n:]
	return n, nil
}

func (r *aheadReader) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	close(r.stop)
	<-r.done
	return r.src.Close()
}

// close releases the archive member being streamed.
func (s *sheetReader) close() {
	if s.src != nil {
		s.src.Close()
		s.src = nil
	}
}

// more reads more of the sheet into the window, dropping what was read
// (data[:pos]) and growing the window when it is full of one unread row.
// It reports whether data grew.
func (s *sheetReader) more() bool {
	if s.src == nil {
		return false
	}
	if s.pos > 0 {
		n := copy(s.data, s.data[s.pos:])
		s.data = s.data[:n]
		s.base += int64(s.pos)
		s.pos = 0
	}
	if len(s.data) == cap(s.data) {
		s.data = append(s.data, 0)[:len(s.data)]
	}
	start := len(s.data)
	for len(s.data) < cap(s.data) {
		n, err := s.src.Read(s.data[len(s.data):cap(s.data)])
		s.data = s.data[:len(s.data)+n]
		if err != nil {
			if err != io.EOF {
				s.err = err
			}
			s.close()
			break
		}
	}
	return len(s.data) > start
}

// seek moves pos to the next occurrence of tag, reading on as needed; false
// when the sheet has none.
func (s *sheetReader) seek(tag []byte) bool {
	for {
		if i := bytes.Index(s.data[s.pos:], tag); i >= 0 {
			s.pos += i
			return true
		}
		// The last bytes may hold the start of tag.
		s.pos = max(s.pos, len(s.data)-len(tag)+1)
		if !s.more() {
			return false
		}
	}
}

// parseShared reads the shared-string table: each <si>'s text runs joined,
// phonetic runs left out.
func parseShared(b []byte) []string {
	out := make([]string, 0, bytes.Count(b, []byte("<si")))
	var sb []byte
	for {
		i := bytes.Index(b, []byte("<si"))
		if i < 0 {
			return out
		}
		b = b[i+3:]
		end := bytes.Index(b, []byte("</si>"))
		item := b
		if end >= 0 {
			item, b = b[:end], b[end+5:]
		} else {
			b = nil
		}
		if !bytes.HasPrefix(item, []byte(">")) && !bytes.HasPrefix(item, []byte(" ")) {
			if bytes.HasPrefix(item, []byte("/>")) {
				out = append(out, "")
			}
			continue
		}
		if ph := bytes.Index(item, []byte("<rPh")); ph >= 0 {
			item = item[:ph]
		}
		sb = sb[:0]
		for {
			t := bytes.Index(item, []byte("<t"))
			if t < 0 {
				break
			}
			item = item[t+2:]
			gt := bytes.IndexByte(item, '>')
			if gt < 0 || (len(item) > 0 && item[0] != '>' && item[0] != ' ') {
				continue
			}
			if gt > 0 && item[gt-1] == '/' {
				item = item[gt+1:]
				continue
			}
			close := bytes.Index(item, []byte("</t>"))
			if close < 0 {
				break
			}
			sb = appendUnescaped(sb, item[gt+1:close])
			item = item[close+4:]
		}
		out = append(out, string(sb))
	}
}

// next returns the next row's cells by column, and its row number. Rows
// the sheet skips come back as empty rows, as excelize gives them. The
// cells of one row share one string allocation; with reuse set, the slice
// itself is reused by the next call.
func (s *sheetReader) next() ([]string, int, error) {
	for {
		b := s.data
		i := bytes.Index(b[s.pos:], rowOpen)
		if i < 0 {
			s.pos = max(s.pos, len(b)-len(rowOpen)+1)
			if s.more() {
				continue
			}
			if s.err != nil {
				return nil, 0, s.err
			}
			return nil, 0, io.EOF
		}
		p := s.pos + i
		tagEnd := bytes.IndexByte(b[p:], '>')
		if tagEnd < 0 {
			if s.pos = p; s.more() {
				continue
			}
			if s.err != nil {
				return nil, 0, s.err
			}
			return nil, 0, fmt.Errorf("unterminated <row> at byte %d", s.base+int64(p))
		}
		head := b[p : p+tagEnd+1]
		num := s.row + 1
		if v, ok := attrValue(head, "r"); ok {
			n, ok := atoi(v)
			if !ok || n <= s.row {
				return nil, 0, fmt.Errorf("bad row number at byte %d", s.base+int64(p))
			}
			num = n
		}
		if num > s.row+1 {
			// Rows without cells are left out of the XML; report them as empty.
			s.pos = p
			s.row++
			return nil, s.row, nil
		}
		if head[len(head)-2] == '/' { // <row .../>
			s.pos, s.row = p+tagEnd+1, num
			return nil, num, nil
		}
		if end, ok := s.scanRow(b, p+tagEnd+1); ok && !s.noFast {
			s.pos, s.row = end, num
			return s.rowCells(), num, nil
		}
		end := bytes.Index(b[p+tagEnd+1:], rowClose)
		if end < 0 {
			if s.pos = p; s.more() {
				continue
			}
			if s.err != nil {
				return nil, 0, s.err
			}
			return nil, 0, fmt.Errorf("unterminated row %d at byte %d", num, s.base+int64(p))
		}
		body := b[p+tagEnd+1 : p+tagEnd+1+end]
		s.pos, s.row = p+tagEnd+1+end+len(rowClose), num
		if err := s.cellsOf(body, num); err != nil {
			return nil, 0, err
		}
		return s.rowCells(), num, nil
	}
}

// scanRow is the fast path of next: it reads the cells of a row whose body
// starts at b[i] in one pass, and returns where the row ends. It reads
// only rows laid out as spreadsheet writers write them, giving what
// cellsOf gives; for anything else (a row not wholly in the window, a bad
// value, markup cellsOf might read differently) it reports false and next
// takes the long way.
func (s *sheetReader) scanRow(b []byte, i int) (int, bool) {
	vals, text := s.vals[:0], s.text[:0]
	defer func() { s.vals, s.text = vals, text }()
	col := 0
	for {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 || i+j+6 > len(b) {
			return 0, false
		}
		i += j
		switch c1, c2 := b[i+1], b[i+2]; {
		case c1 == '/':
			if string(b[i:i+6]) == "</row>" {
				// Trailing empty cells are dropped, as excelize does.
				for len(vals) > 0 && s.cellEmpty(vals[len(vals)-1]) {
					vals = vals[:len(vals)-1]
				}
				return i + 6, true
			}
			i++
			continue
		case c1 != 'c':
			i++
			continue
		case c2 != ' ' && c2 != '>' && c2 != '/':
			return 0, false // cellsOf looks for its '>' before it skips it
		}
		// A cell: <c ...>, its tag free of '<'.
		gt := bytes.IndexByte(b[i:], '>')
		if gt < 0 || bytes.IndexByte(b[i+1:i+gt], '<') >= 0 {
			return 0, false
		}
		ctag := b[i : i+gt+1]
		if ref, ok := attrValue(ctag, "r"); ok {
			if col = colIndex(ref); col < 0 {
				return 0, false
			}
		}
		typ, _ := attrValue(ctag, "t")
		if col >= maxXLSXColumns {
			return 0, false
		}
		val := cellVal{from: int32(len(text)), to: int32(len(text))}
		i += gt + 1
		if ctag[len(ctag)-2] != '/' {
			// The content, up to </c>, must not hold </row>.
			k := i
			for {
				j := bytes.IndexByte(b[k:], '<')
				if j < 0 || k+j+6 > len(b) {
					return 0, false
				}
				k += j
				if b[k+1] == '/' {
					if string(b[k:k+4]) == "</c>" {
						break
					}
					if string(b[k:k+6]) == "</row>" {
						return 0, false
					}
				}
				k++
			}
			inner := b[i:k]
			i = k + len(cellClose)
			switch {
			case string(typ) == "inlineStr":
				text = appendUnescaped(text, innerRaw(inner, "<t"))
				val.to = int32(len(text))
			case string(typ) == "s":
				n, ok := atoi(innerRaw(inner, "<v"))
				if !ok || n >= len(s.shared) || bytes.IndexByte(inner, '&') >= 0 {
					return 0, false
				}
				val.shared = int32(n) + 1
			default:
				text = appendUnescaped(text, innerRaw(inner, "<v"))
				val.to = int32(len(text))
			}
		}
		for len(vals) < col {
			vals = append(vals, cellVal{})
		}
		vals = append(vals, val)
		col++
	}
}

// cellsOf reads the cells of one row's body into s.vals and s.text.
func (s *sheetReader) cellsOf(body []byte, num int) error {
	vals, text := s.vals[:0], s.text[:0]
	defer func() { s.vals, s.text = vals, text }()
	col := 0
	for {
		c := bytes.Index(body, cellOpen)
		if c < 0 {
			break
		}
		body = body[c:]
		gt := bytes.IndexByte(body, '>')
		if gt < 0 {
			return fmt.Errorf("unterminated cell in row %d", num)
		}
		ctag := body[:gt+1]
		if len(ctag) > 2 && ctag[2] != ' ' && ctag[2] != '>' && ctag[2] != '/' {
			body = body[2:] // another element starting with "c"
			continue
		}
		if ref, ok := attrValue(ctag, "r"); ok {
			if col = colIndex(ref); col < 0 {
				return fmt.Errorf("bad cell reference in row %d", num)
			}
		}
		typ, _ := attrValue(ctag, "t")
		val := cellVal{from: int32(len(text)), to: int32(len(text))}
		if ctag[len(ctag)-2] == '/' {
			body = body[gt+1:]
		} else {
			ce := bytes.Index(body[gt+1:], cellClose)
			if ce < 0 {
				return fmt.Errorf("unterminated cell in row %d", num)
			}
			inner := body[gt+1 : gt+1+ce]
			body = body[gt+1+ce+len(cellClose):]
			switch {
			case string(typ) == "inlineStr":
				text = appendUnescaped(text, innerRaw(inner, "<t"))
				val.to = int32(len(text))
			case string(typ) == "s":
				idx := appendUnescaped(text, innerRaw(inner, "<v"))[len(text):]
				n, ok := atoi(idx)
				if !ok || n >= len(s.shared) {
					return fmt.Errorf("bad shared string index in row %d", num)
				}
				val.shared = int32(n) + 1
			default:
				text = appendUnescaped(text, innerRaw(inner, "<v"))
				val.to = int32(len(text))
			}
		}
		if col >= maxXLSXColumns {
			return fmt.Errorf("row %d has more than %d columns", num, maxXLSXColumns)
		}
		for len(vals) < col {
			vals = append(vals, cellVal{})
		}
		vals = append(vals, val)
		col++
	}
	// Trailing empty cells are dropped, as excelize does.
	for len(vals) > 0 && s.cellEmpty(vals[len(vals)-1]) {
		vals = vals[:len(vals)-1]
	}
	return nil
}

// cellEmpty reports whether a cell cellsOf or scanRow read is empty.
func (s *sheetReader) cellEmpty(v cellVal) bool {
	if v.shared > 0 {
		return s.shared[v.shared-1] == ""
	}
	return v.to == v.from
}

// rowCells turns the row in s.vals and s.text into cells; nil for none.
func (s *sheetReader) rowCells() []string {
	if len(s.vals) == 0 {
		return nil
	}
	var cells []string
	if s.reuse {
		cells = s.cells[:0]
	}
	all := string(s.text)
	for _, v := range s.vals {
		if v.shared > 0 {
			cells = append(cells, s.shared[v.shared-1])
		} else {
			cells = append(cells, all[v.from:v.to])
		}
	}
	if s.reuse {
		s.cells = cells
	}
	return cells
}

const maxXLSXColumns = 16384 // Excel's own limit (XFD)

// innerRaw returns the raw (escaped) text of the first element opened by
// open ("<v" or "<t") inside b, nil when there is none.
func innerRaw(b []byte, open string) []byte {
	i := bytes.Index(b, []byte(open))
	for i >= 0 && i+len(open) < len(b) && b[i+len(open)] != '>' && b[i+len(open)] != ' ' {
		j := bytes.Index(b[i+1:], []byte(open))
		if j < 0 {
			return nil
		}
		i += 1 + j
	}
	if i < 0 {
		return nil
	}
	b = b[i:]
	gt := bytes.IndexByte(b, '>')
	if gt < 0 || b[gt-1] == '/' {
		return nil
	}
	var end int
	if open == "<v" {
		end = bytes.Index(b, []byte("</v>"))
	} else {
		end = bytes.Index(b, []byte("</t>"))
	}
	if end < gt {
		return nil
	}
	return b[gt+1 : end]
}

// attrValue returns an attribute's value from a start tag, unescaped; it
// is a slice of tag unless the value holds a character reference.
func attrValue(tag []byte, name string) ([]byte, bool) {
	for i := 0; i+len(name)+2 < len(tag); {
		j := bytes.Index(tag[i:], []byte(name))
		if j < 0 {
			return nil, false
		}
		k := i + j
		if k+len(name) >= len(tag) || tag[k+len(name)] != '=' {
			i = k + 1
			continue
		}
		if k > 0 && tag[k-1] != ' ' && tag[k-1] != '\t' && tag[k-1] != '\n' && tag[k-1] != '\r' {
			i = k + 1
			continue
		}
		q := k + len(name) + 1
		if q >= len(tag) || (tag[q] != '"' && tag[q] != '\'') {
			return nil, false
		}
		e := bytes.IndexByte(tag[q+1:], tag[q])
		if e < 0 {
			return nil, false
		}
		v := tag[q+1 : q+1+e]
		if bytes.IndexByte(v, '&') >= 0 {
			v = appendUnescaped(nil, v)
		}
		return v, true
	}
	return nil, false
}

// atoi reads a non-negative decimal number as strconv.Atoi would, without
// allocating: an optional sign, digits, no overflow.
func atoi(b []byte) (int, bool) {
	if len(b) > 0 && len(b) < 19 && b[0] != '+' && b[0] != '-' {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	n, err := strconv.Atoi(string(b))
	return n, err == nil && n >= 0
}

// colIndex turns a cell reference such as "AB12" into its 0-based column.
func colIndex(ref []byte) int {
	n := 0
	i := 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A'+1)
		if n > maxXLSXColumns {
			return -1
		}
	}
	if i == 0 {
		return -1
	}
	return n - 1
}

// unescapeXML resolves the five named entities and numeric references.
func unescapeXML(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	return string(appendUnescaped(nil, b))
}

// appendUnescaped appends b to dst with the five named entities and
// numeric references resolved; anything else after a '&' is kept as is.
func appendUnescaped(dst, b []byte) []byte {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		b = b[i:]
		semi := bytes.IndexByte(b, ';')
		if semi < 0 || semi > 12 {
			dst = append(dst, '&')
			b = b[1:]
			continue
		}
		ent := b[1:semi]
		switch {
		case string(ent) == "amp":
			dst = append(dst, '&')
		case string(ent) == "lt":
			dst = append(dst, '<')
		case string(ent) == "gt":
			dst = append(dst, '>')
		case string(ent) == "quot":
			dst = append(dst, '"')
		case string(ent) == "apos":
			dst = append(dst, '\'')
		case bytes.HasPrefix(ent, []byte("#x")):
			if n, err := strconv.ParseUint(string(ent[2:]), 16, 32); err == nil {
				dst = utf8.AppendRune(dst, rune(n))
			}
		case bytes.HasPrefix(ent, []byte("#")):
			if n, err := strconv.ParseUint(string(ent[1:]), 10, 32); err == nil {
				dst = utf8.AppendRune(dst, rune(n))
			}
		default:
			dst = append(dst, b[:semi+1]...)
		}
		b = b[semi+1:]
	}
	return dst
}

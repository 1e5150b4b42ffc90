package worksheet

import (
	"bytes"
	"fmt"
	"io"
)

// more reads more of the sheet into the window, dropping what was read
// (data[:pos]) and growing the window when it is full of one unread row.
// It reports whether data grew.
func (s *Reader) more() bool {
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
		// The window is full of one row (or one tag): grow it, within
		// bounds, for a row is never held whole past rowMax.
		if s.rowMax > 0 && len(s.data) >= s.rowMax {
			s.err = &LimitError{Limit: LimitRow, Max: int64(s.rowMax), Part: s.part, Item: "a row", Row: s.row + 1}
			s.Close()
			return false
		}
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
			s.Close()
			break
		}
	}
	return len(s.data) > start
}

// seek moves pos to the next occurrence of tag, reading on as needed; false
// when the sheet has none.
func (s *Reader) seek(tag []byte) bool {
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

// Next returns the next row's cells by column, and its row number; io.EOF
// after the last row. Rows the sheet skips come back as empty rows, as
// excelize gives them. The cells of one row share one string allocation;
// with ReuseRow set, the slice itself is reused by the next call.
func (s *Reader) Next() ([]string, int, error) {
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

// scanRow is the fast path of Next: it reads the cells of a row whose body
// starts at b[i] in one pass, and returns where the row ends. It reads
// only rows laid out as spreadsheet writers write them, giving what
// cellsOf gives; for anything else (a row not wholly in the window, a bad
// value, markup cellsOf might read differently) it reports false and Next
// takes the long way.
func (s *Reader) scanRow(b []byte, i int) (int, bool) {
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
		if col >= maxColumns {
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
func (s *Reader) cellsOf(body []byte, num int) error {
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
		if col >= maxColumns {
			return fmt.Errorf("row %d has more than %d columns", num, maxColumns)
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
func (s *Reader) cellEmpty(v cellVal) bool {
	if v.shared > 0 {
		return s.shared[v.shared-1] == ""
	}
	return v.to == v.from
}

// rowCells turns the row in s.vals and s.text into cells; nil for none.
func (s *Reader) rowCells() []string {
	if len(s.vals) == 0 {
		return nil
	}
	var cells []string
	if s.ReuseRow {
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
	if s.ReuseRow {
		s.cells = cells
	}
	return cells
}

const maxColumns = 16384 // Excel's own limit (XFD)

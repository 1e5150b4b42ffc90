package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/vigil-health/vigil"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// delimiters are the CSV separators sniffed, in order of preference on a tie.
var delimiters = [...]byte{',', ';', '\t', '|'}

// readCSV imports delimited text: the encoding and delimiter are detected,
// then the rows go through readTable.
func (p *parser) readCSV(data []byte) error {
	text, err := p.decodeText(data)
	if err != nil {
		return err
	}
	lineOffset := 0
	delim := byte(0)
	// Excel writes "sep=;" as the first line to name the delimiter.
	if len(text) >= 5 && bytes.EqualFold(text[:4], []byte("sep=")) && (len(text) == 5 || text[5] == '\n' || text[5] == '\r') {
		delim = text[4]
		text = text[5:]
		text = bytes.TrimPrefix(bytes.TrimPrefix(text, []byte("\r")), []byte("\n"))
		lineOffset = 1
	}
	if delim == 0 {
		delim = sniffDelimiter(text)
	}
	if delim == '"' || delim == '\r' || delim == '\n' || delim >= utf8.RuneSelf {
		return p.fail("line 1", "unusable delimiter in the sep= line")
	}
	p.res.Delim = string(rune(delim))
	// Real exports hold bare quotes in unquoted fields (a 15" monitor),
	// which encoding/csv refuses. Mask them byte for byte, so line and
	// column numbers hold, and put them back in the cells.
	text, masked := maskBareQuotes(text, delim, delim != '\t')
	r := csv.NewReader(newCSVGuard(p, text, delim, 1+lineOffset))
	r.Comma = rune(delim)
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = delim != '\t'
	r.ReuseRecord = true // readTable keeps rows with row.keep
	return p.readTable(&csvRows{p: p, r: r, lineOffset: lineOffset, masked: masked}, nil)
}

// bareQuoteMask stands for a bare quote while encoding/csv reads the text:
// a byte that valid UTF-8 never holds, and decodeText returns valid UTF-8.
const bareQuoteMask = 0xFF

// maskBareQuotes replaces each double quote inside an unquoted field with
// bareQuoteMask, copying text only when there is one. Quoted fields are
// left alone, so their errors still reach encoding/csv's strict checks.
func maskBareQuotes(text []byte, delim byte, trimSpace bool) ([]byte, bool) {
	const (
		fieldStart = iota
		quoted
		afterQuote // a quote inside a quoted field: closing, or the first of ""
		unquoted
	)
	if bytes.IndexByte(text, '"') < 0 {
		return text, false
	}
	var ends [256]bool // what ends a run of an unquoted field
	ends[delim], ends['\n'], ends['"'] = true, true, true
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
			j := bytes.IndexByte(text[i:], '"')
			if j < 0 {
				return out, copied
			}
			i += j
			state = afterQuote
		case afterQuote:
			switch c {
			case '"':
				state = quoted
			case delim, '\n', '\r':
				state = fieldStart
			default:
				state = unquoted // encoding/csv reports this one as ErrQuote
			}
		case unquoted:
			for i < len(text) && !ends[text[i]] {
				i++
			}
			if i == len(text) {
				return out, copied
			}
			switch text[i] {
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

// csvRows adapts csv.Reader to rowSource with physical line numbers.
type csvRows struct {
	p          *parser
	r          *csv.Reader
	lineOffset int
	masked     bool // maskBareQuotes changed the text: unmask the cells
}

// next returns the next record; its origin is the line where it starts.
func (c *csvRows) next() (row, error) {
	cells, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return row{}, io.EOF
	}
	var pe *csv.ParseError
	if _, ok := AsLimitError(err); ok {
		return row{}, err // from csvGuard, with its line
	} else if errors.As(err, &pe) {
		return row{}, c.p.fail("", "line %d, column %d (record starting at line %d): %v",
			pe.Line+c.lineOffset, pe.Column, pe.StartLine+c.lineOffset, pe.Err)
	} else if err != nil {
		return row{}, c.p.fail("", "%v", err)
	}
	line, _ := c.r.FieldPos(0)
	if c.masked {
		for i, cell := range cells {
			if strings.IndexByte(cell, bareQuoteMask) >= 0 {
				cells[i] = strings.ReplaceAll(cell, "\xff", `"`)
			}
		}
	}
	return row{cells: cells, origin: vigil.Origin{File: c.p.name, Line: line + c.lineOffset}}, nil
}

// binarySniff is how far into a text file a NUL byte means the file is
// binary, not text; past it, a NUL is a bad value in one row.
const binarySniff = 8000

// decodeText returns the file as UTF-8 without BOM, recording the encoding
// found: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode
// text"), or Windows-1252 for anything that is not valid UTF-8. Binary
// content (a NUL byte near the start, a zip archive) is refused; the rows
// of a NUL further on are bad (see checkValue).
func (p *parser) decodeText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		end := unicode.LittleEndian
		p.res.Encoding = "utf-16le"
		if data[0] == 0xFE {
			end, p.res.Encoding = unicode.BigEndian, "utf-16be"
		}
		text, err := unicode.UTF16(end, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return nil, p.fail("", "invalid %s text: %v", p.res.Encoding, err)
		}
		if i := bytes.IndexByte(text[:min(len(text), binarySniff)], 0); i >= 0 {
			return nil, p.fail("", "NUL character in %s text: this is a binary file, not CSV", p.res.Encoding)
		}
		return text, nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return nil, p.fail("byte 0", "this is a zip archive (an XLSX workbook?), not CSV text")
	}
	if i := bytes.IndexByte(data[:min(len(data), binarySniff)], 0); i >= 0 {
		return nil, p.fail("", "byte %d: NUL byte: this is a binary file, not CSV text", i)
	}
	if bytes.HasPrefix(data, utf8BOM) {
		data = data[len(utf8BOM):]
		p.res.Encoding = "utf-8-bom"
	} else {
		p.res.Encoding = "utf-8"
	}
	if utf8.Valid(data) {
		return data, nil
	}
	text, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return nil, p.fail("", "text is neither UTF-8 nor Windows-1252: %v", err)
	}
	p.res.Encoding = "windows-1252"
	return text, nil
}

// sniffDelimiter picks the separator whose count per line is the most
// consistent over the first lines (at most the first MiB), quotes
// respected; ',' when none is.
func sniffDelimiter(text []byte) byte {
	const maxLines, maxBytes = 50, 1 << 20
	text = text[:min(len(text), maxBytes)]
	var counts [len(delimiters)][]int
	var cur [len(delimiters)]int
	inQuote, lines, nonEmpty := false, 0, false
	flush := func() {
		if nonEmpty {
			for d := range delimiters {
				counts[d] = append(counts[d], cur[d])
			}
			lines++
		}
		cur = [len(delimiters)]int{}
		nonEmpty = false
	}
	for _, c := range text {
		if lines >= maxLines {
			break
		}
		switch {
		case c == '"':
			inQuote = !inQuote
			nonEmpty = true
		case inQuote:
		case c == '\n':
			flush()
		case c == '\r':
		default:
			nonEmpty = true
			for d, dc := range delimiters {
				if c == dc {
					cur[d]++
				}
			}
		}
	}
	if lines < maxLines {
		flush()
	}
	best, bestScore := byte(','), 0
	for d, cs := range counts {
		freq := map[int]int{}
		mode, modeN := 0, 0
		for _, n := range cs {
			freq[n]++
			if n > 0 && (freq[n] > modeN || (freq[n] == modeN && n > mode)) {
				mode, modeN = n, freq[n]
			}
		}
		if mode == 0 {
			continue
		}
		score := modeN*1000/len(cs)*100 + min(mode, 99)
		if score > bestScore {
			best, bestScore = delimiters[d], score
		}
	}
	return best
}

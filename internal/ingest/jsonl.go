package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

// jsonLine is one parsed line: keys in order of appearance, scalar values
// as text.
type jsonLine struct {
	keys   []string
	values []string
	line   int
}

// readJSONL imports JSON Lines: one object per line, keys mapped like CSV
// headers. Values may be strings, numbers (kept digit for digit), booleans
// or null; nested arrays and objects are skipped with a warning. A line that
// is not a JSON object is a bad row, except the first, which means the file
// is not JSON Lines at all. A file that is one JSON array of objects (a
// typical API export) is read too, each object dated by its first line.
func (p *parser) readJSONL(data []byte) error {
	text, err := p.decodeText(data)
	if err != nil {
		return err
	}
	var lines []jsonLine
	colOf := map[string]int{}
	var headers []string
	add := func(ln []byte, n int) error {
		if len(lines)+len(p.res.Errors)+p.res.ErrorsOmitted >= p.lim.Rows {
			return p.limitError(fmt.Sprintf("line %d", n), LimitRows, int64(p.lim.Rows), "more than %s rows")
		}
		if err := p.checkJSON(ln, n, false); err != nil {
			return err
		}
		jl, err := p.parseJSONLine(ln, n)
		if _, ok := AsLimitError(err); ok {
			return err
		} else if err != nil {
			if len(lines) == 0 && len(p.res.Errors) == 0 {
				return p.fail(fmt.Sprintf("line %d", n), "not JSON Lines (one complete object per line): %v", err)
			}
			return p.badRow(vigil.Origin{File: p.name, Line: n}, err.Error())
		}
		for _, k := range jl.keys {
			if _, ok := colOf[k]; !ok {
				if len(headers) == p.lim.Columns {
					return p.limitError(fmt.Sprintf("line %d", n), LimitColumns, int64(p.lim.Columns), "more than %s distinct keys")
				}
				colOf[k] = len(headers)
				headers = append(headers, k)
			}
		}
		lines = append(lines, jl)
		return nil
	}
	if trimmed := bytes.TrimLeft(text, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
		err = p.jsonArray(text, add)
	} else {
		err = jsonLines(text, add)
	}
	if err != nil {
		return err
	}
	src := &jsonRows{lines: lines, colOf: colOf, width: len(headers), name: p.name}
	return p.readTable(src, headers)
}

// jsonLines calls each for every non-blank line with its line number.
func jsonLines(text []byte, each func(ln []byte, n int) error) error {
	for n, rest := 1, text; len(rest) > 0; n++ {
		var ln []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			ln, rest = rest[:i], rest[i+1:]
		} else {
			ln, rest = rest, nil
		}
		if ln = bytes.TrimSpace(ln); len(ln) == 0 {
			continue
		}
		if err := each(ln, n); err != nil {
			return err
		}
	}
	return nil
}

// jsonArray calls each for every element of a top-level JSON array with the
// line it starts on. A syntax error is fatal: the rest cannot be resynced.
func (p *parser) jsonArray(text []byte, each func(raw []byte, n int) error) error {
	dec := json.NewDecoder(bytes.NewReader(text))
	lines := lineCounter{data: text}
	if _, err := dec.Token(); err != nil {
		return p.fail("line 1", "invalid JSON: %v", jsonErr(err))
	}
	for dec.More() {
		start := int(dec.InputOffset())
		for start < len(text) && (text[start] == ',' || text[start] == ' ' || text[start] == '\t' || text[start] == '\r' || text[start] == '\n') {
			start++
		}
		// The element is held to the limits before the decoder reads it
		// whole.
		if err := p.checkJSON(text[start:], lines.at(int64(start)), true); err != nil {
			return err
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return p.fail(fmt.Sprintf("line %d", lines.at(int64(start))), "invalid JSON array: %v", jsonErr(err))
		}
		if err := each(raw, lines.at(int64(start))); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return p.fail(fmt.Sprintf("line %d", lines.at(dec.InputOffset())), "invalid JSON array: %v", jsonErr(err))
	}
	return nil
}

// parseJSONLine reads one object, keeping key order.
func (p *parser) parseJSONLine(ln []byte, n int) (jsonLine, error) {
	jl := jsonLine{line: n}
	dec := json.NewDecoder(bytes.NewReader(ln))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return jl, jsonErr(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return jl, errors.New("not a JSON object")
	}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return jl, jsonErr(err)
		}
		if len(jl.keys) == p.lim.Columns {
			return jl, p.limitError(fmt.Sprintf("line %d", n), LimitColumns, int64(p.lim.Columns), "an object of more than %s keys")
		}
		key, _ := kt.(string)
		key = p.intern(key)
		var v any
		if err := dec.Decode(&v); err != nil {
			return jl, jsonErr(err)
		}
		var s string
		switch x := v.(type) {
		case nil:
		case string:
			s = x
		case json.Number:
			s = x.String()
		case bool:
			s = strconv.FormatBool(x)
		default:
			p.warn(vigil.Origin{File: p.name, Line: n}, fmt.Sprintf("key %s: nested value skipped", clip(key)))
			continue
		}
		jl.keys = append(jl.keys, key)
		jl.values = append(jl.values, s)
	}
	if _, err := dec.Token(); err != nil {
		return jl, jsonErr(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return jl, errors.New("text after the JSON object")
	}
	return jl, nil
}

// jsonErr describes a JSON syntax error without quoting the input.
func jsonErr(err error) error {
	var se *json.SyntaxError
	// Input that ends inside the object is an EOF error or, from the
	// scanner of Go 1.27's encoding/json, a syntax error saying so.
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end of JSON input") {
		return errors.New("incomplete JSON object")
	}
	if errors.As(err, &se) {
		return fmt.Errorf("invalid JSON at byte %d of the line", se.Offset)
	}
	return errors.New("invalid JSON")
}

// jsonRows turns parsed lines into rows aligned with the header union.
type jsonRows struct {
	lines []jsonLine
	colOf map[string]int
	width int
	name  string
	i     int
}

// next returns the next line as a row of cells.
func (j *jsonRows) next() (row, error) {
	if j.i >= len(j.lines) {
		return row{}, io.EOF
	}
	jl := j.lines[j.i]
	j.i++
	cells := make([]string, j.width)
	for k, key := range jl.keys {
		cells[j.colOf[key]] = jl.values[k]
	}
	return row{cells: cells, origin: vigil.Origin{File: j.name, Line: jl.line}}, nil
}

// checkJSON holds one JSON Lines line, or (element) the array element at
// the start of b, to the limits before it is decoded: its length, its
// nesting, the length of each string in it. It follows strings and their
// escapes and nothing more: the decoder finds what else is wrong.
func (p *parser) checkJSON(b []byte, line int, element bool) error {
	lim := &p.lim
	at := fmt.Sprintf("line %d", line)
	depth, str := 0, -1 // str: where the string being read starts, or -1
	for i := 0; i < len(b); i++ {
		if i >= lim.RecordBytes {
			what := "a line of more than %s"
			if element {
				what = "an array element of more than %s"
			}
			return p.limitError(at, LimitRecordBytes, int64(lim.RecordBytes), what)
		}
		c := b[i]
		if str >= 0 {
			switch c {
			case '\\':
				i++
			case '"':
				str = -1
			}
			if str >= 0 && i-str > lim.FieldBytes {
				return p.limitError(at, LimitFieldBytes, int64(lim.FieldBytes), "a JSON string of more than %s")
			}
			continue
		}
		switch c {
		case '"':
			str = i + 1
		case '{', '[':
			if depth++; depth > lim.Depth {
				return p.limitError(at, LimitDepth, int64(lim.Depth), "JSON nested more than %s deep")
			}
		case '}', ']':
			depth--
			if element && depth <= 0 {
				return nil
			}
		case ',':
			if element && depth == 0 {
				return nil
			}
		}
	}
	return nil
}

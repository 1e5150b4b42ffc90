// Package ingest turns inventory source files into Vigil source records:
// CSV in the shapes real exports take, XLSX workbooks, nmap XML (-oX) and
// JSON Lines. Columns are mapped to canonical fields by header synonyms, by
// content, or by an operator's map file, and every value is normalised.
package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// The formats Read understands, as Result.Format and Options.Format name them.
const (
	FormatCSV   = "csv"
	FormatXLSX  = "xlsx"
	FormatNmap  = "nmap"
	FormatJSONL = "jsonl"
)

// Options tunes one import.
type Options struct {
	Format  string    // force a format (FormatCSV, ...); "" detects it
	Sheet   string    // XLSX sheet to read; "" reads the first
	MapFile string    // path of a YAML map file; see MapFile
	Map     *MapFile  // an already parsed map file; wins over MapFile
	Strict  bool      // make the first bad row a fatal error
	Now     time.Time // ObservedAt for records whose file carries no date; zero means time.Now
	Limits  Limits    // what the file may make the import hold; zero fields mean DefaultLimits
}

// Result is what one file gave.
type Result struct {
	File     string          `json:"file"`
	Format   string          `json:"format"`
	Encoding string          `json:"encoding,omitempty"`  // text formats: utf-8, utf-8-bom, utf-16le, utf-16be, windows-1252
	Delim    string          `json:"delimiter,omitempty"` // CSV only
	Sheet    string          `json:"sheet,omitempty"`     // XLSX only: the sheet read
	Header   vigil.Origin    `json:"header"`              // where the header row is (CSV, XLSX); zero when headerless
	Mapping  []ColumnMapping `json:"mapping,omitempty"`
	// Unmapped lists the headers that map to no field, in column order:
	// their columns are not imported. Every import reports them.
	Unmapped []string        `json:"unmapped,omitempty"`
	Records  []*vigil.Record `json:"records"`
	Errors   []RowError      `json:"errors,omitempty"`   // rows skipped as bad
	Warnings []RowError      `json:"warnings,omitempty"` // values dropped from rows that were kept
	// ErrorsOmitted and WarningsOmitted count the bad rows and dropped
	// values past the first maxListed of each, which are counted, not listed.
	ErrorsOmitted   int `json:"errors_omitted,omitempty"`
	WarningsOmitted int `json:"warnings_omitted,omitempty"`
	// Hosts is the nmap detail that Record.Fields cannot hold (ports, OS
	// guess, MAC vendor): Hosts[i] describes Records[i]. Nil for other formats.
	Hosts []NmapHost `json:"hosts,omitempty"`
}

// Kind returns the kind of source the file's format implies: nmap scans
// are scanners, every other format is an inventory.
func (r *Result) Kind() vigil.SourceKind {
	if r.Format == FormatNmap {
		return vigil.SourceScanner
	}
	return vigil.SourceInventory
}

// BadRows returns how many rows were skipped as bad, listed or not.
func (r *Result) BadRows() int { return len(r.Errors) + r.ErrorsOmitted }

// maxListed is how many bad rows, and how many dropped values, a Result
// lists: a file of a million bad rows is counted, not held.
const maxListed = 10_000

// RowError is one bad row or dropped value: where it is and why. Reason
// names the column, never the cell value.
type RowError struct {
	Origin vigil.Origin `json:"origin"`
	Reason string       `json:"reason"`
}

// Error formats the row error as "origin: reason".
func (e RowError) Error() string { return e.Origin.String() + ": " + e.Reason }

// Read imports one file. The format comes from Options.Format, else the
// extension (.csv .tsv .txt .xlsx .xlsm .xml .jsonl .ndjson .json), else the
// content. A file that is not what it claims is a fatal *vigil.Error
// (EINVALID) naming the file and the line or byte offset; bad rows are
// collected in Result.Errors unless Options.Strict.
func Read(ctx context.Context, path string, opt Options) (*Result, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathReason(err)), err)
	}
	if st.IsDir() {
		return nil, vigil.Errorf(vigil.EINVALID, "%s is a directory", path)
	}
	lim := opt.Limits.OrDefault()
	if st.Size() > lim.FileBytes {
		p := &parser{name: path}
		return nil, p.limitError("", LimitFileBytes, lim.FileBytes, fmt.Sprintf("the file is %d bytes, more than %%s", st.Size()))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathReason(err)), err)
	}
	defer f.Close()
	head, err := readHead(f)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathReason(err)), err)
	}
	// An nmap scan is read as it streams in: it is the largest of the
	// usual files, and its XML needs no more than one element at a time.
	// A workbook is read from the file, which is all a zip reader needs.
	switch format, err := detectFormat(path, head, opt.Format); {
	case err == nil && format == FormatNmap:
		return parse(ctx, path, opt, func(p *parser) (string, error) {
			p.res.Format = format
			return format, p.readNmapFrom(head, io.LimitReader(f, lim.FileBytes-int64(len(head))))
		})
	case err == nil && format == FormatXLSX:
		return parse(ctx, path, opt, func(p *parser) (string, error) {
			p.res.Format = format
			return format, p.readXLSXAt(f, st.Size(), head)
		})
	}
	data, err := readRest(f, head, st.Size())
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathReason(err)), err)
	}
	return Parse(ctx, path, data, opt)
}

// headSize is how much of a file Read reads to tell its format.
const headSize = 64 << 10

// readHead reads the start of a file: headSize bytes, or on until the
// first character that is not white space, which detectFormat looks at.
func readHead(r io.Reader) ([]byte, error) {
	head := make([]byte, 0, headSize)
	for {
		n, err := io.ReadFull(r, head[len(head):cap(head)])
		head = head[:len(head)+n]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return head, nil
		} else if err != nil {
			return nil, err
		}
		if len(bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")) > 0 {
			return head, nil
		}
		head = append(head, 0)[:len(head)] // all white space so far: read on
	}
}

// readRest reads the rest of a file whose start is head, size bytes long
// as far as Stat knew, as os.ReadFile would.
func readRest(r io.Reader, head []byte, size int64) ([]byte, error) {
	data := make([]byte, len(head), max(size, int64(len(head)))+1)
	copy(data, head)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		} else if err != nil {
			return nil, err
		}
	}
}

// Parse imports a file already in memory, such as an upload; name is used in
// origins and errors and, with the content, to detect the format.
func Parse(ctx context.Context, name string, data []byte, opt Options) (*Result, error) {
	if lim := opt.Limits.OrDefault(); int64(len(data)) > lim.FileBytes {
		p := &parser{name: name}
		return nil, p.limitError("", LimitFileBytes, lim.FileBytes, fmt.Sprintf("the file is %d bytes, more than %%s", len(data)))
	}
	return parse(ctx, name, opt, func(p *parser) (string, error) {
		format, err := detectFormat(name, data, opt.Format)
		if err != nil {
			return "", err
		}
		p.res.Format = format
		switch format {
		case FormatCSV:
			err = p.readCSV(data)
		case FormatXLSX:
			err = p.readXLSX(data)
		case FormatNmap:
			err = p.readNmap(data)
		case FormatJSONL:
			err = p.readJSONL(data)
		}
		return format, err
	})
}

// parse runs read, which reads the file in its format, with a parser set
// up from opt, and finishes the result.
func parse(ctx context.Context, name string, opt Options, read func(*parser) (format string, err error)) (*Result, error) {
	if opt.Now.IsZero() {
		opt.Now = time.Now().UTC()
	}
	mf := opt.Map
	if mf == nil && opt.MapFile != "" {
		var err error
		if mf, err = LoadMapFile(opt.MapFile); err != nil {
			return nil, err
		}
	}
	res := &Result{File: name}
	p := &parser{ctx: ctx, name: name, opt: opt, lim: opt.Limits.OrDefault(), m: newMapper(mf), res: res}
	format, err := read(p)
	if err != nil {
		return nil, err
	}
	res.Format = format
	if p.recs.n > 0 {
		res.Records = p.recs.all()
	}
	sortRowErrors(res.Errors)
	sortRowErrors(res.Warnings)
	return res, nil
}

// sortRowErrors orders row errors by their place in the file; JSON Lines
// finds syntax errors before mapping errors.
func sortRowErrors(errs []RowError) {
	sort.SliceStable(errs, func(i, j int) bool {
		a, b := errs[i].Origin, errs[j].Origin
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		return a.Line < b.Line
	})
}

// detectFormat picks the format: forced, by extension, then by content.
func detectFormat(name string, data []byte, forced string) (string, error) {
	switch forced {
	case FormatCSV, FormatXLSX, FormatNmap, FormatJSONL:
		return forced, nil
	case "":
	default:
		return "", vigil.Errorf(vigil.EINVALID, "unknown format %q (want csv, xlsx, nmap or jsonl)", forced)
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".tsv", ".txt", ".tab", ".psv":
		return FormatCSV, nil
	case ".xlsx", ".xlsm":
		return FormatXLSX, nil
	case ".xls":
		return "", vigil.Errorf(vigil.EINVALID, "%s: legacy .xls workbooks are not supported; save it as .xlsx or CSV", name)
	case ".xml":
		return FormatNmap, nil
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, nil
	}
	head := bytes.TrimLeft(bytes.TrimPrefix(data, utf8BOM), " \t\r\n")
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return FormatXLSX, nil
	case bytes.HasPrefix(head, []byte("<")):
		return FormatNmap, nil
	case bytes.HasPrefix(head, []byte("{")):
		return FormatJSONL, nil
	}
	return FormatCSV, nil
}

// parser carries one import's state through the format readers.
type parser struct {
	ctx       context.Context
	name      string
	opt       Options
	lim       Limits // opt.Limits with the defaults filled in
	m         *mapper
	res       *Result
	active    []ColumnMapping       // the columns read from each row; see activeColumns
	cache     []columnCache         // by active column: raw -> normalised; see normalize
	dates     map[string]datedValue // raw -> parsed; see parseDate
	strs      map[string]string     // interned values; see intern
	kv        fieldValues           // scratch for tableRecord
	slab      []vigil.Record        // records not yet handed out; see newRecord
	fieldSlab []vigil.FieldValue    // field values not yet handed out
	recs      chunks[*vigil.Record] // the records of tabular formats, in order
	// held counts what the file makes the import hold beyond the file
	// itself (an XLSX's shared strings and kept values), up to heldMax;
	// see chargeHeld. Zero heldMax counts nothing.
	held, heldMax int64
}

// fail returns a fatal error about the file at a place ("line 3", "byte
// 120"), its message cut to a bounded length: values from the file in it
// should be quoted with clip.
func (p *parser) fail(where, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if where != "" {
		msg = where + ": " + msg
	}
	return vigil.Errorf(vigil.EINVALID, "%s", clipMessage(p.name+": "+msg))
}

// badRow records a bad row, or returns it as fatal in strict mode.
func (p *parser) badRow(o vigil.Origin, reason string) error {
	if p.opt.Strict {
		return vigil.Errorf(vigil.EINVALID, "%s: %s (strict mode stops at the first bad row)", o, reason)
	}
	if len(p.res.Errors) == maxListed {
		p.res.ErrorsOmitted++
		return nil
	}
	p.res.Errors = append(p.res.Errors, RowError{Origin: o, Reason: reason})
	return nil
}

// warn records a value dropped from a kept row.
func (p *parser) warn(o vigil.Origin, reason string) {
	if len(p.res.Warnings) == maxListed {
		p.res.WarningsOmitted++
		return
	}
	p.res.Warnings = append(p.res.Warnings, RowError{Origin: o, Reason: reason})
}

// hasIdentifier reports whether a record can be matched to a device.
func hasIdentifier(f vigil.RecordFields) bool {
	return f.Get(vigil.FieldAssetTag) != "" || f.Get(vigil.FieldSerial) != "" || f.Get(vigil.FieldMAC) != "" ||
		f.Get(vigil.FieldIP) != "" || f.Get(vigil.FieldHostname) != ""
}

// isIdentifierField reports whether field identifies a device.
func isIdentifierField(field string) bool {
	switch field {
	case vigil.FieldAssetTag, vigil.FieldSerial, vigil.FieldMAC, vigil.FieldIP, vigil.FieldHostname,
		vigil.FieldUDI, vigil.FieldEUI64:
		return true
	}
	return false
}

package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
)

const (
	headerScanRows = 10  // non-empty rows searched for the header row
	sampleRows     = 200 // data rows sampled for content mapping
)

// row is one row of cells and where it came from.
type row struct {
	cells  []string
	origin vigil.Origin
}

// keep returns the row with its own cells slice, for rows held beyond the
// next call to rowSource.next.
func (r row) keep() row {
	r.cells = slices.Clone(r.cells)
	return r
}

// rowSource yields the rows of a tabular file in order; io.EOF ends it. The
// cells slice a row holds may be reused by the next call, and its strings
// may share one allocation per row: keep rows with row.keep and copy the
// values kept for good (tableRecord does).
type rowSource interface {
	next() (row, error)
}

// readTable finds the header row (unless headers is given), maps the
// columns and turns every following non-empty row into a record.
func (p *parser) readTable(src rowSource, headers []string) error {
	src = &limitedRows{p: p, src: src}
	var look []row
	limit := headerScanRows
	if headers != nil {
		limit = sampleRows
	}
	eof := false
	for len(look) < limit {
		r, err := src.next()
		if errors.Is(err, io.EOF) {
			eof = true
			break
		} else if err != nil {
			return err
		}
		if !emptyRow(r.cells) {
			look = append(look, r.keep())
		}
	}
	if len(look) == 0 {
		return p.fail("", "no rows: the file is empty")
	}
	var data []row
	if headers != nil {
		data = look
	} else {
		headers, data = p.pickHeader(look)
	}
	for !eof && len(data) < sampleRows {
		r, err := src.next()
		if errors.Is(err, io.EOF) {
			eof = true
			break
		} else if err != nil {
			return err
		}
		if !emptyRow(r.cells) {
			data = append(data, r.keep())
		}
	}
	sample := make([][]string, len(data))
	for i, r := range data {
		sample[i] = r.cells
	}
	p.res.Mapping = p.m.mapColumns(headers, sample)
	for _, cm := range p.res.Mapping {
		if cm.How == Unmapped && cm.Header != "" {
			p.res.Unmapped = append(p.res.Unmapped, cm.Header)
		}
	}
	if err := p.checkMapping(); err != nil {
		return err
	}
	p.active = activeColumns(p.res.Mapping)
	if len(data) == 0 {
		return p.fail(where(p.res.Header), "a header row but no data rows")
	}
	for _, r := range data {
		if err := p.tableRecord(r, len(headers)); err != nil {
			return err
		}
	}
	if eof {
		return nil
	}
	return p.readRest(src, len(headers))
}

// limitedRows holds the rows of a source to the parser's limits: how many
// rows, how many cells in one, how long a cell and a row. The sources check
// what they would otherwise hold too much of before they hold it (a CSV
// line, a sheet row's XML); this catches the rest, in every format alike.
type limitedRows struct {
	p   *parser
	src rowSource
	n   int // rows read, empty ones too
}

func (l *limitedRows) next() (row, error) {
	r, err := l.src.next()
	if err != nil {
		return r, err
	}
	p, lim := l.p, &l.p.lim
	if l.n++; l.n > lim.Rows {
		return row{}, p.limitError(where(r.origin), LimitRows, int64(lim.Rows), "more than %s rows")
	}
	if len(r.cells) > lim.Columns {
		return row{}, p.limitError(where(r.origin), LimitColumns, int64(lim.Columns), "a row of more than %s columns")
	}
	size := 0
	for i, c := range r.cells {
		if len(c) > lim.FieldBytes {
			return row{}, p.limitError(fmt.Sprintf("%s, column %d", where(r.origin), i+1), LimitFieldBytes, int64(lim.FieldBytes), "a value of more than %s")
		}
		size += len(c)
	}
	if size > lim.RecordBytes {
		return row{}, p.limitError(where(r.origin), LimitRecordBytes, int64(lim.RecordBytes), "a row of more than %s")
	}
	return r, nil
}

// rowBatch is rows read ahead by readRest's reader, and the error that
// ended the reading, if any.
type rowBatch struct {
	rows []row
	err  error
}

// readPanic carries a panic of the row reader to readRest, which panics
// with it in its own goroutine.
type readPanic struct{ v any }

func (readPanic) Error() string { return "row reader panicked" }

// rowBatchSize is how many rows one rowBatch carries, and rowBatchBytes
// how many bytes of cells, past which a batch goes with fewer rows: the rows
// read ahead hold their text, and rows may be long.
const (
	rowBatchSize  = 512
	rowBatchBytes = 4 << 20
)

// readRest turns the rows after the sample into records. A goroutine reads
// and splits the rows (the CSV parser, the sheet reader) while this one
// builds the records, so that an import uses two cores; the records, the
// errors and the warnings come out in file order all the same.
func (p *parser) readRest(src rowSource, width int) error {
	batches := make(chan rowBatch, 2)
	stop := make(chan struct{})
	go readAhead(p.ctx, src, batches, stop)
	defer func() {
		close(stop)
		for range batches { // wait for the reader to let go of src
		}
	}()
	for b := range batches {
		for _, r := range b.rows {
			if err := p.tableRecord(r, width); err != nil {
				return err
			}
		}
		if pe, ok := b.err.(readPanic); ok {
			panic(pe.v) // where it would have been: readXLSX recovers excelize's
		}
		if b.err != nil {
			if errors.Is(b.err, io.EOF) {
				return nil
			}
			return b.err
		}
	}
	return nil
}

// readAhead reads the non-empty rows of src into batches until src ends,
// fails, ctx is done or stop is closed. Each row has cells of its own, as
// src may reuse its cells slice.
func readAhead(ctx context.Context, src rowSource, batches chan<- rowBatch, stop <-chan struct{}) {
	defer close(batches)
	defer func() {
		if v := recover(); v != nil {
			select {
			case batches <- rowBatch{err: readPanic{v}}:
			case <-stop:
			}
		}
	}()
	var b rowBatch
	var cells []string
	size := 0 // the bytes of the cells in b
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				b.err = err
			}
		}
		if b.err == nil {
			var r row
			if r, b.err = src.next(); b.err == nil && !emptyRow(r.cells) {
				if cap(cells)-len(cells) < len(r.cells) {
					cells = make([]string, 0, max(rowBatchSize*len(r.cells), len(r.cells)))
				}
				start := len(cells)
				cells = append(cells, r.cells...)
				r.cells = cells[start:len(cells):len(cells)]
				b.rows = append(b.rows, r)
				for _, c := range r.cells {
					size += len(c)
				}
			}
		}
		if len(b.rows) == rowBatchSize || size >= rowBatchBytes || b.err != nil {
			select {
			case batches <- b:
			case <-stop:
				return
			}
			if b.err != nil {
				return
			}
			b, size = rowBatch{rows: make([]row, 0, rowBatchSize)}, 0
		}
	}
}

// pickHeader chooses the header row among the first rows: the first with
// two or more known headers, else the first with one, else the first row.
// Title rows above the header are dropped. A first row that already holds
// MACs or IPs means the file has no header at all.
func (p *parser) pickHeader(look []row) (headers []string, data []row) {
	best, one := -1, -1
	for i, r := range look {
		switch s := p.m.headerScore(r.cells); {
		case s >= 2:
			best = i
		case s == 1 && one < 0:
			one = i
		}
		if best >= 0 {
			break
		}
	}
	if best < 0 {
		best = one
	}
	if best < 0 && looksLikeData(look[0].cells) {
		width := 0
		for _, r := range look {
			width = max(width, len(r.cells))
		}
		return make([]string, width), look
	}
	best = max(best, 0)
	p.res.Header = look[best].origin
	headers = make([]string, len(look[best].cells))
	for i, h := range look[best].cells {
		headers[i] = strings.Clone(cleanCell(h))
	}
	return headers, look[best+1:]
}

// looksLikeData reports whether a row holds a MAC or IP address, which a
// header row never does.
func looksLikeData(cells []string) bool {
	isMAC, isIP := looksLike(vigil.FieldMAC), looksLike(vigil.FieldIP)
	for _, c := range cells {
		if isMAC(c) || isIP(c) {
			return true
		}
	}
	return false
}

// checkMapping refuses a mapping that feeds no identifier: every row would
// be bad, and the operator needs a map file instead.
func (p *parser) checkMapping() error {
	for _, m := range p.res.Mapping {
		if isIdentifierField(m.Field) {
			return nil
		}
	}
	var cols []string
	for _, m := range p.res.Mapping {
		if m.Header != "" {
			cols = append(cols, clip(m.Header))
		}
		if len(cols) == 12 {
			cols = append(cols, "...")
			break
		}
	}
	mapped := strings.Join(mappedFields(p.res.Mapping), ", ")
	if mapped == "" {
		mapped = "none"
	}
	return p.fail(where(p.res.Header), "no column maps to a device identifier (asset tag, serial, MAC, IP or hostname); "+
		"fields mapped: %s; headers: %s; write a map file to say which column is which", mapped, strings.Join(cols, ", "))
}

// tableRecord turns one data row into a record or a bad-row error. The
// row's cells may share memory with the row (see rowSource), so every value
// kept in the record is a copy or an interned string: a record never pins a
// row's text.
func (p *parser) tableRecord(r row, width int) error {
	kv := p.kv[:0]
	defer func() { p.kv = kv[:0] }()
	observed, dated := p.opt.Now, false
	for i, cm := range p.active {
		if cm.Column >= len(r.cells) || r.cells[cm.Column] == "" {
			continue
		}
		if kv.has(cm.Field) && !mayFail(cm.Field) {
			continue // a better column gave the field, and this one cannot warn
		}
		if reason := badText(r.cells[cm.Column]); reason != "" {
			return p.badRow(r.origin, fmt.Sprintf("column %s: %s", colName(cm), reason))
		}
		raw := p.m.replace(cm.Field, r.cells[cm.Column])
		if cm.Field == FieldObservedAt {
			if dated || isPlaceholder(cleanCell(raw)) {
				continue
			}
			t, err := p.parseDate(raw)
			if err != nil {
				p.warn(r.origin, fmt.Sprintf("column %s: %v; the import time is used", colName(cm), err))
				continue
			}
			observed, dated = t, true
			continue
		}
		v, err := p.normalize(i, cm.Field, raw)
		if err != nil {
			reason := fmt.Sprintf("column %s: %v", colName(cm), err)
			if cm.Field == vigil.FieldMAC || cm.Field == vigil.FieldIP {
				return p.badRow(r.origin, reason)
			}
			p.warn(r.origin, reason+"; value dropped")
			continue
		}
		if v != "" && !kv.has(cm.Field) {
			kv = append(kv, fieldValue{cm.Field, v})
		}
	}
	if width > 0 && len(r.cells) > width && !emptyRow(r.cells[width:]) {
		p.warn(r.origin, fmt.Sprintf("row has %d cells but the header has %d; the extra cells are ignored", len(r.cells), width))
	}
	if !kv.hasIdentifier() {
		return p.badRow(r.origin, "no identifier: asset tag, serial, MAC, IP and hostname are all empty")
	}
	if err := p.chargeHeld(where(r.origin), kv); err != nil {
		return err
	}
	p.recs.add(p.newRecord(r.origin, observed, kv))
	return nil
}

// badText says what is wrong with a value no database may store, or ""
// for a good one: a NUL byte (PostgreSQL's text refuses it) or bytes that
// are not UTF-8. A file's text is decoded whole (decodeText), but a cell of
// a workbook or a JSON string can still hold either.
func badText(v string) string {
	switch {
	case strings.IndexByte(v, 0) >= 0:
		return "a NUL byte in the value"
	case !utf8.ValidString(v):
		return "the value is not valid UTF-8"
	}
	return ""
}

// mayFail reports whether NormalizeValue can refuse a value of field, so
// that a column feeding it warns or makes the row bad even when another
// column already gave the field.
func mayFail(field string) bool {
	switch field {
	case vigil.FieldMAC, vigil.FieldIP, vigil.FieldHostname, vigil.FieldStoresEPHI, vigil.FieldSendsEPHI,
		vigil.FieldCriticality, vigil.FieldLifecycle, FieldObservedAt,
		vigil.FieldVLAN, vigil.FieldFDAClass, vigil.FieldLastPM, vigil.FieldNextPM, vigil.FieldEndOfLife,
		vigil.FieldUDI, vigil.FieldEUI64:
		return true
	}
	return false
}

// fieldValue is one non-empty field of a record being built.
type fieldValue struct{ field, value string }

// fieldValues collects a record's fields before its map is made, so that
// the map is sized to what the row holds, not to the columns mapped.
type fieldValues []fieldValue

func (kv fieldValues) has(field string) bool {
	for _, f := range kv {
		if f.field == field {
			return true
		}
	}
	return false
}

// hasIdentifier is hasIdentifier for collected fields, all non-empty.
func (kv fieldValues) hasIdentifier() bool {
	for _, f := range kv {
		if isIdentifierField(f.field) {
			return true
		}
	}
	return false
}

// recordChunk is how many records newRecord allocates at once.
const recordChunk = 256

// fieldChunk is how many field values newRecord allocates at once.
const fieldChunk = 4096

// newRecord returns a record holding fields. Records and their fields are
// carved from chunks: one allocation per recordChunk records and one per
// fieldChunk values, instead of one or two per record.
func (p *parser) newRecord(o vigil.Origin, at time.Time, kv fieldValues) *vigil.Record {
	if len(p.slab) == 0 {
		p.slab = make([]vigil.Record, recordChunk)
	}
	rec := &p.slab[0]
	p.slab = p.slab[1:]
	rec.Origin, rec.ObservedAt = o, at
	if len(p.fieldSlab) < len(kv) {
		p.fieldSlab = make([]vigil.FieldValue, max(fieldChunk, len(kv)))
	}
	fs := p.fieldSlab[:len(kv):len(kv)]
	p.fieldSlab = p.fieldSlab[len(kv):]
	for i, f := range kv {
		fs[i] = vigil.FieldValue{Name: f.field, Value: f.value}
	}
	rec.Fields = vigil.FieldsOf(fs)
	return rec
}

// maxColumnsPerField bounds how many columns may feed one field, so that the
// work per row stays bounded whatever the header holds.
const maxColumnsPerField = 4

// activeColumns lists the mapped columns that feed a field, at most
// maxColumnsPerField per field, best first: a map file's columns, then
// synonyms in the order headers.txt lists them, then content matches, each
// in column order.
func activeColumns(ms []ColumnMapping) []ColumnMapping {
	ms = append([]ColumnMapping(nil), ms...)
	sort.SliceStable(ms, func(i, j int) bool { return columnPreference(ms[i]) < columnPreference(ms[j]) })
	per := map[string]int{}
	var out []ColumnMapping
	for _, m := range ms {
		if m.Field == "" || m.Field == FieldIgnore || per[m.Field] >= maxColumnsPerField {
			continue
		}
		per[m.Field]++
		out = append(out, m)
	}
	return out
}

// columnPreference ranks a mapped column against others feeding its field.
func columnPreference(m ColumnMapping) int {
	switch m.How {
	case ByMapFile:
		return 0
	case BySynonym:
		if v, err := loadVocab(); err == nil {
			if r, ok := v.rank[foldKey(m.Header)]; ok {
				return 1 + r
			}
		}
		return 1 << 20
	case ByTokens:
		// after every synonym; a higher-scoring header first
		best := 0.0
		for _, c := range scoreHeader(m.Header) {
			if c.field == m.Field {
				best = c.score
			}
		}
		return 1<<20 + 1000 - int(best*10)
	}
	return 1 << 21
}

// colName names a column for messages: its header, or its position.
func colName(cm ColumnMapping) string {
	if cm.Header != "" {
		return clip(cm.Header)
	}
	return fmt.Sprintf("%d", cm.Column+1)
}

// emptyRow reports whether every cell is blank.
func emptyRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// where names a place in the file without the file name, for p.fail.
func where(o vigil.Origin) string {
	switch {
	case o.Sheet != "":
		return fmt.Sprintf("sheet %q, row %d", o.Sheet, o.Row)
	case o.Line > 0:
		return fmt.Sprintf("line %d", o.Line)
	}
	return ""
}

// cacheLimit bounds the per-column cache of normalised values.
const cacheLimit = 4096

// internLimit bounds the strings one parse interns; past it values are
// copied, not shared. Nor are values longer than cacheValueLimit interned
// or cached: they seldom repeat, and the caches' memory stays bounded.
const (
	internLimit     = 1 << 16
	cacheValueLimit = 256
)

// cached is one remembered NormalizeValue answer.
type cached struct {
	v   string
	err error
}

// intern returns a string equal to s that does not share memory with the
// file's text, the same string for every equal value of one parse: a
// hundred thousand rows saying "GE Healthcare" hold one copy of it.
func (p *parser) intern(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := p.strs[s]; ok {
		return v
	}
	s = strings.Clone(s)
	if p.strs == nil {
		p.strs = map[string]string{}
	}
	if len(p.strs) < internLimit && len(s) <= cacheValueLimit {
		p.strs[s] = s
	}
	return s
}

// internBytes is intern for a value still in the file's bytes.
func (p *parser) internBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if v, ok := p.strs[string(b)]; ok {
		return v
	}
	return p.intern(string(b))
}

// normalize is NormalizeValue with a per-column cache for the fields whose
// values repeat (manufacturer, department, status...): a 100,000-row export
// has a few dozen distinct manufacturers. col is the column's index in
// p.active. Identifier columns are not cached; their values are copied, so
// that they do not pin the row they came from.
func (p *parser) normalize(col int, field, raw string) (string, error) {
	switch field {
	case vigil.FieldAssetTag, vigil.FieldSerial, vigil.FieldHostname:
		v, err := NormalizeValue(field, raw)
		return strings.Clone(v), err
	case vigil.FieldMAC, vigil.FieldIP:
		return NormalizeValue(field, raw) // always a new string
	}
	if len(p.cache) < len(p.active) {
		p.cache = make([]columnCache, len(p.active))
	}
	c := &p.cache[col]
	if c.off || len(raw) > cacheValueLimit {
		v, err := NormalizeValue(field, raw)
		return strings.Clone(v), err
	}
	if c.m == nil {
		c.m = map[string]cached{}
	}
	if hit, ok := c.m[raw]; ok {
		c.hits++
		return hit.v, hit.err
	}
	v, err := NormalizeValue(field, raw)
	if len(c.m) < cacheLimit {
		v = p.intern(v)
		key := v
		if raw != v {
			key = strings.Clone(raw)
		}
		c.m[key] = cached{v, err}
		return v, err
	}
	// The cache is full. A column whose values keep missing it (notes,
	// free text) is not looked up any more, nor are its values interned.
	if c.misses++; c.misses >= cacheLimit && c.hits < c.misses {
		c.off, c.m = true, nil
	}
	return strings.Clone(v), err
}

// columnCache is one column's normalised values, and how well they repeat.
type columnCache struct {
	m            map[string]cached // raw -> normalised
	hits, misses int               // misses counts from when m filled up
	off          bool              // the column's values do not repeat
}

// datedValue is one remembered ParseDate answer.
type datedValue struct {
	t   time.Time
	err error
}

// parseDate is ParseDate with a cache: the dates of one export repeat.
// The common shapes are read faster than they are looked up.
func (p *parser) parseDate(raw string) (time.Time, error) {
	if t, ok := fastDate(cleanCell(raw)); ok {
		return t, nil
	}
	if hit, ok := p.dates[raw]; ok {
		return hit.t, hit.err
	}
	t, err := ParseDate(raw)
	if p.dates == nil {
		p.dates = map[string]datedValue{}
	}
	if len(p.dates) < cacheLimit {
		p.dates[strings.Clone(raw)] = datedValue{t, err}
	}
	return t, err
}

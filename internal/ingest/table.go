package ingest

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

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

// rowSource yields the rows of a tabular file in order; io.EOF ends it.
type rowSource interface {
	next() (row, error)
}

// readTable finds the header row (unless headers is given), maps the
// columns and turns every following non-empty row into a record.
func (p *parser) readTable(src rowSource, headers []string) error {
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
			look = append(look, r)
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
			data = append(data, r)
		}
	}
	sample := make([][]string, len(data))
	for i, r := range data {
		sample[i] = r.cells
	}
	p.res.Mapping = p.m.mapColumns(headers, sample)
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
	for n := 0; !eof; n++ {
		if n%4096 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		r, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return err
		}
		if emptyRow(r.cells) {
			continue
		}
		if err := p.tableRecord(r, len(headers)); err != nil {
			return err
		}
	}
	return nil
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
		headers[i] = cleanCell(h)
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
			cols = append(cols, fmt.Sprintf("%q", m.Header))
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

// tableRecord turns one data row into a record or a bad-row error.
func (p *parser) tableRecord(r row, width int) error {
	rec := &vigil.Record{Origin: r.origin, ObservedAt: p.opt.Now, Fields: make(map[string]string, len(p.active))}
	dated := false
	for _, cm := range p.active {
		if cm.Column >= len(r.cells) || r.cells[cm.Column] == "" {
			continue
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
			rec.ObservedAt, dated = t, true
			continue
		}
		v, err := p.normalize(cm.Column, cm.Field, raw)
		if err != nil {
			reason := fmt.Sprintf("column %s: %v", colName(cm), err)
			if cm.Field == vigil.FieldMAC || cm.Field == vigil.FieldIP {
				return p.badRow(r.origin, reason)
			}
			p.warn(r.origin, reason+"; value dropped")
			continue
		}
		if v != "" && rec.Fields[cm.Field] == "" {
			rec.Fields[cm.Field] = v
		}
	}
	if width > 0 && len(r.cells) > width && !emptyRow(r.cells[width:]) {
		p.warn(r.origin, fmt.Sprintf("row has %d cells but the header has %d; the extra cells are ignored", len(r.cells), width))
	}
	if !hasIdentifier(rec.Fields) {
		return p.badRow(r.origin, "no identifier: asset tag, serial, MAC, IP and hostname are all empty")
	}
	p.res.Records = append(p.res.Records, rec)
	return nil
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
	}
	return 1 << 21
}

// colName names a column for messages: its header, or its position.
func colName(cm ColumnMapping) string {
	if cm.Header != "" {
		return fmt.Sprintf("%q", cm.Header)
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

// cached is one remembered NormalizeValue answer.
type cached struct {
	v   string
	err error
}

// normalize is NormalizeValue with a per-column cache for the fields whose
// values repeat (manufacturer, department, status...): a 100,000-row export
// has a few dozen distinct manufacturers. Identifier columns are not cached.
func (p *parser) normalize(col int, field, raw string) (string, error) {
	switch field {
	case vigil.FieldAssetTag, vigil.FieldSerial, vigil.FieldMAC, vigil.FieldIP, vigil.FieldHostname:
		return NormalizeValue(field, raw)
	}
	if p.cache == nil {
		p.cache = map[int]map[string]cached{}
	}
	c := p.cache[col]
	if c == nil {
		c = map[string]cached{}
		p.cache[col] = c
	}
	if hit, ok := c[raw]; ok {
		return hit.v, hit.err
	}
	v, err := NormalizeValue(field, raw)
	if len(c) < cacheLimit {
		c[raw] = cached{v, err}
	}
	return v, err
}

// datedValue is one remembered ParseDate answer.
type datedValue struct {
	t   time.Time
	err error
}

// parseDate is ParseDate with a cache: the dates of one export repeat.
func (p *parser) parseDate(raw string) (time.Time, error) {
	if hit, ok := p.dates[raw]; ok {
		return hit.t, hit.err
	}
	t, err := ParseDate(raw)
	if p.dates == nil {
		p.dates = map[string]datedValue{}
	}
	if len(p.dates) < cacheLimit {
		p.dates[raw] = datedValue{t, err}
	}
	return t, err
}

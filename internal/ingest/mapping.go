package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/udi"
)

// How a column came to be mapped, as ColumnMapping.How reports it.
const (
	BySynonym = "synonym"  // the header is a known synonym of the field
	ByContent = "content"  // the header is unknown but most values are MACs, IPs or versions
	ByMapFile = "map-file" // the map file names the header
	Unmapped  = "unmapped" // nothing matched: the column is not imported
)

// ColumnMapping says which canonical field one column feeds and why.
type ColumnMapping struct {
	Column int    `json:"column"` // 0-based position in the header row
	Header string `json:"header"` // as written in the file, "" for a headerless column
	Field  string `json:"field"`  // canonical field, FieldObservedAt, FieldIgnore, or "" when unmapped
	How    string `json:"how"`    // BySynonym, ByContent, ByMapFile or Unmapped
}

// MapFile is an operator's column mapping, read from YAML:
//
//	columns:
//	  "Equip #": asset_tag
//	  "Notes": ignore
//	values:
//	  criticality:
//	    "High": life-sustaining
//
// Columns wins over the automatic mapping; headers are matched exactly first,
// then case- and punctuation-insensitively. Values replaces raw cell values of
// a field (matched the same insensitive way) before normalisation.
type MapFile struct {
	Columns map[string]string            `yaml:"columns"`
	Values  map[string]map[string]string `yaml:"values"`
}

// LoadMapFile reads and checks a YAML map file.
func LoadMapFile(path string) (*MapFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read map file %s: %v", path, pathReason(err)), err)
	}
	return ParseMapFile(path, data)
}

// ParseMapFile parses and checks a map file's content; name is used in errors.
func ParseMapFile(name string, data []byte) (*MapFile, error) {
	var mf MapFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&mf); err != nil && !errors.Is(err, io.EOF) {
		return nil, vigil.Errorf(vigil.EINVALID, "map file %s: %v", name, err)
	}
	for header, field := range mf.Columns {
		if !isTargetField(field) {
			return nil, vigil.Errorf(vigil.EINVALID, "map file %s: column %q: unknown field %q (want one of %s, %s or %s)",
				name, header, field, strings.Join(vigil.Fields, ", "), FieldObservedAt, FieldIgnore)
		}
	}
	for field := range mf.Values {
		if !isTargetField(field) || field == FieldIgnore {
			return nil, vigil.Errorf(vigil.EINVALID, "map file %s: values: unknown field %q", name, field)
		}
	}
	return &mf, nil
}

// mapper holds a map file compiled for lookups.
type mapper struct {
	exact  map[string]string            // header as written -> field
	folded map[string]string            // folded header -> field
	values map[string]map[string]string // field -> folded raw -> replacement
}

// newMapper compiles mf, which may be nil.
func newMapper(mf *MapFile) *mapper {
	m := &mapper{exact: map[string]string{}, folded: map[string]string{}, values: map[string]map[string]string{}}
	if mf == nil {
		return m
	}
	for h, f := range mf.Columns {
		m.exact[strings.TrimSpace(h)] = f
		m.folded[foldKey(h)] = f
	}
	for f, vals := range mf.Values {
		t := map[string]string{}
		for raw, repl := range vals {
			t[foldKey(raw)] = repl
		}
		m.values[f] = t
	}
	return m
}

// known returns the field a header maps to by map file or synonym.
func (m *mapper) known(header string) (field, how string) {
	h := strings.TrimSpace(header)
	if f, ok := m.exact[h]; ok {
		return f, ByMapFile
	}
	k := foldKey(h)
	if f, ok := m.folded[k]; ok {
		return f, ByMapFile
	}
	if v, err := loadVocab(); err == nil && k != "" {
		if f, ok := v.headers[k]; ok {
			return f, BySynonym
		}
	}
	if f := TokenField(h); f != "" {
		return f, ByTokens
	}
	return "", Unmapped
}

// replace applies the map file's value overrides for field.
func (m *mapper) replace(field, raw string) string {
	if t := m.values[field]; t != nil {
		if r, ok := t[foldKey(raw)]; ok {
			return r
		}
	}
	return raw
}

// headerScore counts the cells of a row that are known headers.
func (m *mapper) headerScore(cells []string) int {
	n := 0
	for _, c := range cells {
		if f, _ := m.known(c); f != "" {
			n++
		}
	}
	return n
}

// maxContentColumns is how many leading columns content mapping examines.
const maxContentColumns = 256

// mapColumns maps each header to a field: map file, then synonyms, then the
// header's words (content deciding between close candidates), then content
// for the columns still unknown (sample holds data rows). It runs once per
// file, never per row.
func (m *mapper) mapColumns(headers []string, sample [][]string) []ColumnMapping {
	out := make([]ColumnMapping, len(headers))
	taken := map[string]bool{}
	for i, h := range headers {
		f, how := m.known(h)
		if how == ByTokens {
			f = chooseByContent(scoreHeader(h), sample, i)
		}
		out[i] = ColumnMapping{Column: i, Header: h, Field: f, How: how}
		taken[f] = true
	}
	for i := range out {
		// Content tests read every sampled cell; past a few hundred columns
		// a file is not a device list, so the work is bounded.
		if out[i].How != Unmapped || i >= maxContentColumns {
			continue
		}
		for _, field := range []string{vigil.FieldMAC, vigil.FieldIP, vigil.FieldUDI, vigil.FieldFirmware} {
			if field == vigil.FieldFirmware && saysSomething(headers[i]) {
				continue // versions by content only under a header that names nothing
			}
			if !taken[field] && mostly(sample, i, looksLike(field)) {
				out[i].Field, out[i].How = field, ByContent
				taken[field] = true
				break
			}
		}
	}
	return out
}

// looksLike returns a strict content test for field: MACs must have
// separators so that a 12-digit serial is not taken for one, versions
// dotted numbers ("4.2.1", "v10.3"), not bare ones.
func looksLike(field string) func(string) bool {
	if field == vigil.FieldFirmware {
		// two dots, or a dot and a letter: "4.2.1", "v10.3", "B.02.17", never
		// a decimal such as a price or a weight ("1250.00", "3.5")
		return func(s string) bool {
			s = strings.TrimSpace(s)
			dots := strings.Count(s, ".")
			return looksLikeVersion(s) && (dots >= 2 || dots == 1 && strings.ContainsFunc(s, unicode.IsLetter)) &&
				!looksLike(vigil.FieldIP)(s)
		}
	}
	if field == vigil.FieldUDI {
		// a full carrier only: a bare GTIN column could be any number
		return func(s string) bool {
			s = strings.TrimSpace(s)
			if s == "" || strings.IndexByte("(+=]", s[0]) < 0 {
				return false
			}
			_, err := udi.Parse(s)
			return err == nil
		}
	}
	if field == vigil.FieldMAC {
		return func(s string) bool {
			s = strings.TrimSpace(s)
			if !strings.ContainsAny(s, ":-.") {
				return false
			}
			_, err := vigil.NormalizeMAC(s)
			return err == nil
		}
	}
	return func(s string) bool {
		s = strings.TrimSpace(s)
		if !strings.ContainsAny(s, ".:") {
			return false
		}
		_, err := normalizeIP(s)
		return err == nil
	}
}

// mostly reports whether at least 80% of the non-empty values in column col
// of rows pass ok, with at least one value.
func mostly(rows [][]string, col int, ok func(string) bool) bool {
	seen, hits := 0, 0
	for _, r := range rows {
		if col >= len(r) || isPlaceholder(strings.TrimSpace(r[col])) {
			continue
		}
		seen++
		if ok(r[col]) {
			hits++
		}
	}
	return seen > 0 && hits*5 >= seen*4
}

// mappedFields lists the distinct fields a mapping feeds, sorted, for messages.
func mappedFields(ms []ColumnMapping) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		if m.Field != "" && m.Field != FieldIgnore && !seen[m.Field] {
			seen[m.Field] = true
			out = append(out, m.Field)
		}
	}
	sort.Strings(out)
	return out
}

// WriteMapFile writes a map file naming every column of the files read, as
// each was mapped, for the operator to correct and pass back as
// Options.MapFile: a mapped column names its field, an unmapped one
// "ignore" with a note to name a field instead. A header seen in an earlier
// file is written once; headerless columns cannot be named and are left out.
func WriteMapFile(w io.Writer, results ...*Result) error {
	var b bytes.Buffer
	b.WriteString("# A Vigil column map, written by 'vigil import --dry-run --write-map'.\n")
	b.WriteString("# Change the field of any column and pass this file back with --map.\n")
	fmt.Fprintf(&b, "# Fields: %s;\n#   %s dates the record, %s drops the column.\n",
		strings.Join(vigil.Fields, ", "), FieldObservedAt, FieldIgnore)
	b.WriteString("columns:\n")
	seen := map[string]bool{}
	for _, res := range results {
		for _, cm := range res.Mapping {
			h := strings.TrimSpace(cm.Header)
			if h == "" || seen[h] {
				continue
			}
			seen[h] = true
			field, note := cm.Field, cm.How
			if field == "" {
				field, note = FieldIgnore, "unmapped: name a field to import this column"
			}
			key, origin := yamlQuote(h), strings.Trim(yamlQuote(res.File), `"`)
			if len(key) > 1000 {
				// YAML allows implicit keys of 1024 characters at most
				fmt.Fprintf(&b, "  ? %s\n  : %s # %s, %s\n", key, field, origin, note)
				continue
			}
			fmt.Fprintf(&b, "  %s: %s # %s, %s\n", key, field, origin, note)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// yamlQuote writes s as a YAML double-quoted scalar.
func yamlQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\x%02x", r)
		case !unicode.IsPrint(r) && r <= 0xffff:
			fmt.Fprintf(&b, "\\u%04x", r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, "\\U%08x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

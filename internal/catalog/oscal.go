package catalog

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// Share is the part of --max-file-bytes and --max-rows a catalog takes:
// decoded whole, a catalog takes about ten times its size in memory (70 MB
// of 120,000 controls peaked at 700 MiB), so one of 512 MiB would not fit a
// process held to 1 GiB. A sixteenth is 32 MiB and 62,500 controls by
// default: three times NIST SP 800-53 Rev. 5, the largest catalog in use
// (about 10 MB, 1,200 controls).
const Share = 16

// oscalDocument is the part of an OSCAL 1.x catalog (JSON) Vigil reads.
type oscalDocument struct {
	Catalog *oscalCatalog `json:"catalog"`
}

type oscalCatalog struct {
	UUID     string         `json:"uuid"`
	Metadata oscalMetadata  `json:"metadata"`
	Groups   []oscalGroup   `json:"groups"`
	Controls []oscalControl `json:"controls"`
}

type oscalMetadata struct {
	Title        string `json:"title"`
	Version      string `json:"version"`
	OSCALVersion string `json:"oscal-version"`
	Published    string `json:"published"`
	LastModified string `json:"last-modified"`
}

type oscalGroup struct {
	ID       string         `json:"id"`
	Class    string         `json:"class"`
	Title    string         `json:"title"`
	Props    []oscalProp    `json:"props"`
	Parts    []oscalPart    `json:"parts"`
	Groups   []oscalGroup   `json:"groups"`
	Controls []oscalControl `json:"controls"`
}

type oscalControl struct {
	ID       string         `json:"id"`
	Class    string         `json:"class"`
	Title    string         `json:"title"`
	Params   []oscalParam   `json:"params"`
	Props    []oscalProp    `json:"props"`
	Links    []oscalLink    `json:"links"`
	Parts    []oscalPart    `json:"parts"`
	Controls []oscalControl `json:"controls"`
}

type oscalParam struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

type oscalProp struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type oscalLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
}

type oscalPart struct {
	Name  string      `json:"name"`
	Props []oscalProp `json:"props"`
	Prose string      `json:"prose"`
	Parts []oscalPart `json:"parts"`
}

// ParseOSCAL reads an OSCAL 1.x catalog in JSON, such as NIST SP 800-53 or a
// hospital's own policy catalog, into a framework. name is the file's name:
// errors cite it, and the framework's id is its base name without extension,
// lower-cased, with anything but letters, digits, '.', '-' and '_' replaced by
// '-' (set another before adding it to a catalog if needed).
//
// Groups become controls of kind "group" (or the group's class), nested
// groups and nested controls keep their parents, a control's class becomes
// its kind, and a control whose "status" property is "withdrawn" is marked
// withdrawn. A control's text is its statement (with nested items and
// parameter labels); where its title is only its id, the statement's first
// line becomes its title, as in NIST's CSF 2.0 catalog.
//
// Errors are vigil.EINVALID and name the file and either the byte offset of a
// JSON syntax or type error, or the JSON path of the element at fault, such
// as "catalog.groups[2].controls[0]: id required".
//
// The file is held to l (zero fields: the defaults) as it is read, before
// it is decoded: its size to a Share of l.FileBytes, JSON nesting to
// l.Depth, a string or number to l.FieldBytes (bound.JSON); its controls
// and groups number at most a Share of l.Rows. A limit met is bound.Over's
// error, naming the flag that raises it. NIST SP 800-53 Rev. 5, the
// largest catalog in use, is about 10 MB, nested 12 deep, its longest
// prose a few KiB.
func ParseOSCAL(name string, r io.Reader, l bound.Limits) (*vigil.Framework, error) {
	l = l.OrDefault()
	l.FileBytes, l.Rows = max(l.FileBytes/Share, 1), max(l.Rows/Share, 1)
	br := bufio.NewReader(bound.File(r, name, l))
	if isXML(br) {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: an XML document: Vigil reads OSCAL catalogs in JSON (NIST publishes each catalog in JSON too; oscal-cli converts one)", name)
	}
	b, err := io.ReadAll(bound.JSON(br, name, l))
	if _, ok := bound.AsLimitError(err); ok {
		return nil, err
	} else if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("%s: cannot read", name), err)
	}
	var doc oscalDocument
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, jsonError(name, b, err)
	}
	if doc.Catalog == nil {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: not an OSCAL catalog: no top-level \"catalog\" object", name)
	}
	cat := doc.Catalog
	fw := &vigil.Framework{
		ID:      frameworkID(name),
		Title:   strings.TrimSpace(cat.Metadata.Title),
		Version: cat.Metadata.Version,
		Source:  oscalSource(name, cat),
	}
	if fw.Title == "" {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: catalog.metadata.title required", name)
	}
	b2 := &oscalBuilder{name: name, fw: fw, seen: map[string]string{}, rows: l.Rows}
	for i := range cat.Groups {
		if err := b2.group(&cat.Groups[i], "", fmt.Sprintf("catalog.groups[%d]", i)); err != nil {
			return nil, err
		}
	}
	for i := range cat.Controls {
		if err := b2.control(&cat.Controls[i], "", fmt.Sprintf("catalog.controls[%d]", i)); err != nil {
			return nil, err
		}
	}
	if err := fw.Validate(); err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, name+": "+vigil.ErrorMessage(err), err)
	}
	return fw, nil
}

// isXML reports whether the document's first byte past white space (and
// a UTF-8 byte order mark) opens XML markup.
func isXML(br *bufio.Reader) bool {
	for i := 1; i <= 64; i++ {
		head, err := br.Peek(i)
		if len(head) < i {
			return false
		}
		switch c := head[i-1]; {
		case c == '<':
			return true
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || i <= 3 && c == "\xef\xbb\xbf"[i-1]:
		default:
			return false
		}
		if err != nil {
			return false
		}
	}
	return false
}

// jsonError turns a decoding error into one naming the file, the byte
// offset and, where known, the line and the field.
func jsonError(name string, b []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("%s: invalid JSON at byte %d (line %d): %s", name, syn.Offset, lineAt(b, syn.Offset), syn.Error()), err)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "the document"
		}
		return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("%s: at byte %d (line %d): %s holds a JSON %s, want %s", name, typ.Offset, lineAt(b, typ.Offset), field, typ.Value, jsonKind(typ.Type)), err)
	}
	return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("%s: invalid JSON: %v", name, err), err)
}

// jsonKind names the JSON value a Go type decodes from.
func jsonKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	}
	return "a number"
}

// lineAt returns the 1-based line of a byte offset.
func lineAt(b []byte, off int64) int {
	off = max(0, min(off, int64(len(b))))
	return bytes.Count(b[:off], []byte{'\n'}) + 1
}

// frameworkID derives a framework id from a file name.
func frameworkID(name string) string {
	base := filepath.Base(name)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	id := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		}
		return '-'
	}, base)
	if id == "" || id == "." || id == "-" {
		return "oscal"
	}
	return id
}

func oscalSource(name string, cat *oscalCatalog) string {
	s := fmt.Sprintf("OSCAL catalog %s", filepath.Base(name))
	if cat.UUID != "" {
		s += ", uuid " + cat.UUID
	}
	if cat.Metadata.OSCALVersion != "" {
		s += ", oscal-version " + cat.Metadata.OSCALVersion
	}
	if d := cat.Metadata.Published; d != "" {
		s += ", published " + d
	} else if d := cat.Metadata.LastModified; d != "" {
		s += ", last modified " + d
	}
	return s
}

// oscalBuilder walks the catalog tree, parents before children.
type oscalBuilder struct {
	name  string
	fw    *vigil.Framework
	seen  map[string]string // id -> path of its first use
	anons int
	rows  int // the most controls and groups a catalog may hold
}

func (b *oscalBuilder) add(c vigil.Control, path string) error {
	if len(b.fw.Controls) >= b.rows {
		return bound.Over(b.name, path, bound.LimitRows, int64(b.rows), "more than %s controls and groups")
	}
	if prev, ok := b.seen[c.ID]; ok {
		return vigil.Errorf(vigil.EINVALID, "%s: %s: id %q already used at %s", b.name, path, c.ID, prev)
	}
	b.seen[c.ID] = path
	b.fw.Controls = append(b.fw.Controls, c)
	return nil
}

func (b *oscalBuilder) group(g *oscalGroup, parent, path string) error {
	id := strings.TrimSpace(g.ID)
	if id == "" {
		// A group's id is optional in OSCAL; its controls still need a parent.
		b.anons++
		id = fmt.Sprintf("group-%d", b.anons)
	}
	title := strings.TrimSpace(g.Title)
	if title == "" {
		return vigil.Errorf(vigil.EINVALID, "%s: %s: title required", b.name, path)
	}
	kind := vigil.KindGroup
	if g.Class != "" {
		kind = vigil.ControlKind(g.Class)
	}
	text := prose(g.Parts, "overview", nil)
	if text == "" {
		text = prose(g.Parts, "statement", nil)
	}
	c := vigil.Control{Framework: b.fw.ID, ID: id, Title: title, Text: text, Parent: parent, Kind: kind, Withdrawn: withdrawn(g.Props)}
	if err := b.add(c, path); err != nil {
		return err
	}
	for i := range g.Groups {
		if err := b.group(&g.Groups[i], id, fmt.Sprintf("%s.groups[%d]", path, i)); err != nil {
			return err
		}
	}
	for i := range g.Controls {
		if err := b.control(&g.Controls[i], id, fmt.Sprintf("%s.controls[%d]", path, i)); err != nil {
			return err
		}
	}
	return nil
}

func (b *oscalBuilder) control(ctl *oscalControl, parent, path string) error {
	id := strings.TrimSpace(ctl.ID)
	if id == "" {
		return vigil.Errorf(vigil.EINVALID, "%s: %s: id required", b.name, path)
	}
	params := make(map[string]string, len(ctl.Params))
	for _, p := range ctl.Params {
		params[p.ID] = p.Label
	}
	text := prose(ctl.Parts, "statement", params)
	title := strings.TrimSpace(ctl.Title)
	if title == "" || title == id {
		if first, _, _ := strings.Cut(text, "\n"); first != "" {
			title = first
		} else if title == "" {
			return vigil.Errorf(vigil.EINVALID, "%s: %s: control %q: title required", b.name, path, id)
		}
	}
	if title == text {
		text = ""
	}
	kind := vigil.KindControl
	if ctl.Class != "" {
		kind = vigil.ControlKind(ctl.Class)
	}
	c := vigil.Control{Framework: b.fw.ID, ID: id, Title: title, Text: text, Parent: parent, Kind: kind, Withdrawn: withdrawn(ctl.Props)}
	if c.Withdrawn {
		var to []string
		for _, l := range ctl.Links {
			if l.Rel == "incorporated_into" || l.Rel == "incorporated-into" || l.Rel == "moved_to" || l.Rel == "moved-to" {
				to = append(to, strings.TrimPrefix(l.Href, "#"))
			}
		}
		if len(to) > 0 {
			c.Note = "Withdrawn; incorporated into " + strings.Join(to, ", ") + "."
		}
	}
	if err := b.add(c, path); err != nil {
		return err
	}
	for i := range ctl.Controls {
		if err := b.control(&ctl.Controls[i], id, fmt.Sprintf("%s.controls[%d]", path, i)); err != nil {
			return err
		}
	}
	return nil
}

// withdrawn reports whether the props mark an element withdrawn.
func withdrawn(props []oscalProp) bool {
	for _, p := range props {
		if p.Name == "status" && strings.EqualFold(strings.TrimSpace(p.Value), "withdrawn") {
			return true
		}
	}
	return false
}

// prose returns the text of the first part named name, with its nested
// parts' labels and prose on lines of their own.
func prose(parts []oscalPart, name string, params map[string]string) string {
	for i := range parts {
		if parts[i].Name == name {
			var lines []string
			collectProse(&parts[i], params, &lines)
			return strings.Join(lines, "\n")
		}
	}
	return ""
}

func collectProse(p *oscalPart, params map[string]string, lines *[]string) {
	text := strings.TrimSpace(p.Prose)
	if text != "" {
		text = insertParams(text, params)
		for _, pr := range p.Props {
			if pr.Name == "label" && pr.Value != "" {
				text = pr.Value + " " + text
				break
			}
		}
		*lines = append(*lines, text)
	}
	for i := range p.Parts {
		if p.Parts[i].Name == "item" || p.Parts[i].Name == "statement" {
			collectProse(&p.Parts[i], params, lines)
		}
	}
}

// insertParams replaces OSCAL's parameter insertions, "{{ insert: param,
// ac-1_prm_1 }}", with "[Assignment: label]", or "[id]" for a parameter
// without a label.
func insertParams(text string, params map[string]string) string {
	var out strings.Builder
	for {
		start := strings.Index(text, "{{")
		if start < 0 {
			break
		}
		end := strings.Index(text[start:], "}}")
		if end < 0 {
			break
		}
		inner := strings.TrimSpace(text[start+2 : start+end])
		kind, id, ok := strings.Cut(inner, ",")
		out.WriteString(text[:start])
		if k := strings.Join(strings.Fields(kind), ""); ok && k == "insert:param" {
			id = strings.TrimSpace(id)
			if label := params[id]; label != "" {
				out.WriteString("[Assignment: " + label + "]")
			} else {
				out.WriteString("[" + id + "]")
			}
		} else {
			out.WriteString(text[start : start+end+2])
		}
		text = text[start+end+2:]
	}
	out.WriteString(text)
	return out.String()
}

package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"text/tabwriter"
)

// table is rows of text cells written as an aligned table or as CSV.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) writeText(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10) // the tabwriter writes cell by cell
	tw := tabwriter.NewWriter(bw, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		for i := range r {
			r[i] = strings.ReplaceAll(r[i], "\t", " ")
		}
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return bw.Flush()
}

func (t *table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(t.header)
	for _, r := range t.rows {
		cw.Write(r)
	}
	cw.Flush()
	return cw.Error()
}

// writeJSONOut writes v as indented JSON, as json.Encoder with a two-space
// indent writes it. An object (map[string]any) is written one member at a
// time and a list in it one element at a time, so that exporting a large
// inventory needs no more memory than the data itself.
func writeJSONOut(w io.Writer, v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	bw.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			bw.WriteString(",")
		}
		name, err := json.Marshal(k)
		if err != nil {
			return err
		}
		bw.WriteString("\n  ")
		bw.Write(name)
		bw.WriteString(": ")
		if err := writeJSONValue(bw, obj[k]); err != nil {
			return err
		}
	}
	if len(keys) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// writeJSONValue writes a member's value at the first level of indentation,
// a non-empty list element by element.
func writeJSONValue(w *bufio.Writer, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || rv.IsNil() || rv.Len() == 0 || rv.Type().Elem().Kind() == reflect.Uint8 {
		b, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	l := &jsonList{w: w}
	w.WriteString("[")
	for i := range rv.Len() {
		if err := l.add(rv.Index(i).Interface()); err != nil {
			return err
		}
	}
	return l.end()
}

// jsonList writes the elements of a list one at a time, at the indentation
// of a member of the top-level object.
type jsonList struct {
	w *bufio.Writer
	n int
}

func (l *jsonList) add(v any) error {
	b, err := json.MarshalIndent(v, "    ", "  ")
	if err != nil {
		return err
	}
	if l.n > 0 {
		l.w.WriteString(",")
	}
	l.n++
	l.w.WriteString("\n    ")
	_, err = l.w.Write(b)
	return err
}

// end closes the list: "[]" when it is empty, as json.Encoder writes it.
func (l *jsonList) end() error {
	if l.n == 0 {
		_, err := l.w.WriteString("]")
		return err
	}
	_, err := l.w.WriteString("\n  ]")
	return err
}

// streamJSONList writes {"key": [...]} as writeJSONOut would, taking the
// elements from each as it yields them, so that an export needs no more
// memory than one element.
func streamJSONList(w io.Writer, key string, each func(add func(v any) error) error) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	name, err := json.Marshal(key)
	if err != nil {
		return err
	}
	bw.WriteString("{\n  ")
	bw.Write(name)
	bw.WriteString(": [")
	l := &jsonList{w: bw}
	if err := each(l.add); err != nil {
		return err
	}
	if err := l.end(); err != nil {
		return err
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// checkFormat validates a --format value against the allowed ones.
func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usagef("--format must be one of %s", strings.Join(allowed, ", "))
}

// emit writes v as JSON, or the table rows builds as a table or CSV; the
// table is built only when it is written.
func emit(w io.Writer, format string, v any, rows func() *table) error {
	switch format {
	case "json":
		return writeJSONOut(w, v)
	case "csv":
		return rows().writeCSV(w)
	}
	return rows().writeText(w)
}

func sortStrings(s []string) { sort.Strings(s) }

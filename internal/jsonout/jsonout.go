// Package jsonout writes indented JSON documents as they are produced: the
// members of an object one at a time, and a list in it one element at a
// time, so that exporting hundreds of thousands of devices or discrepancies
// needs no more memory than the data, or than one element when the
// elements come from a Stream. The bytes are exactly what json.Encoder with
// a two-space indent writes for the same value.
package jsonout

import (
	"bufio"
	"encoding/json"
	"io"
	"reflect"
	"sort"
)

// Stream is a list whose elements a function yields one by one, calling
// add with each; it may fail, and then so does Write. As the value of a
// member of an object given to Write, it is written as a JSON list.
type Stream func(add func(v any) error) error

// Write writes v as json.Encoder with SetIndent("", "  ") would. An object
// given as a map[string]any is written member by member in key order; a
// member that is a slice is written element by element, and one that is a
// Stream as the list of what it yields.
func Write(w io.Writer, v any) error {
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
		if err := writeMember(bw, obj[k]); err != nil {
			return err
		}
	}
	if len(keys) > 0 {
		bw.WriteString("\n")
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// writeMember writes a member's value at the first level of indentation.
func writeMember(w *bufio.Writer, v any) error {
	if s, ok := v.(Stream); ok {
		l := &list{w: w}
		w.WriteString("[")
		if err := s(l.add); err != nil {
			return err
		}
		return l.end()
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice || rv.IsNil() || rv.Len() == 0 || rv.Type().Elem().Kind() == reflect.Uint8 {
		b, err := json.MarshalIndent(v, "  ", "  ")
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	l := &list{w: w}
	w.WriteString("[")
	for i := range rv.Len() {
		if err := l.add(rv.Index(i).Interface()); err != nil {
			return err
		}
	}
	return l.end()
}

// list writes the elements of a member's list one at a time.
type list struct {
	w *bufio.Writer
	n int
}

func (l *list) add(v any) error {
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
func (l *list) end() error {
	if l.n == 0 {
		_, err := l.w.WriteString("]")
		return err
	}
	_, err := l.w.WriteString("\n  ]")
	return err
}

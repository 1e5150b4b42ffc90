package binder

import (
	"bufio"
	"encoding/json"
	"io"
	"reflect"
)

// The OSCAL documents can hold hundreds of thousands of inventory items
// and failing-device subjects, so they are written as they are produced:
// an object is an ordered list of members, a list may be a stream, and
// every other value is marshalled on its own. Each element of a long list
// starts a line, so the file stays readable with line tools.

// object is a JSON object whose members keep their order. A member whose
// value is absent (nil, an empty string or an empty slice) is left out,
// as OSCAL wants no empty lists or strings.
type object []member

type member struct {
	name  string
	value any
}

// stream is a JSON list whose elements a function yields one by one. An
// empty stream is written as []; OSCAL lists must not be empty, so callers
// leave out a member whose stream would yield nothing.
type stream func(add func(v any) error) error

// writeJSON writes v to w.
func writeJSON(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := encodeJSON(bw, v); err != nil {
		return err
	}
	bw.WriteByte('\n')
	return bw.Flush()
}

func encodeJSON(w *bufio.Writer, v any) error {
	switch v := v.(type) {
	case object:
		w.WriteByte('{')
		first := true
		for _, m := range v {
			if absent(m.value) {
				continue
			}
			if !first {
				w.WriteByte(',')
			}
			first = false
			name, _ := json.Marshal(m.name)
			w.Write(name)
			w.WriteByte(':')
			if err := encodeJSON(w, m.value); err != nil {
				return err
			}
		}
		return w.WriteByte('}')
	case []any:
		return encodeJSON(w, stream(func(add func(any) error) error {
			for _, e := range v {
				if err := add(e); err != nil {
					return err
				}
			}
			return nil
		}))
	case stream:
		w.WriteByte('[')
		n := 0
		err := v(func(e any) error {
			if n > 0 {
				w.WriteByte(',')
			}
			n++
			w.WriteByte('\n')
			return encodeJSON(w, e)
		})
		if err != nil {
			return err
		}
		return w.WriteByte(']')
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// absent reports a value a member should not be written for.
func absent(v any) bool {
	if v == nil {
		return true
	}
	switch r := reflect.ValueOf(v); r.Kind() {
	case reflect.String, reflect.Slice, reflect.Map:
		return r.Len() == 0
	case reflect.Pointer, reflect.Func:
		return r.IsNil()
	}
	return false
}

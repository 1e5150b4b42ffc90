package vigil

import (
	"bytes"
	"encoding/json"
	"iter"
	"sort"
	"strings"
)

// FieldValue is one field of a record: a canonical field name and its
// normalised value.
type FieldValue struct {
	Name  string
	Value string
}

// RecordFields holds a record's fields, sorted by name, each name once.
//
// It is a map in use and in JSON (an object with its keys sorted, as
// encoding/json writes a map), but it is stored as one sorted slice: a record
// has a dozen or so fields, and an import holds hundreds of thousands of
// records, so a slice takes a third of the memory a map does and is as fast
// to search at that size. The zero value is empty and ready to use. Like a
// slice, a copy made by assignment shares its storage: Set and Delete on one
// may show in the other, so Clone what another holder must not see change.
type RecordFields struct {
	kv []FieldValue
}

// MakeFields returns the fields of a map.
func MakeFields(m map[string]string) RecordFields {
	if len(m) == 0 {
		return RecordFields{}
	}
	kv := make([]FieldValue, 0, len(m))
	for k, v := range m {
		kv = append(kv, FieldValue{k, v})
	}
	sort.Slice(kv, func(i, j int) bool { return kv[i].Name < kv[j].Name })
	return RecordFields{kv}
}

// FieldsOf returns fields from a list, a later value replacing an earlier
// one of the same name. It sorts kv in place and keeps it as its storage,
// so the caller hands kv over and must not use it afterwards.
func FieldsOf(kv []FieldValue) RecordFields {
	sorted := true
	for i := 1; i < len(kv) && sorted; i++ {
		sorted = kv[i-1].Name < kv[i].Name
	}
	if sorted {
		return RecordFields{kv}
	}
	sort.SliceStable(kv, func(i, j int) bool { return kv[i].Name < kv[j].Name })
	out := kv[:0]
	for _, p := range kv {
		if n := len(out); n > 0 && out[n-1].Name == p.Name {
			out[n-1].Value = p.Value
			continue
		}
		out = append(out, p)
	}
	clear(kv[len(out):])
	return RecordFields{out}
}

// Len returns the number of fields.
func (f RecordFields) Len() int { return len(f.kv) }

func (f RecordFields) find(name string) (int, bool) {
	// Linear for the usual dozen fields: no better than binary search
	// there, and simpler for the branch predictor.
	if len(f.kv) <= 8 {
		for i, p := range f.kv {
			if c := strings.Compare(p.Name, name); c >= 0 {
				return i, c == 0
			}
		}
		return len(f.kv), false
	}
	i := sort.Search(len(f.kv), func(i int) bool { return f.kv[i].Name >= name })
	return i, i < len(f.kv) && f.kv[i].Name == name
}

// Get returns the value of a field, or "".
func (f RecordFields) Get(name string) string {
	if i, ok := f.find(name); ok {
		return f.kv[i].Value
	}
	return ""
}

// Lookup returns the value of a field and whether the record has it.
func (f RecordFields) Lookup(name string) (string, bool) {
	if i, ok := f.find(name); ok {
		return f.kv[i].Value, true
	}
	return "", false
}

// Set sets a field's value, adding the field if it is new.
func (f *RecordFields) Set(name, value string) {
	i, ok := f.find(name)
	if ok {
		f.kv[i].Value = value
		return
	}
	f.kv = append(f.kv, FieldValue{})
	copy(f.kv[i+1:], f.kv[i:])
	f.kv[i] = FieldValue{name, value}
}

// Delete removes a field.
func (f *RecordFields) Delete(name string) {
	if i, ok := f.find(name); ok {
		f.kv = append(f.kv[:i], f.kv[i+1:]...)
	}
}

// All yields every field and its value in name order.
func (f RecordFields) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for _, p := range f.kv {
			if !yield(p.Name, p.Value) {
				return
			}
		}
	}
}

// List returns the fields in name order. The slice is the record's own:
// read it, do not change it.
func (f RecordFields) List() []FieldValue { return f.kv }

// Map returns the fields as a new map.
func (f RecordFields) Map() map[string]string {
	m := make(map[string]string, len(f.kv))
	for _, p := range f.kv {
		m[p.Name] = p.Value
	}
	return m
}

// Equal reports whether both hold the same fields and values.
func (f RecordFields) Equal(g RecordFields) bool {
	if len(f.kv) != len(g.kv) {
		return false
	}
	for i := range f.kv {
		if f.kv[i] != g.kv[i] {
			return false
		}
	}
	return true
}

// Clone returns a copy that shares no storage with f.
func (f RecordFields) Clone() RecordFields {
	if len(f.kv) == 0 {
		return RecordFields{}
	}
	return RecordFields{append([]FieldValue(nil), f.kv...)}
}

// MarshalJSON writes the fields as one object, keys in order: the bytes
// encoding/json writes for the same map.
func (f RecordFields) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range f.kv {
		if i > 0 {
			b.WriteByte(',')
		}
		for j, s := range [2]string{p.Name, p.Value} {
			enc, err := json.Marshal(s)
			if err != nil {
				return nil, err
			}
			b.Write(enc)
			if j == 0 {
				b.WriteByte(':')
			}
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object of string values; null leaves no fields.
func (f *RecordFields) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*f = MakeFields(m)
	return nil
}

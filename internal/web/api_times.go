package web

import (
	"encoding"
	"encoding/json"
	"reflect"
	"time"
)

// The API answers every time in RFC 3339, in UTC, to the second: the store
// keeps nanoseconds, which no script needs and which made the same instant
// look different from one endpoint to the next. inSeconds is applied to
// every JSON answer (writeJSON) and to every streamed list item, so that a
// new endpoint needs nothing to follow the rule.

// inSeconds returns v with every time.Time in it, however deep, in UTC and
// truncated to the second. v itself is never changed: what holds a time is
// copied (the store and the services share some values, such as the
// catalog), and what holds none is returned as it is.
func inSeconds(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	c := timeCopier{memo: map[reflect.Type]bool{}}
	if !c.holdsTime(rv.Type()) {
		return v
	}
	return c.copy(rv, 0).Interface()
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	marshalerType = reflect.TypeFor[json.Marshaler]()
	textType      = reflect.TypeFor[encoding.TextMarshaler]()
)

// timeCopier copies values, truncating their times. memo remembers which
// types may hold a time, for one answer.
type timeCopier struct {
	memo map[reflect.Type]bool
}

// ownEncoding reports whether t writes its own JSON (besides time.Time):
// what it holds is its business.
func ownEncoding(t reflect.Type) bool {
	return t != timeType && (t.Implements(marshalerType) || t.Implements(textType) ||
		t.Kind() != reflect.Pointer && (reflect.PointerTo(t).Implements(marshalerType) || reflect.PointerTo(t).Implements(textType)))
}

// holdsTime reports whether a value of type t may hold a time.Time that
// the JSON encoder writes.
func (c timeCopier) holdsTime(t reflect.Type) bool {
	if t == timeType {
		return true
	}
	if ownEncoding(t) {
		return false
	}
	if v, ok := c.memo[t]; ok {
		return v
	}
	c.memo[t] = false // a type that holds itself: decided by its other parts
	held := false
	switch t.Kind() {
	case reflect.Interface:
		held = true // decided by the value
	case reflect.Pointer, reflect.Slice, reflect.Array:
		held = c.holdsTime(t.Elem())
	case reflect.Map:
		held = c.holdsTime(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && c.holdsTime(f.Type) {
				held = true
				break
			}
		}
	}
	c.memo[t] = held
	return held
}

// maxDepth bounds the copy; a value nested deeper (or a cycle) is left as
// it is.
const maxDepth = 64

func (c timeCopier) copy(v reflect.Value, depth int) reflect.Value {
	t := v.Type()
	if t == timeType {
		return reflect.ValueOf(v.Interface().(time.Time).UTC().Truncate(time.Second))
	}
	if depth > maxDepth || !c.holdsTime(t) {
		return v
	}
	switch t.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(c.copy(v.Elem(), depth+1))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t.Elem())
		out.Elem().Set(c.copy(v.Elem(), depth+1))
		return out
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(c.copy(v.Index(i), depth+1))
		}
		return out
	case reflect.Array:
		out := reflect.New(t).Elem()
		for i := range v.Len() {
			out.Index(i).Set(c.copy(v.Index(i), depth+1))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), c.copy(it.Value(), depth+1))
		}
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		out.Set(v) // unexported fields too, as they are
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && c.holdsTime(f.Type) {
				out.Field(i).Set(c.copy(v.Field(i), depth+1))
			}
		}
		return out
	}
	return v
}

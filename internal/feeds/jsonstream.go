package feeds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// jsonErr wraps a JSON decoding error with the file name and the byte offset
// where it happened.
func jsonErr(name string, dec *json.Decoder, what string, err error) error {
	off := dec.InputOffset()
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		err = fmt.Errorf("unexpected end of file")
	}
	return fmt.Errorf("feeds: parse %s: %s at byte %d: %w", name, what, off, err)
}

// walkObject reads one JSON object from dec and calls field for each key with
// the decoder positioned at the value. field must consume the value (Decode
// it or call skipValue).
func walkObject(dec *json.Decoder, field func(key string) error) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want a JSON object, got %v", t)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := t.(string)
		if !ok {
			return fmt.Errorf("want an object key, got %v", t)
		}
		if err := field(key); err != nil {
			return err
		}
	}
	_, err = dec.Token() // '}'
	return err
}

// streamArray reads a JSON array from dec and calls elem for each element with
// the decoder positioned at it; elem must consume it. Each element is held
// to the limits of a record (jsonInput.element).
func streamArray(ctx context.Context, in *jsonInput, dec *json.Decoder, elem func(i int) error) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == nil {
		return nil // null
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("want a JSON array, got %v", t)
	}
	for i := 0; dec.More(); i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := in.element(i); err != nil {
			return err
		}
		if err := elem(i); err != nil {
			return err
		}
	}
	in.rec.start(0)      // what follows the list
	_, err = dec.Token() // ']'
	return err
}

func skipValue(dec *json.Decoder) error {
	var raw json.RawMessage
	return dec.Decode(&raw)
}

// trailing fails when anything but white space follows the top-level value.
func trailing(dec *json.Decoder) error {
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err == nil {
			err = fmt.Errorf("data after the top-level value")
		}
		return err
	}
	return nil
}

// parseTime accepts the timestamp shapes feeds use: RFC 3339 with or without
// zone and fraction, and plain dates. Empty input gives the zero time.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05.999999999Z0700", "2006-01-02", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad timestamp %q", truncate(s, 40))
}

// shortText trims s to at most n bytes on a rune boundary.
func shortText(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

func truncate(s string, n int) string { return shortText(s, n) }

// isCVE reports whether s is a well-formed CVE id (CVE-YYYY-NNNN+).
func isCVE(s string) bool {
	if len(s) < 13 || !strings.HasPrefix(s, "CVE-") || s[8] != '-' {
		return false
	}
	for i := 4; i < len(s); i++ {
		if i == 8 {
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

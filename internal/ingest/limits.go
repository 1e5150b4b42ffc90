package ingest

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/vigil-health/vigil"
)

// Limits bounds what one file may make an import read, hold or do, so that
// a small hostile file (a zip bomb, a line of a hundred million columns,
// XML nested a million deep) is refused with one clear error instead of
// exhausting memory. Each is checked as the file is read, before what it
// bounds is held. A zero field means its default (DefaultLimits).
type Limits struct {
	FileBytes   int64 // the file itself, or the upload
	Rows        int   // rows of a file: CSV records, sheet rows, JSON lines or array elements, nmap hosts
	Columns     int   // cells of a row; distinct keys of a JSON Lines file
	FieldBytes  int   // one value: a cell, a JSON string, an XML attribute or text kept
	RecordBytes int   // one record: a CSV record, a JSON line, a sheet row, an nmap <host>; an XLSX part read whole
	Depth       int   // nesting of XML elements and of JSON arrays and objects
	Inflated    int64 // XLSX: what any part of the archive unpacks to, and all the text the sheet's cells hold
}

// DefaultLimits returns limits that fit a 500,000-device hospital with room
// to spare: twice its devices in one file, a thousand columns, 64 KiB in a
// cell. Past them an import fails; Limits set by the operator raise them.
func DefaultLimits() Limits {
	return Limits{
		FileBytes:   MaxFileSize,
		Rows:        1_000_000,
		Columns:     1000,
		FieldBytes:  64 << 10,
		RecordBytes: 16 << 20,
		Depth:       64,
		Inflated:    1 << 30,
	}
}

// MaxFileSize is the largest file Read accepts by default.
const MaxFileSize = 512 << 20

// OrDefault returns l with every zero field set to its default.
func (l Limits) OrDefault() Limits {
	d := DefaultLimits()
	if l.FileBytes <= 0 {
		l.FileBytes = d.FileBytes
	}
	if l.Rows <= 0 {
		l.Rows = d.Rows
	}
	if l.Columns <= 0 {
		l.Columns = d.Columns
	}
	if l.FieldBytes <= 0 {
		l.FieldBytes = d.FieldBytes
	}
	if l.RecordBytes <= 0 {
		l.RecordBytes = d.RecordBytes
	}
	if l.Depth <= 0 {
		l.Depth = d.Depth
	}
	if l.Inflated <= 0 {
		l.Inflated = d.Inflated
	}
	return l
}

// The names of the limits, as LimitError.Limit gives them; the flags of
// vigil import and vigil serve that set them are "--max-" and the name.
const (
	LimitFileBytes   = "file-bytes"
	LimitRows        = "rows"
	LimitColumns     = "columns"
	LimitFieldBytes  = "field-bytes"
	LimitRecordBytes = "record-bytes"
	LimitDepth       = "depth"
	LimitInflated    = "inflated"
)

// LimitError is the cause of the *vigil.Error (EINVALID) of a file refused
// for going past one of its Limits.
type LimitError struct {
	Limit string // LimitRows, LimitColumns, ...
	Max   int64  // the limit's value
}

func (e *LimitError) Error() string { return fmt.Sprintf("over the %s limit of %d", e.Limit, e.Max) }

// AsLimitError returns the LimitError in err's chain, if there is one.
func AsLimitError(err error) (*LimitError, bool) {
	var le *LimitError
	ok := errors.As(err, &le)
	return le, ok
}

// limitError is a fatal error about the file: at where, what went past the
// limit named, what being a format whose one verb takes the limit's value
// ("more than %s columns"). The message names the flag that raises it.
func (p *parser) limitError(where, limit string, max int64, what string) error {
	msg := fmt.Sprintf(what, sizeText(limit, max)) + fmt.Sprintf(" (the --max-%s limit; raise it to import this file)", limit)
	if where != "" {
		msg = where + ": " + msg
	}
	return vigil.WrapError(vigil.EINVALID, clipMessage(p.name+": "+msg), &LimitError{Limit: limit, Max: max})
}

// sizeText writes a limit's value for a message: bytes in KiB, MiB or GiB
// when they divide evenly, counts as they are.
func sizeText(limit string, n int64) string {
	switch limit {
	case LimitFileBytes, LimitFieldBytes, LimitRecordBytes, LimitInflated:
		for _, u := range []struct {
			name  string
			shift uint
		}{{"GiB", 30}, {"MiB", 20}, {"KiB", 10}} {
			if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
				return fmt.Sprintf("%d %s", n>>u.shift, u.name)
			}
		}
		return fmt.Sprintf("%d bytes", n)
	case LimitDepth:
		return fmt.Sprintf("%d levels", n)
	}
	return strconv.FormatInt(n, 10)
}

// Quote quotes a value from a file (a header, a cell) for a message: at
// most the first 80 bytes of it, with its length when it is longer.
func Quote(s string) string { return clip(s) }

// maxQuoted is how much of a value from the file a message quotes.
const maxQuoted = 80

// clip returns s quoted for a message, cut to maxQuoted bytes on a
// character boundary with the full length said: a file's 200 MB header is
// never echoed whole.
func clip(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", strconv.Quote(s[:cut]), len(s))
}

// maxMessage bounds a fatal error's message, whatever went into it.
const maxMessage = 1024

// clipMessage cuts a message to maxMessage bytes on a character boundary.
func clipMessage(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "..."
}

// Package bound holds imported input to limits as it streams, so that a
// small hostile file (a zip bomb, a line of a hundred million columns, JSON
// or XML nested a million deep, one string of a gigabyte) is refused with
// one clear error instead of exhausting memory. It holds the limits an
// operator sets (Limits, with the defaults a 500,000-device hospital
// needs), the error that names the limit met (LimitError), and readers that
// enforce them as bytes pass: Reader (a byte count), Gunzip (inflation) and
// JSON (nesting and string length). Every importer takes the same Limits;
// the flags that set them are "--max-" and the limit's name.
package bound

import (
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"

	vigil "github.com/vigil-health/vigil"
)

// Limits bounds what one file may make an import read, hold or do. Each is
// checked as the file is read, before what it bounds is held. A zero field
// means its default (Default).
type Limits struct {
	FileBytes   int64 // the file itself, or the upload
	Rows        int   // rows of a file: CSV records, sheet rows, JSON lines or array elements, nmap hosts
	Columns     int   // cells of a row; distinct keys of a JSON Lines file
	FieldBytes  int   // one value: a cell, a JSON string, an XML attribute or text kept
	RecordBytes int   // one record: a CSV record, a JSON line, a sheet row, an nmap <host>; an XLSX part read whole
	Depth       int   // nesting of XML elements and of JSON arrays and objects
	Inflated    int64 // what a compressed file, or any part of an XLSX archive, unpacks to
}

// MaxFileSize is the largest file an import accepts by default.
const MaxFileSize = 512 << 20

// Default returns limits that fit a 500,000-device hospital with room to
// spare: twice its devices in one file, a thousand columns, 64 KiB in a
// cell. Past them an import fails; Limits set by the operator raise them.
func Default() Limits {
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

// OrDefault returns l with every zero (or negative) field set to its
// default.
func (l Limits) OrDefault() Limits {
	d := Default()
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

// The names of the limits, as LimitError.Limit gives them; the flags that
// set them are "--max-" and the name.
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

// Over is the error of file name refused at where (a line, a record, a
// byte offset; "" for the file as a whole) for going past limit: what is a
// phrase whose one verb takes the limit's value ("more than %s columns").
// The message names the flag that raises the limit and is at most 1 KiB,
// whatever went into it.
func Over(name, where, limit string, max int64, what string) error {
	msg := fmt.Sprintf(what, SizeText(limit, max)) + fmt.Sprintf(" (the --max-%s limit; raise it to import this file)", limit)
	if where != "" {
		msg = where + ": " + msg
	}
	if name != "" {
		msg = name + ": " + msg
	}
	return vigil.WrapError(vigil.EINVALID, ClipMessage(msg), &LimitError{Limit: limit, Max: max})
}

// SizeText writes a limit's value for a message: bytes in KiB, MiB or GiB
// when they divide evenly, counts as they are.
func SizeText(limit string, n int64) string {
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

// MaxQuoted is how much of a value from a file a message quotes.
const MaxQuoted = 80

// Quote returns s quoted for a message, cut to MaxQuoted bytes on a
// character boundary with the full length said: a file's 200 MB header is
// never echoed whole.
func Quote(s string) string {
	if len(s) <= MaxQuoted {
		return strconv.Quote(s)
	}
	cut := MaxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes)", strconv.Quote(s[:cut]), len(s))
}

// MaxMessage bounds an error's message, whatever went into it.
const MaxMessage = 1024

// ClipMessage cuts a message to MaxMessage bytes on a character boundary.
func ClipMessage(msg string) string {
	if len(msg) <= MaxMessage {
		return msg
	}
	cut := MaxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "..."
}

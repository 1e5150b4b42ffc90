package ingest

import (
	"github.com/vigil-health/vigil/internal/bound"
)

// Limits bounds what one file may make an import read, hold or do, so that
// a small hostile file (a zip bomb, a line of a hundred million columns,
// XML nested a million deep) is refused with one clear error instead of
// exhausting memory. Each is checked as the file is read, before what it
// bounds is held. A zero field means its default (DefaultLimits). Every
// importer takes the same limits: they are package bound's.
type Limits = bound.Limits

// DefaultLimits returns limits that fit a 500,000-device hospital with room
// to spare: twice its devices in one file, a thousand columns, 64 KiB in a
// cell. Past them an import fails; Limits set by the operator raise them.
func DefaultLimits() Limits { return bound.Default() }

// MaxFileSize is the largest file Read accepts by default.
const MaxFileSize = bound.MaxFileSize

// The names of the limits, as LimitError.Limit gives them; the flags of
// vigil import and vigil serve that set them are "--max-" and the name.
const (
	LimitFileBytes   = bound.LimitFileBytes
	LimitRows        = bound.LimitRows
	LimitColumns     = bound.LimitColumns
	LimitFieldBytes  = bound.LimitFieldBytes
	LimitRecordBytes = bound.LimitRecordBytes
	LimitDepth       = bound.LimitDepth
	LimitInflated    = bound.LimitInflated
)

// LimitError is the cause of the *vigil.Error (EINVALID) of a file refused
// for going past one of its Limits.
type LimitError = bound.LimitError

// AsLimitError returns the LimitError in err's chain, if there is one.
func AsLimitError(err error) (*LimitError, bool) { return bound.AsLimitError(err) }

// limitError is a fatal error about the file: at where, what went past the
// limit named, what being a format whose one verb takes the limit's value
// ("more than %s columns"). The message names the flag that raises it.
func (p *parser) limitError(where, limit string, max int64, what string) error {
	return bound.Over(p.name, where, limit, max, what)
}

// Quote quotes a value from a file (a header, a cell) for a message: at
// most the first 80 bytes of it, with its length when it is longer.
func Quote(s string) string { return bound.Quote(s) }

// clip returns s quoted for a message, cut to 80 bytes on a character
// boundary with the full length said: a file's 200 MB header is never
// echoed whole.
func clip(s string) string { return bound.Quote(s) }

// clipMessage cuts a message to 1 KiB on a character boundary.
func clipMessage(msg string) string { return bound.ClipMessage(msg) }

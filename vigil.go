// Package vigil holds Vigil's domain: the devices a hospital runs, the sources
// that report them, the people who use Vigil, and the audit trail of every
// change. It depends on the standard library only; storage, parsing, the web
// server and the command line live under internal/ and cmd/.
package vigil

import (
	"errors"
	"fmt"
)

// Error codes are machine-readable reasons an operation failed. The edge
// (HTTP, CLI) maps them to statuses and exit codes in one place.
const (
	EINVALID      = "invalid"      // the input is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // the object does not exist
	ECONFLICT     = "conflict"     // the change contradicts the current state
	EUNAUTHORIZED = "unauthorized" // no valid session or token
	EFORBIDDEN    = "forbidden"    // signed in, but the role does not allow it
	ERATELIMIT    = "rate_limited" // too many attempts
	EINTERNAL     = "internal"     // a fault in Vigil or its storage
	EUNAVAILABLE  = "unavailable"  // a dependency (database, file) cannot be reached
)

// Error is Vigil's application error. Message is safe to show a user: it never
// holds PHI, SQL or internal detail. Err, when set, is the underlying cause for
// logs only.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error returns the user-safe message prefixed by the code.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with a code, a user-safe message and a cause.
func WrapError(code, message string, err error) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err: the message of the first
// *Error in its chain, or a generic text that reveals nothing internal.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

package dissect

import (
	"bytes"
	"fmt"
)

// httpMaxHead bounds a request or response head: a head without its blank
// line within 64 KiB is not HTTP we can use.
const httpMaxHead = 64 << 10

// HTTPHead is what Vigil keeps of an HTTP/1.x request or response head. The
// credential of an Authorization header is never kept, only its scheme.
type HTTPHead struct {
	Request     bool
	Method      string // request
	Target      string // request-target, query string removed (it can carry identifiers)
	Version     string // "HTTP/1.1"
	StatusCode  int    // response
	Host        string
	UserAgent   string
	Server      string
	AuthScheme  string // "Basic", "Digest", "Bearer", "NTLM"... of Authorization, "" when absent
	BasicAuth   bool   // Authorization: Basic (a clear-text password, when not under TLS)
	WWWAuth     string // scheme a server asks for in WWW-Authenticate
	ContentType string
	// ContentLength is the body length, -1 when the header is absent;
	// Chunked is set for Transfer-Encoding: chunked. Callers use them to
	// skip the body to the next head on a kept-alive connection.
	ContentLength int64
	Chunked       bool
}

// httpMethods are the request methods SniffHTTP recognises.
var httpMethods = []string{"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ",
	"M-SEARCH ", "NOTIFY ", "SUBSCRIBE ", "PROPFIND ", "REPORT "}

// SniffHTTP reports whether b starts with an HTTP/1.x request line (a known
// method) or a status line.
func SniffHTTP(b []byte) bool {
	if bytes.HasPrefix(b, []byte("HTTP/1.")) {
		return true
	}
	for _, m := range httpMethods {
		if len(b) >= len(m) && string(b[:len(m)]) == m {
			return true
		}
	}
	return false
}

// ParseHTTPHead decodes the HTTP/1.x head at the start of b and returns it
// with the bytes the head takes, blank line included (the body, if any, is
// the caller's to skip using Content-Length). A head that has not ended yet
// gives ErrShort; one that is not HTTP gives ErrMalformed with the offset.
// Obsolete folded header lines are joined to the previous header.
func ParseHTTPHead(b []byte) (*HTTPHead, int, error) {
	if !SniffHTTP(b) {
		if len(b) < 8 {
			return nil, 0, fmt.Errorf("http: start line: %w", ErrShort)
		}
		return nil, 0, fmt.Errorf("http: byte 0: not an HTTP/1.x start line: %w", ErrMalformed)
	}
	end := bytes.Index(b, []byte("\r\n\r\n"))
	n := end + 4
	if lf := bytes.Index(b, []byte("\n\n")); lf >= 0 && (end < 0 || lf < end) {
		end, n = lf, lf+2
	}
	if end < 0 {
		if len(b) > httpMaxHead {
			return nil, 0, fmt.Errorf("http: byte 0: no end of head in %d bytes: %w", len(b), ErrMalformed)
		}
		return nil, 0, fmt.Errorf("http: head: %w", ErrShort)
	}
	head := b[:end]
	line, rest := cutLine(head)
	h := &HTTPHead{ContentLength: -1}
	if err := h.parseStartLine(line); err != nil {
		return nil, 0, err
	}
	off := len(head) - len(rest)
	for len(rest) > 0 {
		line, rest = cutLine(rest)
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
				continue // obsolete line folding: a continuation we do not need
			}
			return nil, 0, fmt.Errorf("http: byte %d: header line without a colon: %w", off, ErrMalformed)
		}
		off = len(head) - len(rest)
		h.header(name, bytes.TrimSpace(value))
	}
	return h, n, nil
}

func (h *HTTPHead) parseStartLine(line []byte) error {
	f1, r, _ := bytes.Cut(line, []byte(" "))
	f2, f3, _ := bytes.Cut(r, []byte(" "))
	if bytes.HasPrefix(f1, []byte("HTTP/")) {
		h.Version = printable(f1)
		if len(f2) != 3 {
			return fmt.Errorf("http: byte %d: status code: %w", len(f1)+1, ErrMalformed)
		}
		for _, c := range f2 {
			if c < '0' || c > '9' {
				return fmt.Errorf("http: byte %d: status code: %w", len(f1)+1, ErrMalformed)
			}
			h.StatusCode = h.StatusCode*10 + int(c-'0')
		}
		return nil
	}
	h.Request = true
	h.Method = printable(f1)
	if q := bytes.IndexAny(f2, "?#;"); q >= 0 {
		f2 = f2[:q]
	}
	if i := bytes.Index(f2, []byte("://")); i >= 0 { // absolute form, via a proxy
		if j := bytes.IndexByte(f2[i+3:], '/'); j >= 0 {
			f2 = f2[i+3+j:]
		} else {
			f2 = []byte("/")
		}
	}
	if len(f2) > 1 {
		if j := bytes.IndexByte(f2[1:], '/'); j >= 0 {
			f2 = f2[:1+j]
		}
	}
	h.Target = printable(f2)
	h.Version = printable(bytes.TrimSpace(f3))
	return nil
}

func (h *HTTPHead) header(name, value []byte) {
	switch {
	case bytes.EqualFold(name, []byte("Host")):
		h.Host = printable(value)
	case bytes.EqualFold(name, []byte("User-Agent")):
		h.UserAgent = printable(value)
	case bytes.EqualFold(name, []byte("Server")):
		h.Server = printable(value)
	case bytes.EqualFold(name, []byte("Content-Type")):
		h.ContentType = printable(value)
	case bytes.EqualFold(name, []byte("Authorization")), bytes.EqualFold(name, []byte("Proxy-Authorization")):
		scheme, _, _ := bytes.Cut(value, []byte(" "))
		h.AuthScheme = printable(scheme) // the credential after the scheme is dropped
		h.BasicAuth = h.BasicAuth || bytes.EqualFold(scheme, []byte("Basic"))
	case bytes.EqualFold(name, []byte("Content-Length")):
		var n int64
		for _, c := range value {
			if c < '0' || c > '9' || n > 1<<40 {
				return
			}
			n = n*10 + int64(c-'0')
		}
		h.ContentLength = n
	case bytes.EqualFold(name, []byte("Transfer-Encoding")):
		h.Chunked = containsFold(string(value), "chunked")
	case bytes.EqualFold(name, []byte("WWW-Authenticate")):
		scheme, _, _ := bytes.Cut(value, []byte(" "))
		h.WWWAuth = printable(scheme)
	}
}

// cutLine splits b at the first LF, dropping a CR before it.
func cutLine(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.TrimSuffix(b, []byte("\r")), nil
	}
	return bytes.TrimSuffix(b[:i], []byte("\r")), b[i+1:]
}

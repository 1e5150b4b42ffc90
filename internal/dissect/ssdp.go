package dissect

import (
	"bytes"
	"fmt"
	"strings"
)

// SSDP is a decoded SSDP (UPnP discovery) message. The same text format is
// used by other discovery protocols (Plex GDM on 32412, DIAL): whether it is
// SSDP is decided by the caller from the port (1900).
type SSDP struct {
	Method    string // "M-SEARCH", "NOTIFY" or "RESPONSE"
	Server    string
	UserAgent string
	ST        string // search target (M-SEARCH, response)
	NT        string // notification type (NOTIFY)
	NTS       string // ssdp:alive, ssdp:byebye
	USN       string
	Location  string
}

// ssdpMaxHeaders bounds the header lines read.
const ssdpMaxHeaders = 64

// ParseSSDP decodes an SSDP request or response from a UDP payload.
func ParseSSDP(b []byte) (*SSDP, error) {
	line, rest, _ := bytes.Cut(b, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	m := &SSDP{}
	switch {
	case bytes.HasPrefix(line, []byte("M-SEARCH ")):
		m.Method = "M-SEARCH"
	case bytes.HasPrefix(line, []byte("NOTIFY ")):
		m.Method = "NOTIFY"
	case bytes.HasPrefix(line, []byte("HTTP/1.")):
		m.Method = "RESPONSE"
	default:
		return nil, fmt.Errorf("ssdp: byte 0: start line is not M-SEARCH, NOTIFY or an HTTP response: %w", ErrMalformed)
	}
	if !bytes.Contains(line, []byte("HTTP/1.")) {
		return nil, fmt.Errorf("ssdp: byte 0: start line has no HTTP version: %w", ErrMalformed)
	}
	off := len(b) - len(rest)
	for n := 0; len(rest) > 0 && n < ssdpMaxHeaders; n++ {
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return m, fmt.Errorf("ssdp: byte %d: header line without a colon: %w", off, ErrMalformed)
		}
		off += len(line) + 1
		val := wireText(bytes.TrimSpace(v))
		switch strings.ToUpper(string(bytes.TrimSpace(k))) {
		case "SERVER":
			m.Server = val
		case "USER-AGENT":
			m.UserAgent = val
		case "ST":
			m.ST = val
		case "NT":
			m.NT = val
		case "NTS":
			m.NTS = val
		case "USN":
			m.USN = val
		case "LOCATION":
			m.Location = val
		}
	}
	return m, nil
}

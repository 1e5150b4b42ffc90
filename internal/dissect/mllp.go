package dissect

import (
	"bytes"
	"fmt"
)

// MLLP framing bytes (HL7 v2 Minimal Lower Layer Protocol).
const (
	mllpStart = 0x0b // VT
	mllpEnd   = 0x1c // FS, followed by CR
)

// mllpMaxFrame bounds one MLLP frame. HL7 messages with embedded documents
// can be large, but a frame without an end byte in 16 MiB is not MLLP.
const mllpMaxFrame = 16 << 20

// MLLPFrame is one MLLP-framed HL7 payload.
type MLLPFrame struct {
	Payload []byte // the bytes between VT and FS CR; a sub-slice of the input
}

// SniffMLLP reports whether b starts with an MLLP start byte followed by an
// HL7 header segment (MSH, or a batch BHS/FHS). It needs 4 bytes; leading
// CR/LF left over from a previous frame are skipped.
func SniffMLLP(b []byte) bool {
	for len(b) > 0 && (b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	if len(b) < 4 || b[0] != mllpStart {
		return false
	}
	h := b[1:4]
	return string(h) == "MSH" || string(h) == "BHS" || string(h) == "FHS"
}

// NextMLLP decodes the MLLP frame at the start of b and returns it with the
// number of bytes it takes, including the trailing CR. CR and LF bytes
// before the start byte (a common sender quirk) are skipped and counted as
// consumed. A frame without its end yet gives an error wrapping ErrShort;
// bytes that are not a frame give one wrapping ErrMalformed with the offset.
func NextMLLP(b []byte) (MLLPFrame, int, error) {
	i := 0
	for i < len(b) && (b[i] == '\r' || b[i] == '\n') {
		i++
	}
	if i == len(b) {
		return MLLPFrame{}, 0, fmt.Errorf("mllp: frame start: %w", ErrShort)
	}
	if b[i] != mllpStart {
		return MLLPFrame{}, 0, fmt.Errorf("mllp: byte %d: 0x%02x is not a frame start: %w", i, b[i], ErrMalformed)
	}
	body := b[i+1:]
	e := bytes.IndexByte(body, mllpEnd)
	if e < 0 {
		if len(body) > mllpMaxFrame {
			return MLLPFrame{}, 0, fmt.Errorf("mllp: byte %d: no frame end in %d bytes: %w", i, len(body), ErrMalformed)
		}
		return MLLPFrame{}, 0, fmt.Errorf("mllp: frame at byte %d: %w", i, ErrShort)
	}
	if bytes.IndexByte(body[:e], mllpStart) >= 0 {
		k := bytes.IndexByte(body[:e], mllpStart)
		return MLLPFrame{}, 0, fmt.Errorf("mllp: byte %d: frame start inside frame: %w", i+1+k, ErrMalformed)
	}
	end := i + 1 + e + 1 // past FS
	// The CR after FS is consumed when present; when it has not arrived
	// yet, the next call skips it as leading CR. Some senders omit it.
	if end < len(b) && b[end] == '\r' {
		end++
	}
	return MLLPFrame{Payload: body[:e]}, end, nil
}

// SplitMLLP returns the payloads of all whole MLLP frames in b and the
// number of bytes they take; a trailing partial frame is left unconsumed.
// The error, if any, wraps ErrMalformed.
func SplitMLLP(b []byte) ([][]byte, int, error) {
	var out [][]byte
	off := 0
	for off < len(b) {
		f, n, err := NextMLLP(b[off:])
		if err != nil {
			if isShort(err) {
				break
			}
			return out, off, fmt.Errorf("mllp: at stream byte %d: %w", off, err)
		}
		out = append(out, f.Payload)
		off += n
	}
	return out, off, nil
}

package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/vigil-health/vigil/internal/bound"
)

// maxRecord is the default bound of a single record (bound.Limits'
// RecordBytes), so that a corrupt length cannot make the reader allocate
// gigabytes.
const maxRecord = 16 << 20

// bufSize is the size of the buffered reader under every file source; records
// up to this size are returned without copying.
const bufSize = 1 << 20

// byteReader is the buffered, offset-tracking base of the file readers.
type byteReader struct {
	name      string
	br        *bufio.Reader
	off       int64
	big       []byte // reused for records larger than the bufio buffer
	warnings  []string
	closer    io.Closer
	maxRecord int   // the longest record read (bound.Limits.RecordBytes)
	at        int64 // where the record last read starts
}

// Offset returns the byte offset at which the packet last read starts (in
// the unpacked stream of a gzipped capture).
func (r *byteReader) Offset() int64 { return r.at }

// next returns the next n bytes, valid until the following call. short is
// true when the input ended before n bytes; got is then how many were left.
func (r *byteReader) next(n int) (b []byte, got int, err error) {
	if n <= bufSize {
		b, err = r.br.Peek(n)
		if len(b) < n {
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil, len(b), io.ErrUnexpectedEOF
			}
			return nil, len(b), r.readError(err)
		}
		r.br.Discard(n)
		r.off += int64(n)
		return b, n, nil
	}
	if n > r.maxRecord {
		return nil, 0, r.recordOver(r.off, fmt.Sprintf("%d bytes", n))
	}
	if cap(r.big) < n {
		r.big = make([]byte, n)
	}
	b = r.big[:n]
	got, err = io.ReadFull(r.br, b)
	r.off += int64(got)
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, got, io.ErrUnexpectedEOF
		}
		return nil, got, r.readError(err)
	}
	return b, n, nil
}

// skip discards n bytes.
func (r *byteReader) skip(n int) (int, error) {
	d, err := r.br.Discard(n)
	r.off += int64(d)
	return d, err
}

// readError is the error of a failed read: a limit met (gzip inflating past
// bound.Limits.Inflated) as it is, naming its flag, else a FormatError.
func (r *byteReader) readError(err error) error {
	if _, ok := bound.AsLimitError(err); ok {
		return err
	}
	return r.errorf("read: %v", err)
}

// recordOver is the error of a record at offset start whose length (what,
// as the file gives it) is past the record limit.
func (r *byteReader) recordOver(start int64, what string) error {
	return bound.Over(r.name, fmt.Sprintf("byte %d", start), bound.LimitRecordBytes, int64(r.maxRecord),
		"record length "+what+": a record of more than %s")
}

func (r *byteReader) errorf(format string, args ...any) error {
	return &FormatError{File: r.name, Offset: r.off, Msg: fmt.Sprintf(format, args...)}
}

// truncated records a warning for a record cut short at offset start and
// ends reading.
func (r *byteReader) truncated(start int64, what string, got, want int) error {
	r.warnings = append(r.warnings, fmt.Sprintf("%s: byte %d: truncated %s (%d of %d bytes); stopped reading", r.name, start, what, got, want))
	return io.EOF
}

// Name returns the file name the reader was opened with.
func (r *byteReader) Name() string { return r.name }

// Warnings returns the recoverable problems met so far.
func (r *byteReader) Warnings() []string { return r.warnings }

// Close closes the underlying file, if the reader owns one.
func (r *byteReader) Close() error {
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}

// PcapReader reads the classic libpcap format, in either byte order and
// with micro- or nanosecond timestamps.
type PcapReader struct {
	byteReader
	order   binary.ByteOrder
	nano    bool
	link    LinkType
	snaplen uint32
}

// pcap magic numbers as read little-endian.
const (
	magicMicroLE = 0xa1b2c3d4
	magicNanoLE  = 0xa1b23c4d
	magicMicroBE = 0xd4c3b2a1
	magicNanoBE  = 0x4d3cb2a1
)

// newPcapReader reads the 24-byte file header.
func newPcapReader(base byteReader) (*PcapReader, error) {
	r := &PcapReader{byteReader: base}
	h, got, err := r.next(24)
	if err != nil {
		if err == io.ErrUnexpectedEOF {
			return nil, r.errorf("pcap file header truncated (%d of 24 bytes)", got)
		}
		return nil, err
	}
	switch binary.LittleEndian.Uint32(h) {
	case magicMicroLE:
		r.order = binary.LittleEndian
	case magicNanoLE:
		r.order, r.nano = binary.LittleEndian, true
	case magicMicroBE:
		r.order = binary.BigEndian
	case magicNanoBE:
		r.order, r.nano = binary.BigEndian, true
	default:
		r.off = 0
		return nil, r.errorf("bad magic %#08x: not a pcap file", binary.BigEndian.Uint32(h))
	}
	r.snaplen = r.order.Uint32(h[16:])
	r.link = LinkType(r.order.Uint32(h[20:]) & 0x0fffffff) // upper bits carry FCS info
	return r, nil
}

// LinkType returns the file's link type.
func (r *PcapReader) LinkType() LinkType { return r.link }

// ReadPacket reads the next record.
func (r *PcapReader) ReadPacket(p *Packet) error {
	start := r.off
	r.at = start
	h, got, err := r.next(16)
	if err != nil {
		if err == io.ErrUnexpectedEOF {
			if got == 0 {
				return io.EOF
			}
			return r.truncated(start, "record header", got, 16)
		}
		return err
	}
	sec := int64(r.order.Uint32(h))
	frac := int64(r.order.Uint32(h[4:]))
	incl := r.order.Uint32(h[8:])
	orig := r.order.Uint32(h[12:])
	if uint64(incl) > uint64(r.maxRecord) {
		return r.recordOver(start, fmt.Sprint(incl))
	}
	data, got, err := r.next(int(incl))
	if err != nil {
		if err == io.ErrUnexpectedEOF {
			return r.truncated(start, "record", got+16, int(incl)+16)
		}
		return err
	}
	if !r.nano {
		frac *= 1000
	}
	p.Timestamp = time.Unix(sec, frac)
	p.Link = r.link
	p.Interface = 0
	p.Length = int(orig)
	p.Data = data
	return nil
}

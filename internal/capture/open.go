package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/vigil-health/vigil/internal/bound"
)

// Open opens a pcap or pcapng file, gzipped or not, sniffing the format
// from its first bytes, under the default limits.
func Open(path string) (Source, error) {
	return OpenLimits(path, bound.Default())
}

// OpenLimits is Open under l: a gzipped capture unpacks to at most
// l.Inflated bytes, and one record (a pcap record, a pcapng block) is at
// most l.RecordBytes long. Past either, ReadPacket fails with the
// bound.Over error naming the flag that raises the limit.
func OpenLimits(path string, l bound.Limits) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	s, err := newReader(path, f, f, l)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// NewReader reads a pcap or pcapng stream, gzipped or not, under the
// default limits. name is used in errors and warnings. Closing the
// returned Source does not close r.
func NewReader(name string, r io.Reader) (Source, error) {
	return newReader(name, r, nil, bound.Default())
}

// NewReaderLimits is NewReader under l (see OpenLimits).
func NewReaderLimits(name string, r io.Reader, l bound.Limits) (Source, error) {
	return newReader(name, r, nil, l)
}

func newReader(name string, r io.Reader, closer io.Closer, l bound.Limits) (Source, error) {
	l = l.OrDefault()
	br := bufio.NewReaderSize(r, bufSize)
	zr, gz, err := bound.Gunzip(br, name, l)
	if err != nil {
		return nil, &FormatError{File: name, Offset: 0, Msg: "bad gzip header: " + cause(err).Error()}
	}
	if gz {
		br = bufio.NewReaderSize(zr, bufSize)
	}
	magic, _ := br.Peek(4)
	base := byteReader{name: name, br: br, closer: closer, maxRecord: l.RecordBytes}
	if len(magic) < 4 {
		return nil, &FormatError{File: name, Offset: int64(len(magic)), Msg: "file too short to be a capture"}
	}
	if binary.LittleEndian.Uint32(magic) == blockSHB {
		return newNgReader(base)
	}
	return newPcapReader(base)
}

// cause is the error err wraps, or err.
func cause(err error) error {
	if c := errors.Unwrap(err); c != nil {
		return c
	}
	return err
}

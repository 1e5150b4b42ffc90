package capture

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// Open opens a pcap or pcapng file, gzipped or not, sniffing the format
// from its first bytes.
func Open(path string) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	s, err := newReader(path, f, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return s, nil
}

// NewReader reads a pcap or pcapng stream, gzipped or not. name is used in
// errors and warnings. Closing the returned Source does not close r.
func NewReader(name string, r io.Reader) (Source, error) {
	return newReader(name, r, nil)
}

func newReader(name string, r io.Reader, closer io.Closer) (Source, error) {
	br := bufio.NewReaderSize(r, bufSize)
	magic, _ := br.Peek(4)
	if len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &FormatError{File: name, Offset: 0, Msg: "bad gzip header: " + err.Error()}
		}
		br = bufio.NewReaderSize(zr, bufSize)
		magic, _ = br.Peek(4)
	}
	base := byteReader{name: name, br: br, closer: closer}
	if len(magic) < 4 {
		return nil, &FormatError{File: name, Offset: int64(len(magic)), Msg: "file too short to be a capture"}
	}
	if binary.LittleEndian.Uint32(magic) == blockSHB {
		return newNgReader(base)
	}
	return newPcapReader(base)
}

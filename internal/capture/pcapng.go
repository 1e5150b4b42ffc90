package capture

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"
)

// pcapng block types.
const (
	blockSHB = 0x0a0d0d0a
	blockIDB = 0x00000001
	blockPB  = 0x00000002 // obsolete Packet Block
	blockSPB = 0x00000003
	blockEPB = 0x00000006
)

// ngInterface is what an Interface Description Block says about one interface.
type ngInterface struct {
	link    LinkType
	snaplen uint32
	units   uint64 // timestamp units per second
	offset  int64  // seconds added to every timestamp
}

// NgReader reads pcapng: any number of sections, each with its own byte
// order and interfaces, each interface with its own link type and timestamp
// resolution.
type NgReader struct {
	byteReader
	order  binary.ByteOrder
	ifaces []ngInterface
}

// newNgReader reads the first Section Header Block.
func newNgReader(base byteReader) (*NgReader, error) {
	r := &NgReader{byteReader: base}
	h, got, err := r.next(12)
	if err != nil {
		if err == io.ErrUnexpectedEOF {
			return nil, r.errorf("pcapng section header truncated (%d of 12 bytes)", got)
		}
		return nil, err
	}
	if binary.LittleEndian.Uint32(h) != blockSHB {
		r.off = 0
		return nil, r.errorf("bad magic %#08x: not a pcapng file", binary.BigEndian.Uint32(h))
	}
	if err := r.section(h, r.off-12); err != nil {
		return nil, err
	}
	return r, nil
}

// section handles a Section Header Block whose first 12 bytes are h and
// which started at offset start.
func (r *NgReader) section(h []byte, start int64) error {
	switch binary.LittleEndian.Uint32(h[8:]) {
	case 0x1a2b3c4d:
		r.order = binary.LittleEndian
	case 0x4d3c2b1a:
		r.order = binary.BigEndian
	default:
		r.off = start + 8
		return r.errorf("bad pcapng byte-order magic %#08x", binary.BigEndian.Uint32(h[8:]))
	}
	n := r.order.Uint32(h[4:])
	if n < 28 || n%4 != 0 {
		r.off = start + 4
		return r.errorf("bad section header block length %d", n)
	}
	if uint64(n) > uint64(r.maxRecord) {
		return r.recordOver(start, fmt.Sprintf("%d (section header block)", n))
	}
	r.ifaces = r.ifaces[:0]
	if _, err := r.skip(int(n) - 12); err != nil {
		return r.truncated(start, "section header block", int(r.off-start), int(n))
	}
	return nil
}

// ReadPacket returns the next packet, skipping blocks that carry none.
func (r *NgReader) ReadPacket(p *Packet) error {
	for {
		start := r.off
		r.at = start
		h, got, err := r.next(8)
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				if got == 0 {
					return io.EOF
				}
				return r.truncated(start, "block header", got, 8)
			}
			return err
		}
		typ := r.order.Uint32(h)
		if typ == blockSHB {
			bom, got, err := r.next(4)
			if err != nil {
				return r.truncated(start, "section header block", got+8, 12)
			}
			var hdr [12]byte
			binary.LittleEndian.PutUint32(hdr[:], blockSHB)
			copy(hdr[4:], h[4:8])
			copy(hdr[8:], bom)
			if err := r.section(hdr[:], start); err != nil {
				return err
			}
			continue
		}
		n := r.order.Uint32(h[4:])
		if n < 12 || n%4 != 0 {
			r.off = start + 4
			return r.errorf("bad block length %d (block type %#x)", n, typ)
		}
		if uint64(n) > uint64(r.maxRecord) {
			return r.recordOver(start, fmt.Sprintf("%d (block type %#x)", n, typ))
		}
		switch typ {
		case blockIDB, blockEPB, blockSPB, blockPB:
		default:
			if d, err := r.skip(int(n) - 8); err != nil {
				return r.truncated(start, "block", d+8, int(n))
			}
			continue
		}
		body, got, err := r.next(int(n) - 8)
		if err != nil {
			if err == io.ErrUnexpectedEOF {
				return r.truncated(start, "block", got+8, int(n))
			}
			return err
		}
		body = body[:len(body)-4] // trailing copy of the length
		switch typ {
		case blockIDB:
			if err := r.interfaceBlock(body, start); err != nil {
				return err
			}
			continue
		case blockEPB, blockPB:
			return r.packetBlock(p, start, n, typ == blockEPB, body)
		case blockSPB:
			if len(body) < 4 {
				r.off = start
				return r.errorf("simple packet block too short (%d bytes)", n)
			}
			if len(r.ifaces) == 0 {
				r.off = start
				return r.errorf("simple packet block before any interface description")
			}
			orig := r.order.Uint32(body)
			data := body[4:]
			if uint64(len(data)) > uint64(orig) {
				data = data[:orig]
			}
			if sl := r.ifaces[0].snaplen; sl > 0 && uint32(len(data)) > sl {
				data = data[:sl]
			}
			p.Timestamp = time.Time{}
			p.Link = r.ifaces[0].link
			p.Interface = 0
			p.Length = int(orig)
			p.Data = data
			return nil
		}
	}
}

// fill sets p from a packet block of interface id.
// packetBlock reads an enhanced packet block, or the obsolete packet block
// whose interface id is 16 bits; both carry timestamp, captured and
// original lengths at the same offsets.
func (r *NgReader) packetBlock(p *Packet, start int64, n uint32, enhanced bool, body []byte) error {
	kind := "packet block"
	if enhanced {
		kind = "enhanced packet block"
	}
	if len(body) < 20 {
		r.off = start
		return r.errorf("%s too short (%d bytes)", kind, n)
	}
	id := uint32(r.order.Uint16(body))
	if enhanced {
		id = r.order.Uint32(body)
	}
	ts := uint64(r.order.Uint32(body[4:]))<<32 | uint64(r.order.Uint32(body[8:]))
	capLen := r.order.Uint32(body[12:])
	orig := r.order.Uint32(body[16:])
	if uint64(capLen) > uint64(len(body)-20) {
		r.off = start
		return r.errorf("%s: captured length %d exceeds block", kind, capLen)
	}
	return r.fill(p, start, id, ts, body[20:20+capLen], orig)
}

func (r *NgReader) fill(p *Packet, start int64, id uint32, ts uint64, data []byte, orig uint32) error {
	if int(id) >= len(r.ifaces) {
		r.off = start
		return r.errorf("packet for interface %d but only %d described", id, len(r.ifaces))
	}
	in := &r.ifaces[id]
	sec := ts / in.units
	frac := ts % in.units
	var ns uint64
	switch {
	case in.units == 1e9:
		ns = frac
	case in.units < 1e9 && 1e9%in.units == 0:
		ns = frac * (1e9 / in.units)
	default:
		ns = uint64(float64(frac) * 1e9 / float64(in.units))
	}
	p.Timestamp = time.Unix(int64(sec)+in.offset, int64(ns))
	p.Link = in.link
	p.Interface = int(id)
	p.Length = int(orig)
	p.Data = data
	return nil
}

// interfaceBlock parses an Interface Description Block body.
func (r *NgReader) interfaceBlock(body []byte, start int64) error {
	if len(body) < 8 {
		r.off = start
		return r.errorf("interface description block too short")
	}
	in := ngInterface{
		link:    LinkType(r.order.Uint16(body)),
		snaplen: r.order.Uint32(body[4:]),
		units:   1e6,
	}
	opts := body[8:]
	for len(opts) >= 4 {
		code := r.order.Uint16(opts)
		l := int(r.order.Uint16(opts[2:]))
		if code == 0 || 4+l > len(opts) {
			break
		}
		v := opts[4 : 4+l]
		switch {
		case code == 9 && l >= 1: // if_tsresol
			exp := uint64(v[0] & 0x7f)
			base := uint64(10)
			if v[0]&0x80 != 0 {
				base = 2
			}
			units := uint64(1)
			for i := uint64(0); i < exp && units < 1<<62/base; i++ {
				units *= base
			}
			in.units = units
		case code == 14 && l == 8: // if_tsoffset
			in.offset = int64(r.order.Uint64(v))
		}
		opts = opts[4+(l+3)&^3:]
	}
	r.ifaces = append(r.ifaces, in)
	return nil
}

package capture

import (
	"time"
)

// stream reassembles one direction of a TCP flow.
type stream struct {
	init bool
	stop bool
	next uint32    // next expected sequence number
	buf  []byte    // in-order bytes the handler has not consumed
	ooo  []segment // held out-of-order segments, sorted by seq
}

type segment struct {
	seq  uint32
	data []byte
}

// maxSniffTries is how many payload segments may fail to be recognised
// before a flow is left unreassembled.
const maxSniffTries = 4

// segment feeds one TCP segment to the flow's stream in direction dir.
func (t *Table) segment(f *Flow, dir Direction, d *Decoded, ts time.Time) {
	s := &f.streams[dir]
	if s.stop || f.tries >= maxSniffTries && f.Handler == nil {
		return
	}
	seq := d.Seq
	if d.TCPFlags&TCPSyn != 0 {
		s.init = true
		s.next = seq + 1
		seq++
	}
	data := d.Payload
	if len(data) == 0 {
		return
	}
	if !s.init {
		s.init = true
		s.next = seq
	}
	diff := int32(seq - s.next)
	switch {
	case diff < 0:
		if int(-diff) >= len(data) {
			return // retransmission of bytes already seen
		}
		data = data[-diff:]
	case diff > 0:
		if len(s.ooo) < t.cfg.MaxOutOfOrder {
			s.hold(seq, data)
			return
		}
		// Too much is missing: accept the loss and carry on from here.
		t.gap(f, dir, s)
		s.next = seq
	}
	t.deliver(f, dir, s, data, ts)
	for len(s.ooo) > 0 && !s.stop {
		o := s.ooo[0]
		od := int32(o.seq - s.next)
		if od > 0 {
			break
		}
		s.ooo = s.ooo[1:]
		if int(-od) < len(o.data) {
			t.deliver(f, dir, s, o.data[-od:], ts)
		}
	}
	if len(s.ooo) == 0 {
		s.ooo = nil
	}
}

// hold keeps a copy of an out-of-order segment, sorted by sequence number.
func (s *stream) hold(seq uint32, data []byte) {
	i := len(s.ooo)
	for i > 0 && int32(s.ooo[i-1].seq-seq) > 0 {
		i--
	}
	if i > 0 && s.ooo[i-1].seq == seq {
		return
	}
	s.ooo = append(s.ooo, segment{})
	copy(s.ooo[i+1:], s.ooo[i:])
	s.ooo[i] = segment{seq: seq, data: append([]byte(nil), data...)}
}

func (t *Table) gap(f *Flow, dir Direction, s *stream) {
	s.buf = s.buf[:0]
	if g, ok := f.Handler.(GapHandler); ok {
		g.Gap(f, dir)
	}
}

// deliver hands in-order bytes to the handler, buffering what it leaves.
func (t *Table) deliver(f *Flow, dir Direction, s *stream, data []byte, ts time.Time) {
	s.next += uint32(len(data))
	if f.Handler == nil {
		if f.tries >= maxSniffTries {
			return
		}
		f.tries++
		f.Handler = t.cfg.Sniff(f, dir, data)
		if f.Handler == nil {
			return
		}
	}
	b := data
	buffered := len(s.buf) > 0
	if buffered {
		s.buf = append(s.buf, data...)
		b = s.buf
	}
	n := f.Handler.Data(f, dir, b, ts)
	switch {
	case n == StopStream:
		s.stop = true
		s.buf, s.ooo = s.buf[:0], nil
		return
	case n < 0 || n > len(b):
		n = len(b)
	}
	rest := len(b) - n
	switch {
	case rest == 0:
		s.buf = s.buf[:0]
	case rest > t.cfg.MaxStreamBuffer:
		// The handler waits for a PDU larger than the buffer: drop it.
		t.gap(f, dir, s)
	case buffered:
		s.buf = s.buf[:copy(s.buf, s.buf[n:])]
	default:
		s.buf = append(s.buf[:0], data[n:]...)
	}
}

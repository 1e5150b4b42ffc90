package capture

import (
	"time"
)

// TableConfig tunes a flow table. Zero fields take the defaults.
type TableConfig struct {
	// MaxStreamBuffer caps the unconsumed bytes kept per flow direction
	// (default 64 KiB).
	MaxStreamBuffer int
	// MaxOutOfOrder caps the out-of-order segments held per direction
	// (default 16).
	MaxOutOfOrder int
	// IdleTimeout evicts flows idle this long in capture time (default 2 min).
	IdleTimeout time.Duration
	// MaxFlows caps the table; when full, idle flows are evicted early
	// (default 262144).
	MaxFlows int
	// Sniff picks a stream handler for TCP flows; nil disables reassembly.
	Sniff SniffFunc
	// OnEvict is called when a flow leaves the table. The flow is reused
	// afterwards: do not keep it.
	OnEvict func(f *Flow)
}

// Table tracks flows and reassembles their TCP streams. It is not safe for
// concurrent use.
type Table struct {
	cfg       TableConfig
	flows     map[FlowKey]*Flow
	free      []*Flow
	lastSweep time.Time
	last      *Flow // the previous packet's flow: bulk transfers repeat it
}

// NewTable returns an empty flow table.
func NewTable(cfg TableConfig) *Table {
	if cfg.MaxStreamBuffer <= 0 {
		cfg.MaxStreamBuffer = 64 << 10
	}
	if cfg.MaxOutOfOrder <= 0 {
		cfg.MaxOutOfOrder = 16
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = 2 * time.Minute
	}
	if cfg.MaxFlows <= 0 {
		cfg.MaxFlows = 1 << 18
	}
	return &Table{cfg: cfg, flows: make(map[FlowKey]*Flow)}
}

// Len returns the number of flows in the table.
func (t *Table) Len() int { return len(t.flows) }

// Add accounts one decoded TCP or UDP (or other IP) packet and feeds its
// payload to the flow's stream handler. It returns the flow and the
// packet's direction, or nil for packets without IP.
func (t *Table) Add(d *Decoded, ts time.Time, wireLen int) (*Flow, Direction) {
	if d.IPVersion == 0 {
		return nil, 0
	}
	k := FlowKey{Proto: d.Proto, VLAN: d.VLAN()}
	if c := d.Src.Compare(d.Dst); c < 0 || c == 0 && d.SrcPort <= d.DstPort {
		k.A, k.APort, k.B, k.BPort = d.Src, d.SrcPort, d.Dst, d.DstPort
	} else {
		k.A, k.APort, k.B, k.BPort = d.Dst, d.DstPort, d.Src, d.SrcPort
	}
	if ts.Sub(t.lastSweep) > t.cfg.IdleTimeout/4 || ts.Before(t.lastSweep) {
		t.sweep(ts, t.cfg.IdleTimeout)
		t.lastSweep = ts
	}
	f := t.last
	if f == nil || f.Key != k {
		f = t.flows[k]
	}
	if f == nil {
		if len(t.flows) >= t.cfg.MaxFlows {
			t.sweep(ts, t.cfg.IdleTimeout/16)
			if len(t.flows) >= t.cfg.MaxFlows {
				t.evictSome(len(t.flows) / 8)
			}
		}
		f = t.newFlow(k, d, ts)
		t.flows[k] = f
	}
	t.last = f
	dir := f.directionOf(d.Src, d.SrcPort)
	f.Packets[dir]++
	f.Bytes[dir] += uint64(wireLen)
	f.LastSeen = ts
	if dir == FromServer {
		f.Answered = true
		if d.HasMAC && f.Server.MAC.IsZero() {
			f.Server.MAC = d.SrcMAC
		}
	}
	if d.Proto == ProtoTCP {
		if d.TCPFlags&TCPRst != 0 {
			if dir == FromServer && f.Packets[FromClient] > 0 && f.Bytes[FromServer] == uint64(wireLen) {
				f.Refused = true
			}
			f.closed = true
		}
		if d.TCPFlags&TCPFin != 0 {
			f.fins |= 1 << dir
			if f.fins == 3 {
				f.closed = true
			}
		}
		if t.cfg.Sniff != nil && !d.Fragment {
			t.segment(f, dir, d, ts)
		}
	}
	return f, dir
}

func (t *Table) newFlow(k FlowKey, d *Decoded, ts time.Time) *Flow {
	var f *Flow
	if n := len(t.free); n > 0 {
		f, t.free = t.free[n-1], t.free[:n-1]
		b0, b1 := f.streams[0].buf[:0], f.streams[1].buf[:0]
		*f = Flow{}
		f.streams[0].buf, f.streams[1].buf = b0, b1
	} else {
		f = &Flow{}
	}
	f.Key = k
	f.FirstSeen = ts
	src := Endpoint{Addr: d.Src, Port: d.SrcPort}
	if d.HasMAC {
		src.MAC = d.SrcMAC
	}
	dst := Endpoint{Addr: d.Dst, Port: d.DstPort}
	if d.Proto == ProtoTCP && d.TCPFlags&(TCPSyn|TCPAck) == TCPSyn|TCPAck {
		// We missed the SYN: the sender of the SYN-ACK is the responder.
		f.Client, f.Server = dst, src
		f.SawSYN = true
	} else {
		f.Client, f.Server = src, dst
		f.SawSYN = d.Proto == ProtoTCP && d.TCPFlags&TCPSyn != 0
	}
	return f
}

// sweep evicts flows idle longer than idle, and closed flows idle 10 s.
func (t *Table) sweep(now time.Time, idle time.Duration) {
	for k, f := range t.flows {
		age := now.Sub(f.LastSeen)
		if age > idle || f.closed && age > 10*time.Second || age < -idle {
			t.evict(k, f)
		}
	}
}

func (t *Table) evictSome(n int) {
	for k, f := range t.flows {
		if n <= 0 {
			return
		}
		t.evict(k, f)
		n--
	}
}

func (t *Table) evict(k FlowKey, f *Flow) {
	delete(t.flows, k)
	if t.last == f {
		t.last = nil
	}
	if t.cfg.OnEvict != nil {
		t.cfg.OnEvict(f)
	}
	for i := range f.streams {
		if cap(f.streams[i].buf) > 16<<10 {
			f.streams[i].buf = nil
		}
		f.streams[i].ooo = nil
	}
	f.Handler, f.Data = nil, nil
	if len(t.free) < 4096 {
		t.free = append(t.free, f)
	}
}

// Flush evicts every flow, calling OnEvict for each: call it at the end of
// the capture.
func (t *Table) Flush() {
	for k, f := range t.flows {
		t.evict(k, f)
	}
}

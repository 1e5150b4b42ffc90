package discover

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/netip"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/capture"
)

// engine holds the state of one discovery run.
type engine struct {
	opt      Options
	table    *capture.Table
	hosts    map[netip.Addr]*host
	macs     map[capture.MAC]*l2host
	flows    map[flowKey]*vigil.FlowSummary
	dnsNames map[netip.Addr]string // names DNS servers gave for addresses
	lastHost *host                 // the previous packet's source host
	lastL2   *l2host               // the previous packet's source MAC
	stats    vigil.CaptureStats
	warnings []string
	d        capture.Decoded
	lim      limits
}

// Run reads every source to its end and returns the devices and flows seen.
// A source that fails mid-way (a corrupt record) stops the run with a
// *vigil.Error (EINVALID) naming the source and byte offset; a truncated
// last record only adds a warning. When ctx is cancelled — the normal way to
// end a live capture — Run returns the report of what was read so far
// together with ctx's error. Run does not close the sources.
func Run(ctx context.Context, sources []capture.Source, opt Options) (*vigil.DiscoveryReport, error) {
	e := newEngine(opt)
	for _, s := range sources {
		if err := e.read(ctx, s); err != nil {
			if ctx.Err() != nil {
				return e.report(), err
			}
			return nil, err
		}
	}
	return e.report(), nil
}

// RunFiles opens each capture file (pcap, pcapng, gzipped or not), runs
// discovery over all of them and closes them.
func RunFiles(ctx context.Context, paths []string, opt Options) (*vigil.DiscoveryReport, error) {
	var srcs []capture.Source
	defer func() {
		for _, s := range srcs {
			s.Close()
		}
	}()
	for _, p := range paths {
		s, err := capture.OpenLimits(p, opt.Limits)
		if err != nil {
			var fe *capture.FormatError
			switch {
			case errors.As(err, &fe):
				return nil, &vigil.Error{Code: vigil.EINVALID, Message: fe.Error()}
			case errors.Is(err, fs.ErrNotExist):
				return nil, vigil.WrapError(vigil.ENOTFOUND, "capture file "+p+" does not exist", err)
			}
			return nil, vigil.WrapError(vigil.EUNAVAILABLE, "cannot open capture file "+p, err)
		}
		srcs = append(srcs, s)
	}
	return Run(ctx, srcs, opt)
}

func newEngine(opt Options) *engine {
	if opt.ScanThreshold <= 0 {
		opt.ScanThreshold = 24
	}
	if opt.MaxFlowSummaries <= 0 {
		opt.MaxFlowSummaries = 10000
	}
	e := &engine{
		opt:   opt,
		lim:   newLimits(opt),
		hosts: make(map[netip.Addr]*host),
		macs:  make(map[capture.MAC]*l2host),
		flows: make(map[flowKey]*vigil.FlowSummary),

		dnsNames: make(map[netip.Addr]string),
	}
	e.table = capture.NewTable(capture.TableConfig{
		MaxStreamBuffer: opt.StreamBuffer,
		Sniff:           e.sniff,
		OnEvict:         e.evicted,
	})
	return e
}

// read consumes one source.
func (e *engine) read(ctx context.Context, s capture.Source) error {
	e.stats.Sources++
	e.lim.src = s
	var p capture.Packet
	for n := 0; ; n++ {
		if n&0xfff == 0 && ctx.Err() != nil {
			return fmt.Errorf("discover %s: %w", s.Name(), ctx.Err())
		}
		err := s.ReadPacket(&p)
		if errors.Is(err, io.EOF) {
			if ctx.Err() != nil {
				return fmt.Errorf("discover %s: %w", s.Name(), ctx.Err())
			}
			break
		}
		var fe *capture.FormatError
		if errors.As(err, &fe) {
			return &vigil.Error{Code: vigil.EINVALID, Message: fe.Error()}
		}
		if _, ok := bound.AsLimitError(err); ok {
			return err
		}
		if err != nil {
			return fmt.Errorf("discover %s: %w", s.Name(), err)
		}
		e.lim.packet = n + 1
		e.packet(&p)
		if e.lim.err != nil {
			return e.lim.err
		}
	}
	if w, ok := s.(capture.Warner); ok {
		for _, msg := range w.Warnings() {
			e.warn(msg)
		}
	}
	return nil
}

func (e *engine) warn(msg string) {
	if len(e.warnings) < 100 {
		e.warnings = append(e.warnings, msg)
	}
	if e.opt.Logger != nil {
		e.opt.Logger.Warn("discover", "warning", msg)
	}
}

// packet processes one captured frame.
func (e *engine) packet(p *capture.Packet) {
	e.stats.Packets++
	e.stats.Bytes += uint64(p.Length)
	d := &e.d
	if err := capture.Decode(p.Link, p.Data, d); err != nil {
		e.stats.DecodeErrors++
		if d.IPVersion == 0 || d.Proto == capture.ProtoTCP || d.Proto == capture.ProtoUDP {
			return
		}
	}
	ts := p.Timestamp
	vlan := d.VLAN()
	var l2 *l2host
	if d.HasMAC && !d.SrcMAC.IsGroup() && !d.SrcMAC.IsZero() {
		if l2 = e.l2(d.SrcMAC, ts); l2 != nil {
			l2.addVLAN(vlan)
			l2.packets++
			l2.bytes += uint64(p.Length)
		}
	}
	switch {
	case d.IsARP:
		e.arp(d, l2, ts)
		return
	case d.EtherType == capture.EtherTypeLLDP && l2 != nil:
		e.lldp(d, l2)
		return
	case d.LLC && l2 != nil:
		e.cdp(d, l2)
		return
	case d.IPVersion == 0:
		return
	}
	var h *host
	if unicastSource(d.Src) {
		h = e.host(d.Src, ts)
	}
	if h != nil {
		h.packets++
		h.bytes += uint64(p.Length)
		h.addVLAN(vlan)
		if l2 != nil {
			h.bindMAC(d.SrcMAC, false)
		}
		switch d.TTL {
		case 1, 32, 64, 128, 255:
			// Not decremented by a router: the sender is on this segment.
			h.initialTTL = true
		}
	}
	if d.Proto == capture.ProtoTCP && d.TCPFlags&(capture.TCPSyn|capture.TCPAck) == capture.TCPSyn && h != nil {
		h.probes++
	}
	e.table.Add(d, ts, p.Length)
	if d.Proto == capture.ProtoUDP && !d.Fragment {
		e.udp(d, h, l2, ts)
	}
}

// unicastSource reports whether a can be a device's own address.
func unicastSource(a netip.Addr) bool {
	if !a.IsValid() || a.IsUnspecified() || a.IsMulticast() {
		return false
	}
	if a.Is4() && a.As4() == [4]byte{255, 255, 255, 255} {
		return false
	}
	return true
}

// host returns the state of the IP address a, made on its first packet;
// nil when the host limit leaves no room for it.
func (e *engine) host(a netip.Addr, ts time.Time) *host {
	if h := e.lastHost; h != nil && h.ip == a {
		h.last = ts
		return h
	}
	h := e.hosts[a]
	if h == nil {
		if !e.roomForHost() {
			return nil
		}
		h = &host{ip: a, first: ts}
		e.hosts[a] = h
	}
	h.last = ts
	e.lastHost = h
	return h
}

// l2 returns the state of the MAC address m, made on its first packet;
// nil when the host limit leaves no room for it.
func (e *engine) l2(m capture.MAC, ts time.Time) *l2host {
	if l := e.lastL2; l != nil && l.mac == m {
		l.last = ts
		return l
	}
	l := e.macs[m]
	if l == nil {
		if !e.roomForHost() {
			return nil
		}
		l = &l2host{mac: m, first: ts}
		e.macs[m] = l
	}
	l.last = ts
	e.lastL2 = l
	return l
}

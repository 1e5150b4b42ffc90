//go:build linux

package capture

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/gopacket/gopacket/pcapgo"
)

// Live captures from a network interface through an AF_PACKET socket
// (gopacket's pure-Go pcapgo.EthernetHandle: no cgo, no libpcap). It needs
// root or CAP_NET_RAW. Put the interface in promiscuous mode to see a SPAN
// port's traffic.
type Live struct {
	name   string
	h      *pcapgo.EthernetHandle
	ctx    context.Context
	stop   func() bool
	buf    []byte
	closed sync.Once
}

// OpenLive opens iface for capture. Reading ends with io.EOF when ctx is
// cancelled.
func OpenLive(ctx context.Context, iface string, promisc bool) (*Live, error) {
	h, err := pcapgo.NewEthernetHandle(iface)
	if err != nil {
		return nil, fmt.Errorf("open live capture on %s: %w", iface, err)
	}
	if promisc {
		if err := h.SetPromiscuous(true); err != nil {
			h.Close()
			return nil, fmt.Errorf("set %s promiscuous: %w", iface, err)
		}
	}
	l := &Live{name: "live:" + iface, h: h, ctx: ctx}
	l.stop = context.AfterFunc(ctx, func() { l.Close() })
	return l, nil
}

// Name returns "live:" and the interface name.
func (l *Live) Name() string { return l.name }

// ReadPacket blocks until the next frame arrives. The kernel strips VLAN
// tags; they are put back so that decoding sees the frame as sent.
func (l *Live) ReadPacket(p *Packet) error {
	data, ci, err := l.h.ZeroCopyReadPacketData()
	if err != nil {
		if l.ctx.Err() != nil {
			return io.EOF
		}
		return fmt.Errorf("%s: read: %w", l.name, err)
	}
	if len(ci.AncillaryData) > 0 && len(data) >= 12 {
		if vlan, ok := ci.AncillaryData[0].(int); ok {
			l.buf = append(l.buf[:0], data[:12]...)
			l.buf = append(l.buf, 0x81, 0x00, byte(vlan>>8)&0x0f, byte(vlan))
			l.buf = append(l.buf, data[12:]...)
			data = l.buf
		}
	}
	p.Timestamp = ci.Timestamp
	p.Link = LinkEthernet
	p.Interface = 0
	p.Length = ci.Length
	p.Data = data
	return nil
}

// Close stops the capture.
func (l *Live) Close() error {
	var err error
	l.closed.Do(func() {
		l.stop()
		err = l.h.Close()
	})
	return err
}

//go:build linux

package capture

import (
	"context"
	"io"
	"net"
	"testing"
)

// TestLiveLoopback captures a UDP datagram sent over the loopback
// interface. It needs root or CAP_NET_RAW and skips without them.
func TestLiveLoopback(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, err := OpenLive(ctx, "lo", false)
	if err != nil {
		t.Skipf("live capture not permitted here: %v", err)
	}
	defer l.Close()
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	port := uint16(conn.LocalAddr().(*net.UDPAddr).Port)
	snd, err := net.DialUDP("udp", nil, conn.LocalAddr().(*net.UDPAddr))
	if err != nil {
		t.Fatal(err)
	}
	defer snd.Close()
	done := make(chan error, 1)
	go func() {
		var p Packet
		var d Decoded
		for i := 0; i < 10000; i++ {
			if err := l.ReadPacket(&p); err != nil {
				done <- err
				return
			}
			if Decode(p.Link, p.Data, &d) == nil && d.Proto == ProtoUDP && d.DstPort == port && string(d.Payload) == "vigil-live" {
				done <- nil
				return
			}
		}
		done <- io.ErrNoProgress
	}()
	for i := 0; i < 5; i++ {
		snd.Write([]byte("vigil-live"))
	}
	if err := <-done; err != nil {
		t.Fatalf("datagram not captured: %v", err)
	}
	if l.Name() != "live:lo" {
		t.Errorf("name %q", l.Name())
	}
}

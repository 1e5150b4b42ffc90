package dissect

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func cdpTLV(b []byte, typ int, v []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(typ))
	b = binary.BigEndian.AppendUint16(b, uint16(4+len(v)))
	return append(b, v...)
}

func cdpRouter() []byte {
	b := []byte{1, 180, 0, 0}
	b = cdpTLV(b, 1, []byte("R1"))
	addr := []byte{0, 0, 0, 1, 1, 1, 0xcc, 0, 4, 192, 168, 10, 1}
	b = cdpTLV(b, 2, addr)
	b = cdpTLV(b, 3, []byte("Ethernet0"))
	b = cdpTLV(b, 4, []byte{0, 0, 0, 1})
	b = cdpTLV(b, 5, []byte("Cisco IOS Software\nVersion 11.2(12)P"))
	b = cdpTLV(b, 6, []byte("cisco 1601"))
	return cdpTLV(b, 0x0a, []byte{0, 10})
}

func TestParseCDP(t *testing.T) {
	got, err := ParseCDP(cdpRouter())
	if err != nil {
		t.Fatal(err)
	}
	want := &CDP{Version: 1, TTL: 180, DeviceID: "R1", Addresses: []netip.Addr{netip.MustParseAddr("192.168.10.1")},
		PortID: "Ethernet0", Capabilities: 1, Software: "Cisco IOS Software?Version 11.2(12)P", Platform: "cisco 1601", NativeVLAN: 10}
	if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	bad := append(cdpRouter(), 0, 1, 0, 2)
	if _, err := ParseCDP(bad); err == nil {
		t.Error("TLV length 2: no error")
	}
	if _, err := ParseCDP([]byte{9, 180, 0, 0}); err == nil {
		t.Error("version 9: no error")
	}
}

func FuzzParseCDP(f *testing.F) {
	f.Add(cdpRouter())
	f.Fuzz(func(t *testing.T, b []byte) { ParseCDP(b) })
}

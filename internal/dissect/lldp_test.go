package dissect

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func lldpTLV(b []byte, typ int, v []byte) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(typ<<9|len(v)))
	return append(b, v...)
}

func lldpSwitch() []byte {
	var b []byte
	b = lldpTLV(b, 1, []byte{4, 0x00, 0x22, 0x2d, 0x81, 0xdb, 0x10})
	b = lldpTLV(b, 2, []byte("\x071"))
	b = lldpTLV(b, 3, []byte{0, 120})
	b = lldpTLV(b, 4, []byte("Port #1"))
	b = lldpTLV(b, 5, []byte("SMCGS8P-Smart"))
	b = lldpTLV(b, 6, []byte("SMCGS8P-Smart v3.20"))
	b = lldpTLV(b, 7, []byte{0, 4, 0, 4})
	b = lldpTLV(b, 8, []byte{5, 1, 192, 168, 2, 10, 2, 0, 0, 0, 1, 0})
	return lldpTLV(b, 0, nil)
}

func TestParseLLDP(t *testing.T) {
	got, err := ParseLLDP(lldpSwitch())
	if err != nil {
		t.Fatal(err)
	}
	want := &LLDP{ChassisID: "00:22:2d:81:db:10", ChassisSubtype: 4, PortID: "1", PortSubtype: 7, TTL: 120,
		PortDescription: "Port #1", SystemName: "SMCGS8P-Smart", SystemDescription: "SMCGS8P-Smart v3.20",
		Capabilities: 4, ManagementAddrs: []netip.Addr{netip.MustParseAddr("192.168.2.10")}}
	if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if _, err := ParseLLDP(lldpSwitch()[:20]); err == nil {
		t.Error("truncated TLV: no error")
	}
	if _, err := ParseLLDP(lldpTLV(nil, 5, []byte("no chassis"))); err == nil {
		t.Error("missing chassis ID: no error")
	}
}

func FuzzParseLLDP(f *testing.F) {
	f.Add(lldpSwitch())
	f.Fuzz(func(t *testing.T, b []byte) { ParseLLDP(b) })
}

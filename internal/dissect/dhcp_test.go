package dissect

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// dhcpMsg builds a DHCP message with the given options (code, value pairs).
func dhcpMsg(op byte, opts ...[]byte) []byte {
	b := make([]byte, 240)
	b[0], b[1], b[2] = op, 1, 6
	binary.BigEndian.PutUint32(b[4:], 0x3d11)
	copy(b[16:], []byte{192, 168, 15, 77})
	copy(b[28:], []byte{0x00, 0x0b, 0x82, 0x01, 0xfc, 0x42})
	binary.BigEndian.PutUint32(b[236:], 0x63825363)
	for _, o := range opts {
		b = append(b, o[0], byte(len(o)-1))
		b = append(b, o[1:]...)
	}
	return append(b, 255)
}

func TestParseDHCP(t *testing.T) {
	b := dhcpMsg(1, []byte{53, 1}, []byte{61, 1, 0, 0x0b, 0x82, 0x01, 0xfc, 0x42}, []byte{50, 208, 67, 222, 222},
		[]byte{55, 1, 3, 6, 42}, append([]byte{12}, "test0000"...), append([]byte{60}, "MSFT 5.0"...), []byte{54, 10, 0, 0, 1})
	got, err := ParseDHCP(b)
	if err != nil {
		t.Fatal(err)
	}
	want := &DHCP{Op: 1, MessageType: DHCPDiscover, XID: 0x3d11, ClientMAC: "00:0b:82:01:fc:42",
		ClientIP: netip.IPv4Unspecified(), YourIP: netip.MustParseAddr("192.168.15.77"), RelayIP: netip.IPv4Unspecified(),
		Hostname: "test0000", RequestedIP: netip.MustParseAddr("208.67.222.222"), ServerID: netip.MustParseAddr("10.0.0.1"),
		ParamRequest: []byte{1, 3, 6, 42}, VendorClass: "MSFT 5.0", ClientID: []byte{1, 0, 0x0b, 0x82, 0x01, 0xfc, 0x42}}
	if diff := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got.Fingerprint() != "1,3,6,42" || got.MessageTypeName() != "DISCOVER" {
		t.Errorf("fingerprint %q type %q", got.Fingerprint(), got.MessageTypeName())
	}
}

func TestParseDHCPErrors(t *testing.T) {
	good := dhcpMsg(1, []byte{53, 1})
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"short", good[:100], "dhcp: 100 bytes, shorter than the 240-byte header"},
		{"cookie", append(append([]byte{}, good[:236]...), 1, 2, 3, 4), "dhcp: byte 236: no magic cookie"},
		{"op", append([]byte{7}, good[1:]...), "dhcp: byte 0: op 7"},
		{"option", append(append([]byte{}, good[:240]...), 12, 50, 'a'), "dhcp: byte 240: option 12 length 50 runs past the end"},
	}
	for _, tt := range tests {
		_, err := ParseDHCP(tt.b)
		if err == nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
}

func FuzzParseDHCP(f *testing.F) {
	f.Add(dhcpMsg(1, []byte{53, 1}, []byte{55, 1, 3, 6, 42}, append([]byte{12}, "x"...)))
	f.Add(dhcpMsg(2, []byte{53, 5}, []byte{51, 0, 0, 1, 0}))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseDHCP(b)
		if err == nil && m == nil {
			t.Fatal("nil message without error")
		}
		if m != nil {
			m.Fingerprint()
			m.MessageTypeName()
		}
	})
}

package exposure

import (
	"net/netip"
	"testing"
)

func TestIsPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "203.0.113.10": true, "198.51.100.20": true, "2606:4700::1111": true, "::ffff:8.8.4.4": true,
		"10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false, "100.64.1.1": false, "127.0.0.1": false,
		"169.254.1.1": false, "224.0.0.251": false, "255.255.255.255": false, "fd00::1": false, "fe80::1": false, "0.0.0.0": false,
	} {
		if got := isPublic(netip.MustParseAddr(addr)); got != want {
			t.Errorf("isPublic(%s) = %v, want %v", addr, got, want)
		}
	}
	in := &riskInputs{public: map[string]string{}}
	in.flow("10.10.1.5", "203.0.113.10")
	in.flow("203.0.113.10", "10.10.1.5") // the public side is not itself exposed
	in.flow("10.10.1.6", "10.20.1.1")
	if len(in.public) != 1 || in.public["10.10.1.5"] != "203.0.113.10" {
		t.Errorf("public peers %v", in.public)
	}
}

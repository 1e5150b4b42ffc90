package dissect

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseSSDP(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *SSDP
	}{
		{"m-search", "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n" +
			"ST: urn:dial-multiscreen-org:service:dial:1\r\nUSER-AGENT: Google Chrome/99.0.4844.74 Mac OS X\r\n\r\n",
			&SSDP{Method: "M-SEARCH", ST: "urn:dial-multiscreen-org:service:dial:1", UserAgent: "Google Chrome/99.0.4844.74 Mac OS X"}},
		{"notify", "NOTIFY * HTTP/1.1\r\nLocation: http://10.20.1.60:8080/desc.xml\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n" +
			"Server: Linux/3.10 UPnP/1.0 Philips-IntelliBridge/2.1\r\nUSN: uuid:1234::upnp:rootdevice\r\n\r\n",
			&SSDP{Method: "NOTIFY", Location: "http://10.20.1.60:8080/desc.xml", NT: "upnp:rootdevice", NTS: "ssdp:alive",
				Server: "Linux/3.10 UPnP/1.0 Philips-IntelliBridge/2.1", USN: "uuid:1234::upnp:rootdevice"}},
		{"response-lf", "HTTP/1.1 200 OK\nST: ssdp:all\nSERVER: x\n\n", &SSDP{Method: "RESPONSE", ST: "ssdp:all", Server: "x"}},
	}
	for _, tt := range tests {
		got, err := ParseSSDP([]byte(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, bad := range []string{"GET / HTTP/1.1\r\n\r\n", "M-SEARCH *\r\n", "NOTIFY * HTTP/1.1\r\nno colon here\r\n"} {
		if _, err := ParseSSDP([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func FuzzParseSSDP(f *testing.F) {
	f.Add([]byte("M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\nSERVER: x\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) { ParseSSDP(b) })
}

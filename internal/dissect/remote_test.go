package dissect

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSniffRemote(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Remote
	}{
		{"telnet negotiation", "\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18", Remote{Protocol: AppTelnet, ClearText: true}},
		{"ftp banner", "220 Sagem FTP server (Version 1.0) ready.\r\n", Remote{Protocol: AppFTP, ClearText: true, Banner: "Sagem FTP server (Version 1.0) ready."}},
		{"ftp multi-line banner", "220-Welcome\r\n220 ok\r\n", Remote{Protocol: AppFTP, ClearText: true, Banner: "Welcome"}},
		{"ftp login", "USER service\r\nPASS hunter2\r\nSYST\r\n", Remote{Protocol: AppFTP, ClearText: true, UserSeen: true, PasswordSeen: true}},
		{"ftp user only, lower case", "user anonymous\r\n", Remote{Protocol: AppFTP, ClearText: true, UserSeen: true}},
		{"explicit ftps", "AUTH TLS\r\n\x16\x03\x01", Remote{Protocol: AppFTP, AuthTLS: true}},
		{"vnc", "RFB 003.008\n", Remote{Protocol: AppVNC, ClearText: true, Version: "003.008"}},
		{"vnc truncated", "RFB 003.0", Remote{}},
		{"rdp with cookie and TLS", "\x03\x00\x00\x2b\x26\xe0\x00\x00\x00\x00\x00Cookie: mstshash=nurse\r\n\x01\x00\x08\x00\x01\x00\x00\x00",
			Remote{Protocol: AppRDP, RDPCookie: true, RDPNegotiate: true, RDPProtocols: 1}},
		{"rdp standard security", "\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\x00",
			Remote{Protocol: AppRDP, RDPNegotiate: true}},
		{"tpkt without x.224 CR", "\x03\x00\x00\x13\x0e\xf0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\x00", Remote{}},
		{"ssh", "SSH-2.0-OpenSSH_7.4p1 Debian-10+deb9u7\r\n", Remote{Protocol: AppSSH, Version: "2.0", Banner: "OpenSSH_7.4p1 Debian-10+deb9u7"}},
		{"ssh 1.99 dropbear", "SSH-1.99-dropbear_2019.78\n", Remote{Protocol: AppSSH, Version: "1.99", Banner: "dropbear_2019.78"}},
		{"teamviewer", "\x17\x24\x0a\x00\x00\x00", Remote{Protocol: AppTeamViewer, Weak: true}},
		{"teamviewer 0x11 0x30", "\x11\x30\x36\x00", Remote{Protocol: AppTeamViewer, Weak: true}},
		{"smtp", "220 mx ESMTP\r\n", Remote{}},
		{"nothing", "\x00\x00", Remote{}},
	}
	for _, tt := range tests {
		got := SniffRemote([]byte(tt.in))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
		if s := fmt.Sprintf("%+v", got); strings.Contains(s, "hunter2") || strings.Contains(s, "nurse") || strings.Contains(s, "service") {
			t.Errorf("%s: credential kept: %s", tt.name, s)
		}
	}
}

func FuzzSniffRemote(f *testing.F) {
	for _, s := range []string{"\xff\xfb\x01", "USER a\r\nPASS b\r\n", "RFB 003.008\n", "SSH-2.0-x\r\n",
		"\x03\x00\x00\x2a\x25\xe0\x00\x00\x00\x00\x00Cookie: mstshash=a\r\n\x01\x00\x08\x00\x01\x00\x00\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := SniffRemote(b)
		if len(r.Banner) > remoteMaxBanner+3*remoteMaxBanner {
			t.Fatalf("banner of %d bytes", len(r.Banner))
		}
	})
}

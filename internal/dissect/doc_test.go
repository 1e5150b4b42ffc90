package dissect

import (
	"errors"
	"flag"
	"testing"
)

// update rewrites golden files and regenerates the DICOM captures in
// testdata (go test ./internal/dissect -run TestRegenerate -update). It is the
// package's one -update flag: other test files in this package use it too.
var update = flag.Bool("update", false, "rewrite golden files and regenerate captures in testdata")

func TestSniffApp(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want App
	}{
		{"empty", "", AppUnknown},
		{"dicom", "\x01\x00\x00\x00\x00\xcd\x00\x01\x00\x00STORESCP        ", AppDICOM},
		{"mllp", "\x0bMSH|^~\\&|", AppHL7MLLP},
		{"hl7", "MSH|^~\\&|APP|", AppHL7},
		{"tls", "\x16\x03\x01\x02\x00\x01", AppTLS},
		{"http request", "GET / HTTP/1.1\r\n", AppHTTP},
		{"http response", "HTTP/1.1 200 OK\r\n", AppHTTP},
		{"ssh", "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", AppSSH},
		{"telnet", "\xff\xfd\x18\xff\xfd\x20", AppTelnet},
		{"ftp banner", "220 ProFTPD Server ready.\r\n", AppFTP},
		{"smtp banner is not ftp", "220 mail.example.org ESMTP Postfix\r\n", AppUnknown},
		{"vnc", "RFB 003.008\n", AppVNC},
		{"rdp", "\x03\x00\x00\x13\x0e\xe0\x00\x00\x00\x00\x00\x01\x00\x08\x00\x03\x00\x00\x00", AppRDP},
		{"teamviewer magic alone is weak", "\x17\x24\x0a\x00", AppUnknown},
		{"random", "\x00\x01\x02\x03", AppUnknown},
	}
	for _, tt := range tests {
		if got := SniffApp([]byte(tt.in)); got != tt.want {
			t.Errorf("%s: SniffApp = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// FuzzSniffApp checks that sniffing never panics and that whatever it
// recognises, the matching parser does not panic either.
func FuzzSniffApp(f *testing.F) {
	for _, s := range []string{"\x0bMSH|^~\\&|A|B\r\x1c\r", "GET / HTTP/1.0\r\n\r\n", "\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00", "RFB 003.003\n", "\x03\x00\x00\x0b\x06\xe0\x00\x00\x00\x00\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		switch SniffApp(b) {
		case AppDICOM:
			ParseDICOM(b)
		case AppHL7MLLP:
			if fr, _, err := NextMLLP(b); err == nil {
				ParseHL7(fr.Payload)
			}
		case AppHL7:
			ParseHL7(b)
		case AppTLS:
			ParseTLSHandshake(b)
		case AppHTTP:
			ParseHTTPHead(b)
		}
	})
}

// isMalformed reports whether err wraps ErrMalformed.
func isMalformed(err error) bool { return errors.Is(err, ErrMalformed) }

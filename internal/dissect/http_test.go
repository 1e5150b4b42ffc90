package dissect

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// firstHeads returns the first HTTP head of every stream direction that
// starts with one.
func firstHeads(t *testing.T, path string) []*HTTPHead {
	t.Helper()
	var out []*HTTPHead
	for _, s := range appStreams(t, path) {
		if SniffApp(s.data) != AppHTTP {
			continue
		}
		h, _, err := ParseHTTPHead(s.data)
		if err != nil {
			t.Fatalf("%s %s>%s: %v", path, s.src, s.dst, err)
		}
		out = append(out, h)
	}
	return out
}

// TestHTTPSplitUserAgent reads nDPI's capture whose User-Agent header is
// split over two TCP segments: once reassembled, the whole UA is read.
func TestHTTPSplitUserAgent(t *testing.T) {
	heads := firstHeads(t, appRealdata(t, "pcap", "ndpi", "http_ua_splitted_in_two_pkts.pcapng"))
	const ua = "Mozilla/5.0 (Linux; Android 6.0.1; SM-T805 Build/MMB29K; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/61.0.3163.98 Safari/537.36"
	n := 0
	for _, h := range heads {
		if !h.Request {
			continue
		}
		n++
		if h.UserAgent != ua || h.Host != "va.origin.startappservice.com" {
			t.Errorf("request %s %s: UA %q host %q", h.Method, h.Target, h.UserAgent, h.Host)
		}
	}
	if n == 0 {
		t.Fatal("no request found")
	}
	if got := ManufacturerFromHTTP(ua); got != "Samsung" {
		t.Errorf("manufacturer of the SM-T805 UA = %q, want Samsung", got)
	}
}

func TestHTTPGet(t *testing.T) {
	heads := firstHeads(t, appRealdata(t, "pcap", "zeek", "http_get.pcap"))
	var got []string
	for _, h := range heads {
		got = append(got, fmt.Sprintf("%v %s %s %s %d %q %q", h.Request, h.Method, h.Target, h.Version, h.StatusCode, h.UserAgent, h.Server))
	}
	want := []string{
		`true GET /download HTTP/1.1 0 "Wget/1.14 (darwin12.2.0)" ""`,
		`false   HTTP/1.1 200 "" "Apache/2.4.3 (Fedora)"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestParseHTTPHead(t *testing.T) {
	in := "POST /api/pump?patient=123 HTTP/1.1\r\nHost: pump-17.icu.local\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\n" +
		"Content-Length: 5\r\n X-Folded: continuation\r\n\r\nhello"
	h, n, err := ParseHTTPHead([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := &HTTPHead{Request: true, Method: "POST", Target: "/api", Version: "HTTP/1.1", Host: "pump-17.icu.local",
		AuthScheme: "Basic", BasicAuth: true, ContentLength: 5}
	if diff := cmp.Diff(want, h); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if n != len(in)-5 {
		t.Errorf("consumed %d, want %d", n, len(in)-5)
	}
	if s := fmt.Sprintf("%+v", h); strings.Contains(s, "YWRtaW46c2VjcmV0") || strings.Contains(s, "123") {
		t.Errorf("credential or query kept: %s", s)
	}
	for i := 8; i < n; i++ {
		if _, _, err := ParseHTTPHead([]byte(in[:i])); !errors.Is(err, ErrShort) {
			t.Fatalf("prefix %d: %v, want ErrShort", i, err)
		}
	}
	for _, bad := range []string{"HTTP/1.1 2x0 OK\r\n\r\n", "GET / HTTP/1.1\r\nno colon here\r\n\r\n", "\x16\x03\x01\x00\x05hello..."} {
		if _, _, err := ParseHTTPHead([]byte(bad)); !isMalformed(err) {
			t.Errorf("%q: %v, want ErrMalformed", bad, err)
		}
	}
	r, _, err := ParseHTTPHead([]byte("HTTP/1.0 401 Unauthorized\nServer: GoAhead-Webs\nWWW-Authenticate: Basic realm=\"x\"\n\n"))
	if err != nil || r.StatusCode != 401 || r.WWWAuth != "Basic" || ManufacturerFromHTTP(r.Server) == "" {
		t.Errorf("LF-only response: %+v, %v", r, err)
	}
}

func FuzzParseHTTPHead(f *testing.F) {
	f.Add([]byte("GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: b\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200 OK\nServer: x\nContent-Length: 99999999999999999999\n\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := ParseHTTPHead(b)
		if err == nil && (h == nil || n > len(b)) {
			t.Fatalf("n=%d len=%d", n, len(b))
		}
	})
}

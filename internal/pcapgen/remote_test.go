package pcapgen

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// demoRemote are vendor sessions on the default hospital.
var demoRemote = []RemoteSession{
	{Device: "ct1", Peer: netip.MustParseAddr("198.51.100.20"), Protocol: "rdp", Duration: 45 * time.Minute},
	{Device: "us1", Peer: netip.MustParseAddr("203.0.113.66"), Protocol: "teamviewer", Duration: 10 * time.Minute},
	{Device: "mr1", Peer: netip.MustParseAddr("203.0.113.10"), Protocol: "tls", ServerName: "srs.example-health.test",
		CertOrg: "Example Health AG", PeerName: "srs.example-health.test"},
}

func TestWriteRemote(t *testing.T) {
	var a, b, plain bytes.Buffer
	for _, w := range []*bytes.Buffer{&a, &b} {
		if err := Write(w, Options{Seed: 7, Remote: demoRemote}); err != nil {
			t.Fatal(err)
		}
	}
	if err := Write(&plain, Options{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same options gave different captures")
	}
	if !bytes.HasPrefix(a.Bytes(), plain.Bytes()) || a.Len() <= plain.Len() {
		t.Error("the sessions should follow the scenario unchanged")
	}
	for _, want := range []string{"Cookie: mstshash=", "srs.example-health.test", "Example Health AG"} {
		if !bytes.Contains(a.Bytes(), []byte(want)) {
			t.Errorf("capture lacks %q", want)
		}
	}
}

func TestWriteRemoteRefused(t *testing.T) {
	for _, r := range []RemoteSession{
		{Device: "nobody", Peer: netip.MustParseAddr("198.51.100.1"), Protocol: "rdp"},
		{Device: "ct1", Peer: netip.MustParseAddr("198.51.100.1"), Protocol: "x11"},
		{Device: "ct1", Protocol: "ssh"},
	} {
		var buf bytes.Buffer
		if err := Write(&buf, Options{Seed: 1, Remote: []RemoteSession{r}}); err == nil || !strings.Contains(err.Error(), "remote session") {
			t.Errorf("%+v: %v", r, err)
		}
	}
}

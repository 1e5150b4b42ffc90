package pcapgen

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

func TestWriteDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	if err := Write(&a, Options{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, Options{Seed: 7}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&c, Options{Seed: 8}); err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(a.Bytes()) != sha256.Sum256(b.Bytes()) {
		t.Error("same seed gave different captures")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds gave the same capture")
	}
	if a.Len() < 500_000 {
		t.Errorf("one round is %d bytes, want a realistic mix of at least 500 kB", a.Len())
	}
}

func TestWriteTargetBytes(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, Options{Seed: 1, TargetBytes: 5 << 20, ImageBytes: 64 << 10}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 5<<20 || buf.Len() > 7<<20 {
		t.Errorf("wrote %d bytes for a 5 MiB target", buf.Len())
	}
}

func TestDefaultHostsUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, h := range DefaultHosts(3, 20, 20) {
		k := h.IP.String()
		if seen[k] {
			t.Errorf("duplicate IP %s", k)
		}
		seen[k] = true
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenNow: one seed and one --now give the same files; without --now
// the hospital is dated now, and a bad --now is a usage error.
func TestGenNow(t *testing.T) {
	dir := t.TempDir()
	gen := func(name string, extra ...string) []byte {
		t.Helper()
		out := filepath.Join(dir, name)
		args := append([]string{"gen", "--out", out, "--devices", "60", "--seed", "3"}, extra...)
		if code, _, stderr := run(t, nil, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		b, err := os.ReadFile(filepath.Join(out, "ground_truth.json"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := gen("a", "--now", "2026-03-01T08:00:00Z")
	b := gen("b", "--now", "2026-03-01T08:00:00Z")
	if !bytes.Equal(a, b) {
		t.Error("one seed and one --now gave two ground truths")
	}
	if !bytes.Contains(a, []byte(`"now": "2026-03-01T08:00:00Z"`)) {
		t.Errorf("--now not the hospital's date:\n%.300s", a)
	}
	if d := gen("d", "--now", "2026-03-01"); !bytes.Contains(d, []byte(`"now": "2026-03-01T00:00:00Z"`)) {
		t.Errorf("a date is not its midnight:\n%.300s", d)
	}
	if c := gen("c"); bytes.Contains(c, []byte(`"now": "2026-03-01`)) {
		t.Error("without --now the hospital is not dated now")
	}
	code, _, stderr := run(t, nil, "gen", "--out", filepath.Join(dir, "e"), "--now", "last week")
	if code != 2 || !strings.Contains(stderr, "--now must be") {
		t.Errorf("a bad --now: exit %d, %s", code, stderr)
	}
}

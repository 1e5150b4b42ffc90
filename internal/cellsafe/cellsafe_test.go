package cellsafe

import (
	"bytes"
	"testing"
)

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		"BME-00042":                 "BME-00042",
		"=HYPERLINK(\"http://x\")":  "'=HYPERLINK(\"http://x\")",
		"+cmd|' /C calc'!A0":        "'+cmd|' /C calc'!A0",
		"@SUM(1+1)*cmd|' /C calc'!": "'@SUM(1+1)*cmd|' /C calc'!",
		"-2+3+cmd|' /C calc'!A0":    "'-2+3+cmd|' /C calc'!A0",
		"\t=1+1":                    "'\t=1+1",
		"\r=1+1":                    "'\r=1+1",
		"-":                         "'-",
		"-3.5":                      "-3.5",
		"+44":                       "+44",
		"-1e-3":                     "-1e-3",
		"-3.":                       "'-3.",
		"-1e":                       "'-1e",
		"-0x10":                     "'-0x10",
		"a=b":                       "a=b",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	r := []string{"=1+1", "-7", "ok"}
	w.Write(r)
	w.Flush()
	if got, want := b.String(), "'=1+1,-7,ok\n"; got != want {
		t.Errorf("csv = %q, want %q", got, want)
	}
	if r[0] != "=1+1" {
		t.Errorf("Write changed its argument: %q", r[0])
	}
}

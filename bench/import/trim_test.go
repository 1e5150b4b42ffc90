package main

import (
	"testing"
)

func TestTrimCSV(t *testing.T) {
	in := "a;b\r\n1;\"two\nlines\"\r\n2;x\r\n3;y\r\n"
	got, err := trimCSV([]byte(in), 2)
	if want := "a;b\r\n1;\"two\nlines\"\r\n2;x\r\n"; err != nil || string(got) != want {
		t.Errorf("trimCSV = %q, %v; want %q", got, err, want)
	}
	if _, err := trimCSV([]byte(in), 4); err == nil {
		t.Error("trimCSV kept more records than the file has")
	}
}

func TestTrimNmap(t *testing.T) {
	in := `<nmaprun><host a="1"><hostnames/></host><host a="2"></host><host a="3"></host><runstats><hosts up="3"/></runstats></nmaprun>`
	got, err := trimNmap([]byte(in), 2)
	if want := `<nmaprun><host a="1"><hostnames/></host><host a="2"></host><runstats><hosts up="3"/></runstats></nmaprun>`; err != nil || string(got) != want {
		t.Errorf("trimNmap = %s, %v; want %s", got, err, want)
	}
	if got, err := trimNmap([]byte(in), 3); err != nil || string(got) != in {
		t.Errorf("trimNmap to every host = %s, %v", got, err)
	}
	if _, err := trimNmap([]byte(in), 4); err == nil {
		t.Error("trimNmap kept more hosts than the file has")
	}
}

package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTimeTravelEndToEnd changes a device after a moment and reads the
// lists at that moment: the device's old firmware, and no trace of the match
// the change opened. Before the demo existed (yesterday) nothing is listed.
func TestTimeTravelEndToEnd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigil.db")
	if code, _, stderr := run(t, nil, "demo", "--once", "--dir", dir); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	pacs := fixedPACS(t, db)
	before := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(10 * time.Millisecond)
	// An older firmware makes the PACS affected by CVE-2022-2119: a match opens now.
	if code, _, stderr := run(t, nil, "inventory", "set", pacs, "firmware", "7.0 SP2", "--db", db); code != 0 {
		t.Fatalf("inventory set: %s", stderr)
	}
	yesterday := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02")

	if got := vulnDevices(t, db); got["CVE-2022-2119"] != 3 {
		t.Fatalf("now: CVE-2022-2119 on %d devices, want 3", got["CVE-2022-2119"])
	}
	if got := vulnDevices(t, db, "--at", before); got["CVE-2022-2119"] != 2 {
		t.Errorf("--at before the change: CVE-2022-2119 on %d devices, want 2", got["CVE-2022-2119"])
	}
	if got := vulnDevices(t, db, "--at", yesterday); len(got) != 0 {
		t.Errorf("--at %s, before the demo existed: %v", yesterday, got)
	}

	firmware := func(flag, at string) string {
		code, out, stderr := run(t, nil, "inventory", "list", "--db", db, "--format", "json", flag, at)
		var l struct {
			Devices []struct {
				ID       json.Number `json:"id"`
				Firmware string      `json:"firmware"`
			} `json:"devices"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &l) != nil {
			t.Fatalf("inventory list %s %s: %d %s", flag, at, code, stderr)
		}
		for _, d := range l.Devices {
			if d.ID.String() == pacs {
				return d.Firmware
			}
		}
		return "(absent)"
	}
	for _, flag := range []string{"--at", "--as-of"} {
		if got := firmware(flag, before); got != "7.0 SP4" {
			t.Errorf("inventory list %s before the change: firmware %q, want the old 7.0 SP4", flag, got)
		}
	}
	if got := firmware("--at", yesterday); got != "(absent)" {
		t.Errorf("inventory list --at %s lists the PACS: %q", yesterday, got)
	}

	// The risk worklist and the findings at a date.
	code, out, stderr := run(t, nil, "risk", "list", "--db", db, "--format", "json", "--at", before)
	if code != 0 || strings.Contains(out, `"device_id": `+pacs+`,`) {
		t.Errorf("risk list --at before the change lists the PACS or fails: %d %s", code, stderr)
	}
	if code, out, _ := run(t, nil, "risk", "list", "--db", db, "--format", "json"); code != 0 || !strings.Contains(out, `"device_id": `+pacs+`,`) {
		t.Errorf("risk list now does not list the PACS %s", pacs)
	}
	if code, out, _ := run(t, nil, "risk", "list", "--db", db, "--at", yesterday); code != 0 || strings.Count(out, "\n") != 1 {
		t.Errorf("risk list --at %s: %d\n%s", yesterday, code, out)
	}
	// At this instant the worklist from the match history is today's, less
	// the devices whose matches are all not affected (the history keeps
	// affected matches only).
	worklist := func(args ...string) []string {
		code, out, stderr := run(t, nil, append([]string{"risk", "list", "--db", db, "--format", "csv"}, args...)...)
		if code != 0 {
			t.Fatalf("risk list %v: %s", args, stderr)
		}
		var rows []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
			f := strings.Split(line, ",")
			if len(f) > 6 && f[6] != "0" {
				rows = append(rows, strings.Join(f[1:7], ","))
			}
		}
		return rows
	}
	if now, then := worklist(), worklist("--at", time.Now().UTC().Format(time.RFC3339Nano)); len(now) == 0 || strings.Join(now, "\n") != strings.Join(then, "\n") {
		t.Errorf("risk list now and --at now differ:\n%v\n%v", now, then)
	}
	code, now, _ := run(t, nil, "network", "findings", "--db", db, "--format", "json")
	_, then, _ := run(t, nil, "network", "findings", "--db", db, "--format", "json", "--at", before)
	if code != 0 || now != then || !strings.Contains(now, `"cleartext-phi"`) {
		t.Errorf("network findings now and before the change differ or are empty:\n%s\n%s", now, then)
	}
	if _, out, _ := run(t, nil, "network", "findings", "--db", db, "--at", yesterday, "--code", "cleartext-phi"); !strings.HasSuffix(out, "0 findings\n") {
		t.Errorf("network findings --at %s:\n%s", yesterday, out)
	}
	if code, _, stderr := run(t, nil, "vulns", "list", "--db", db, "--at", "last week"); code != 2 || !strings.Contains(stderr, "--at must be a date") {
		t.Errorf("a bad --at: %d %s", code, stderr)
	}
}

// fixedPACS returns the id of a device the demo's DCMTK advisory lists as
// fixed.
func fixedPACS(t *testing.T, db string) string {
	t.Helper()
	_, out, _ := run(t, nil, "vulns", "show", "CVE-2022-2119", "--db", db)
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[1] == "fixed" {
			return f[0]
		}
	}
	t.Fatalf("no fixed device for CVE-2022-2119:\n%s", out)
	return ""
}

// vulnDevices runs vulns list with args and returns each vulnerability's
// device count.
func vulnDevices(t *testing.T, db string, args ...string) map[string]int {
	t.Helper()
	code, out, stderr := run(t, nil, append([]string{"vulns", "list", "--db", db, "--format", "json"}, args...)...)
	var l struct {
		Vulnerabilities []struct {
			ID      string `json:"id"`
			Devices int    `json:"devices"`
		} `json:"vulnerabilities"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &l) != nil {
		t.Fatalf("vulns list %v: %d %s", args, code, stderr)
	}
	m := map[string]int{}
	for _, v := range l.Vulnerabilities {
		if v.Devices > 0 {
			m[v.ID] = v.Devices
		}
	}
	return m
}

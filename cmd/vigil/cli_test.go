package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dirFiles lists the names in dir.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestNoDatabaseLeftBehind checks that a command reading a database that
// is not there says so, and that a command that may create one leaves
// nothing behind (database, journal, head log, audit key, evidence) when
// it fails.
func TestNoDatabaseLeftBehind(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "new.db")
	missing := filepath.Join(dir, "missing.csv")
	for _, args := range [][]string{
		{"inventory", "list"},
		{"vulns", "show", "CVE-2022-2119"},
		{"audit-log", "verify"},
		{"inventory", "set", "42", "device_type", "infusion-pump"},
	} {
		code, out, stderr := runIn(t, append(args, "--db", db)...)
		if code != 1 || out != "" || !strings.Contains(stderr, "there is no database at "+db) ||
			!strings.Contains(stderr, "vigil demo") || !strings.Contains(stderr, "vigil import") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v on a missing database: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
		if names := dirFiles(t, dir); len(names) != 0 {
			t.Fatalf("%v on a missing database left %v", args, names)
		}
	}
	for _, args := range [][]string{
		{"import", "--source", "cmms", missing},        // fails reading its input
		{"models", "import", missing},                  // fails reading after opening
		{"user", "add", "dave", "--role", "superuser"}, // fails validating after opening
		{"segments", "import", missing},
		{"import", "--batch", filepath.Join(dir, "missing.yaml")},
	} {
		code, _, stderr := runIn(t, append(args, "--db", db)...)
		if code == 0 {
			t.Errorf("%v: exit 0", args)
		}
		if names := dirFiles(t, dir); len(names) != 0 {
			t.Errorf("%v failed (%s) and left %v", args, strings.TrimSpace(stderr), names)
		}
	}
	// A command that succeeds creates it.
	if code, _, stderr := runIn(t, "import", "--source", "cmms", filepath.Join("testdata", "ce_inventory.csv"), "--db", db); code != 0 {
		t.Fatalf("import into a new database: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("import did not create the database: %v", err)
	}
	if code, out, stderr := runIn(t, "inventory", "list", "--db", db); code != 0 || !strings.Contains(out, "devices") {
		t.Errorf("inventory list: exit %d\n%s%s", code, out, stderr)
	}
}

// TestErrorsGiveTheReason checks that a file a command cannot read is named
// with the operating system's reason, on one line.
func TestErrorsGiveTheReason(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	if code, _, stderr := runIn(t, "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	missing := func(name string) string { return filepath.Join(dir, name) }
	for _, args := range [][]string{
		{"import", "--source", "cmms", missing("cmms.csv")},
		{"import", "--source", "cmms", "--map", missing("map.yaml"), filepath.Join("testdata", "ce_inventory.csv")},
		{"import", "--batch", missing("nightly.yaml")},
		{"models", "import", missing("eol.csv")},
		{"vendors", "import", missing("vendors.csv")},
		{"vendors", "agreements", "import", missing("contracts.csv")},
		{"segments", "import", missing("segments.csv")},
		{"controls", "import", missing("catalog.json")},
		{"feeds", "import", missing("kev.json")},
		{"mds2", "import", missing("form.xlsx")},
		{"policy", "set", missing("policy.yaml")},
		{"checks", "test", missing("check.yaml")},
		{"checks", "add", missing("check.yaml")},
		{"evidence", "add", missing("review.pdf"), "--title", "t", "--control", "hipaa:164.308(a)(1)(i)"},
		{"discover", "--pcap", missing("span.pcap")},
	} {
		code, _, stderr := runIn(t, append(args, "--db", db)...)
		name := filepath.Base(args[len(args)-1])
		for _, a := range args {
			if strings.HasPrefix(a, dir) {
				name = filepath.Base(a)
			}
		}
		if code != 1 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, name) ||
			!strings.Contains(stderr, "no such file or directory") && !strings.Contains(stderr, "does not exist") {
			t.Errorf("%v: exit %d, stderr %q; want one line naming %s and the reason", args, code, stderr, name)
		}
	}
}

// TestBadEnumNamesTheValidOnes checks a flag with a fixed set of values.
func TestBadEnumNamesTheValidOnes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "--role", "biomed", "--source", "x", "x.csv"}, "clinical-engineering, it, scanner, network, other"},
		{[]string{"import", "--kind", "cmms", "--source", "x", "x.csv"}, "inventory, scanner, network, manual"},
		{[]string{"import", "--format", "xls", "--source", "x", "x.csv"}, "csv, xlsx, nmap, jsonl"},
		{[]string{"inventory", "list", "--criticality", "high"}, "life-sustaining, life-supporting, diagnostic, non-clinical"},
		{[]string{"inventory", "discrepancies", "--kind", "conflict"}, "missing-from-source, unmanaged, stale, field-conflict, duplicate, identity-conflict"},
		{[]string{"plan", "list", "--status", "done"}, "open, closed"},
		{[]string{"attest", "hipaa:164.308(a)(1)(i)", "--answer", "yes"}, "met, partially-met, not-met, not-applicable"},
		{[]string{"inventory", "list", "--format", "xml"}, "table, json, csv"},
	} {
		code, out, stderr := runIn(t, tc.args...)
		if code != 2 || out != "" || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 2 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and the valid values %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestDemoChecksThePortFirst checks that the demo says a busy port before
// it generates anything, with the reason, and that --once does not need it.
func TestDemoChecksThePortFirst(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	dir := filepath.Join(t.TempDir(), "demo")
	code, out, stderr := run(t, nil, "demo", "--dir", dir, "--addr", addr, "--devices", "30")
	want := "port " + port + " is in use (address already in use); pass --addr"
	if code != 1 || !strings.Contains(stderr, want) || out != "" {
		t.Errorf("demo on a busy port: exit %d, stdout %q, stderr %q; want %q", code, out, stderr, want)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("the demo generated into %s before finding the port busy: %v", dir, dirFiles(t, dir))
	}

	// --once does not serve, so the port does not matter; each step is
	// said on stderr as it happens.
	code, out, stderr = run(t, nil, "demo", "--once", "--dir", dir, "--addr", addr, "--devices", "30")
	if code != 0 {
		t.Fatalf("demo --once on a busy port: exit %d\n%s%s", code, out, stderr)
	}
	steps := []string{
		"vigil demo: generating a hospital of 30 devices (seed 1) into " + dir,
		"vigil demo: wrote ",
		"vigil demo: reading cmms_clinical_engineering.csv",
		"vigil demo: read ",
		"vigil demo: importing 3 sources",
		"; discovering devices in clinical_traffic.pcap",
		"vigil demo: discovered ",
		"vigil demo: matching the vulnerabilities of ",
		"vigil demo: writing the HIPAA binder",
		"vigil demo: done",
	}
	at := 0
	for _, s := range steps {
		i := strings.Index(stderr[at:], s)
		if i < 0 {
			t.Fatalf("demo progress lacks %q after byte %d:\n%s", s, at, stderr)
		}
		at += i + len(s)
	}
}

// TestServeSaysWhyItCannotListen checks a busy address is reported with
// the reason.
func TestServeSaysWhyItCannotListen(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	db := filepath.Join(t.TempDir(), "v.db")
	code, _, stderr := runIn(t, "serve", "--addr", ln.Addr().String(), "--db", db)
	if code != 1 || !strings.Contains(stderr, "address already in use") {
		t.Errorf("serve on a busy port: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("serve failed and left %s", db)
	}
}

package ingest

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestHeaderCorpus maps every real-world header spelling of
// testdata/headers.tsv by its words alone and fails below 97%. Every 5th
// entry is held out of the word tables; its accuracy is reported apart.
func TestHeaderCorpus(t *testing.T) {
	f, err := os.Open("testdata/headers.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var all, allOK, held, heldOK int
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) != 3 {
			t.Fatalf("testdata/headers.tsv:%d: want header, field, source", line)
		}
		header, want, source := cols[0], cols[1], cols[2]
		if !vigil.IsField(want) && want != FieldObservedAt {
			t.Fatalf("testdata/headers.tsv:%d: unknown field %q", line, want)
		}
		all++
		isHeld := all%5 == 0
		if isHeld {
			held++
		}
		got, _ := newMapper(nil).known(header)
		if got == want {
			allOK++
			if isHeld {
				heldOK++
			}
			continue
		}
		t.Logf("miss: %q (%s): got %q, want %q%s", header, source, got, want, map[bool]string{true: " [held out]"}[isHeld])
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if all < 150 {
		t.Errorf("the corpus has %d entries, want at least 150", all)
	}
	pct := func(a, b int) float64 { return 100 * float64(a) / float64(max(b, 1)) }
	t.Logf("header corpus: %d/%d mapped (%.1f%%); held out: %d/%d (%.1f%%)", allOK, all, pct(allOK, all), heldOK, held, pct(heldOK, held))
	if pct(allOK, all) < 97 {
		t.Errorf("header corpus: %.1f%% mapped, want at least 97%%", pct(allOK, all))
	}
}

// TestHeaderTokens checks the splitting the scoring reads.
func TestHeaderTokens(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SWVersion", "sw version"},
		{"S/N", "sn"},
		{"IPv4Address", "ipv4 address"},
		{"MACAddress", "mac address"},
		{"serial_number", "serial number"},
		{"Serial #", "serial number"},
		{"MAC1", "mac"},
		{"OperatingSystemVersion", "operating system version"},
		{"Numéro de série", "numero de serie"},
	} {
		if got := strings.Join(headerTokens(c.in), " "); got != c.want {
			t.Errorf("headerTokens(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestHeaderContentDecides checks that a column's values choose between
// close candidates and find unlabelled version columns.
func TestHeaderContentDecides(t *testing.T) {
	sample := func(vals ...string) [][]string {
		var rows [][]string
		for _, v := range vals {
			rows = append(rows, []string{"A1", v})
		}
		return rows
	}
	for _, c := range []struct {
		header string
		vals   []string
		want   string
	}{
		{"Risk Class", []string{"II", "III", "II"}, vigil.FieldFDAClass},
		{"Risk Class", []string{"Life Support", "Diagnostic"}, vigil.FieldCriticality},
		{"Device Class", []string{"2", "3"}, vigil.FieldFDAClass},
		{"", []string{"4.2.1", "4.3.0", "v10.1"}, vigil.FieldFirmware},
		{"Col 7", []string{"00-1A-2B-3C-4D-5E", "00:1a:2b:3c:4d:5f"}, vigil.FieldMAC},
		{"Purchase Cost", []string{"1250.00", "980.50"}, ""}, // a decimal is no version
		{"Weight", []string{"3.5", "4.25"}, ""},              // nor under a header naming nothing
		{"Purchase Order", []string{"4.2.1", "4.3.0"}, ""},   // a header that says something keeps its column
		{"Version or Model", []string{"MX450", "B650"}, vigil.FieldModel},
		{"PM date", []string{"2025-01-03", "2025-02-03"}, vigil.FieldLastPM},
	} {
		ms := newMapper(nil).mapColumns([]string{"Asset Tag", c.header}, sample(c.vals...))
		if got := ms[1].Field; got != c.want {
			t.Errorf("%q with %v: mapped to %q (%s), want %q", c.header, c.vals, got, ms[1].How, c.want)
		}
	}
}

// BenchmarkMapHeaders maps a 30-column header by words and content with a
// full 200-row sample: the work done once per file.
func BenchmarkMapHeaders(b *testing.B) {
	headers := []string{"Equip #", "Mfr", "Model #", "S/N", "SW Rev", "VLAN Id", "Last PM", "Next PM Due", "Svc Contract",
		"EOL Date", "Cost Ctr", "Risk Class", "Comments", "Col13", "hostserialnumber", "OperatingSystemVersion",
		"asset_info.ipv4_addresses", "Warrantydate", "Most recent discovery", "Device Class", "BIOS Build Number",
		"Item Name", "Location", "Department", "Building", "Room", "Status (Active/Inactive)", "MAC LAN", "FQDN", "Notes"}
	row := []string{"E-1", "GE", "B650", "SN1", "2.01.5", "140", "2025-01-03", "2026-01-03", "C-77", "2030-12-31", "CC-1",
		"Life Support", "ok", "00-1a-2b-3c-4d-5e", "SN1", "10.0.1", "10.0.0.1", "2027-01-01", "2026-11-01", "2", "1.2.3",
		"mon-1", "ICU", "ICU", "A", "101", "Active", "00:1a:2b:3c:4d:5e", "mon-1.example.org", ""}
	sample := make([][]string, 200)
	for i := range sample {
		sample[i] = row
	}
	b.ReportAllocs()
	for b.Loop() {
		newMapper(nil).mapColumns(headers, sample)
	}
}

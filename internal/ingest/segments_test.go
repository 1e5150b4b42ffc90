package ingest

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
)

var segmentsSeed = flag.Uint64("segments.seed", 0, "seed for TestSegmentsRandomLayouts (0: from the clock)")

func TestParseSegmentsFiles(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []vigil.Segment
	}{
		{"simple.csv", []vigil.Segment{
			{Name: "CLIN-MONITORING", CIDR: "10.32.0.0/24", VLAN: 110, Clinical: true},
			{Name: "CORP-WORKSTATIONS", CIDR: "10.32.8.0/22", VLAN: 200},
		}},
		// Excel's semicolons, a BOM, CRLF, a comment, a blank row, a quoted
		// name, an extra column, "VLAN 170" and other spellings.
		{"excel.csv", []vigil.Segment{
			{Name: "Imaging, PACS", VLAN: 140, Clinical: true, Site: "SBMC"},
			{Name: "Guest Wi-Fi", CIDR: "172.16.0.0/16", Site: "SBMC"},
			{Name: "Nurse call", CIDR: "10.40.7.0/24", VLAN: 170, Site: "RCH"},
		}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ReadSegments(filepath.Join("testdata", "segments", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSegmentsRefused(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", "s.csv: no header row"},
		{"name,cidr\nA,10.0.0.0/8\n", "s.csv: line 1: the header \"name,cidr\" lacks"},
		{"segment,subnet,clinical,name\n", "s.csv: line 1: columns 1 and 4 both give the name"},
		{"name,cidr,vlan,clinical\nA,10.0.0.0/33,,yes\n", `s.csv: line 2: segment "A": "10.0.0.0/33" is not a subnet`},
		{"name,cidr,vlan,clinical\nA,,5000,yes\n", `s.csv: line 2: segment "A": VLAN "5000" is not a number from 1 to 4094`},
		{"name,cidr,vlan,clinical\nA,,,yes\n", `s.csv: line 2: segment "A" has neither a subnet nor a VLAN`},
		{"name,cidr,vlan,clinical\n,10.0.0.0/8,,yes\n", "s.csv: line 2: the segment has no name"},
		{"name,cidr,vlan,clinical\nA,,4,maybe\n", `s.csv: line 2: segment "A": clinical "maybe" is neither yes nor no`},
		{"name,cidr,vlan,clinical\nA,,4,yes\n\nA,,5,no\n", `s.csv: line 4: segment "A" is listed twice (first on line 2)`},
		{"name,cidr,vlan,clinical\n\"A,,4,yes\n", "s.csv: line 2: column"},
		{"PK\x03\x04....", "zip archive"},
	} {
		_, err := ParseSegments("s.csv", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) || vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("%q: error %v, want EINVALID containing %q", tc.text, err, tc.want)
		}
	}
	if _, err := ReadSegments(filepath.Join(t.TempDir(), "missing.csv")); err == nil || !strings.Contains(err.Error(), "missing.csv: no such file") {
		t.Errorf("missing file: %v", err)
	}
	if _, err := ReadSegments(filepath.Join("testdata", "segments", "duplicate.csv")); err == nil || !strings.Contains(err.Error(), "duplicate.csv: line 3") {
		t.Errorf("duplicate.csv: %v", err)
	}
}

// segmentSynonyms are header spellings of each column, as real lists write them.
var segmentSynonyms = map[string][]string{
	"name":     {"name", "Segment", "Segment Name", "VLAN name", "network_name"},
	"cidr":     {"cidr", "Subnet", "Prefix", "IP Range", "Network Address"},
	"vlan":     {"vlan", "VLAN ID", "vlan_id", "VID", "Vlan No."},
	"clinical": {"clinical", "Is Clinical", "Clinical?", "ePHI", "Medical"},
	"site":     {"site", "Site", "Hospital", "Facility", "Campus", "Site Name"},
}

// TestSegmentsRandomLayouts writes random segment lists in random layouts
// (column order, header spellings, extra columns, delimiter, BOM, line
// endings, blank and comment rows, boolean spellings) and reads them back.
func TestSegmentsRandomLayouts(t *testing.T) {
	seed := *segmentsSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (replay with -segments.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	for i := range 300 {
		text, want := randomSegmentsFile(rng)
		got, err := ParseSegments("r.csv", text)
		if err != nil {
			t.Fatalf("seed %d, file %d: %v\n%s", seed, i, err, text)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("seed %d, file %d (-want +got):\n%s\n%s", seed, i, diff, text)
		}
	}
}

func randomSegmentsFile(rng *rand.Rand) ([]byte, []vigil.Segment) {
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	cols := []string{"name", "clinical"}
	hasCIDR, hasVLAN := rng.IntN(4) > 0, rng.IntN(4) > 0
	if !hasCIDR && !hasVLAN {
		hasCIDR = true
	}
	if hasCIDR {
		cols = append(cols, "cidr")
	}
	if hasVLAN {
		cols = append(cols, "vlan")
	}
	hasSite := rng.IntN(3) == 0
	if hasSite {
		cols = append(cols, "site")
	}
	for range rng.IntN(3) {
		cols = append(cols, pick([]string{"Notes", "Owner", "Gateway"}))
	}
	rng.Shuffle(len(cols), func(i, j int) { cols[i], cols[j] = cols[j], cols[i] })

	want := []vigil.Segment{}
	n := rng.IntN(12)
	for i := range n {
		s := vigil.Segment{Name: fmt.Sprintf("%s-%d", pick([]string{"CLIN", "Imaging, PACS", "Guest Wi-Fi", "Pharmacie", "Réa", `the "lab"`}), i)}
		if hasCIDR && (!hasVLAN || rng.IntN(3) > 0) {
			if rng.IntN(5) == 0 {
				s.CIDR = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, byte(i)}), 64).String()
			} else {
				s.CIDR = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(rng.IntN(256)), byte(i), 0}), 24).String()
			}
		}
		if hasVLAN && (s.CIDR == "" || rng.IntN(2) == 0) {
			s.VLAN = 1 + rng.IntN(4094)
		}
		s.Clinical = rng.IntN(2) == 0
		if hasSite {
			s.Site = pick([]string{"", "St. Brigid Medical Center", "RCH", "Hôpital Nord"})
		}
		want = append(want, s)
	}

	var buf bytes.Buffer
	if rng.IntN(4) == 0 {
		buf.Write(utf8BOM)
	}
	w := csv.NewWriter(&buf)
	w.Comma = rune(delimiters[rng.IntN(len(delimiters))])
	w.UseCRLF = rng.IntN(2) == 0
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c
		if syn, ok := segmentSynonyms[c]; ok {
			header[i] = pick(syn)
		}
	}
	w.Write(header)
	yes := []string{"yes", "Y", "TRUE", "1", "x", "clinical"}
	no := []string{"no", "N", "false", "0", "", "corporate"}
	for _, s := range want {
		if rng.IntN(8) == 0 {
			w.Write(make([]string, len(cols))) // a blank row
		}
		row := make([]string, len(cols))
		for i, c := range cols {
			switch c {
			case "name":
				row[i] = s.Name
			case "cidr":
				row[i] = s.CIDR
			case "vlan":
				if s.VLAN > 0 {
					row[i] = fmt.Sprint(s.VLAN)
					if rng.IntN(6) == 0 {
						row[i] = fmt.Sprintf("VLAN %d", s.VLAN)
					}
				}
			case "site":
				row[i] = s.Site
			case "clinical":
				row[i] = pick(no)
				if s.Clinical {
					row[i] = pick(yes)
				}
			default:
				row[i] = pick([]string{"", "SBMC", "see ticket 42"})
			}
		}
		w.Write(row)
	}
	w.Flush()
	return buf.Bytes(), want
}

// FuzzParseSegments: ParseSegments never panics, refuses only with
// EINVALID, and whatever it accepts is a valid list of distinct segments.
func FuzzParseSegments(f *testing.F) {
	addFiles(f, filepath.Join("testdata", "segments", "*"))
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		text, _ := randomSegmentsFile(rng)
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		segs, err := ParseSegments("fuzz.csv", data)
		if err != nil {
			if vigil.ErrorCode(err) != vigil.EINVALID || !strings.HasPrefix(vigil.ErrorMessage(err), "fuzz.csv: ") {
				t.Fatalf("error %q (code %s)", err, vigil.ErrorCode(err))
			}
			return
		}
		seen := map[string]bool{}
		for i := range segs {
			if err := segs[i].Validate(); err != nil {
				t.Fatalf("accepted an invalid segment: %v", err)
			}
			if seen[segs[i].Name] {
				t.Fatalf("segment %q twice", segs[i].Name)
			}
			seen[segs[i].Name] = true
		}
	})
}

func TestReadSegmentsTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.csv")
	if err := os.WriteFile(path, bytes.Repeat([]byte("a"), MaxSegmentsFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSegments(path); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("a 16 MiB file: %v", err)
	}
}

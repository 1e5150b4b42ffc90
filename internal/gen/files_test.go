package gen

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/vigil-health/vigil"
)

// sample is one hospital written to disk, shared by the file tests.
func sample(t *testing.T) (*Hospital, string) {
	t.Helper()
	h := mustGenerate(t, Options{Seed: 5, Devices: 1500})
	dir, _ := mustWrite(t, h)
	return h, dir
}

func TestCMMSFile(t *testing.T) {
	h, dir := sample(t)
	raw, err := os.ReadFile(filepath.Join(dir, FileCMMS))
	if err != nil {
		t.Fatal(err)
	}
	if n, crlf := bytes.Count(raw, []byte("\n")), bytes.Count(raw, []byte("\r\n")); n != crlf || n == 0 {
		t.Errorf("%d line feeds, %d CRLF: want Windows line endings only", n, crlf)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv: %v", err)
	}
	if diff := cmp.Diff(cmmsHeader[:], rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(rows)-1 != len(h.cmms) {
		t.Errorf("%d data rows, want %d", len(rows)-1, len(h.cmms))
	}
	var commas, quotes int
	ge := map[string]bool{}
	for _, r := range rows[1:] {
		for _, c := range r {
			if strings.Contains(c, ",") {
				commas++
			}
			if strings.Contains(c, `"`) {
				quotes++
			}
		}
		if strings.HasPrefix(r[ceModel], "CARESCAPE") || strings.HasPrefix(r[ceModel], "MAC 5500") || strings.HasPrefix(r[ceModel], "Revolution") {
			ge[r[ceMaker]] = true
		}
		if r[cePMDate] != "" && (len(r[cePMDate]) != 10 || r[cePMDate][2] != '/' || r[cePMDate][5] != '/') {
			t.Errorf("Last PM Date %q is not MM/DD/YYYY", r[cePMDate])
		}
	}
	if commas == 0 || quotes == 0 {
		t.Errorf("fields with commas: %d, with quotes: %d; want some of each", commas, quotes)
	}
	if len(ge) < 2 {
		t.Errorf("GE spelled %d ways, want several: %v", len(ge), ge)
	}
	recs := h.Records()[SourceCMMS]
	for i, r := range recs {
		if r.Origin.Line != i+2 || r.Get(vigil.FieldSerial) != rows[i+1][ceSerial] || r.Get(vigil.FieldAssetTag) != rows[i+1][ceControl] {
			t.Fatalf("record %d (%s) does not match CSV line %d", i, r.Origin, i+2)
		}
	}
}

func TestCMDBFile(t *testing.T) {
	h, dir := sample(t)
	f, err := excelize.OpenFile(filepath.Join(dir, FileCMDB))
	if err != nil {
		t.Fatalf("excelize: %v", err)
	}
	defer f.Close()
	if diff := cmp.Diff([]string{CMDBSheet}, f.GetSheetList()); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	rows, err := f.GetRows(CMDBSheet)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(cmdbHeader[:], rows[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	if len(rows)-1 != len(h.cmdb) {
		t.Errorf("%d data rows, want %d", len(rows)-1, len(h.cmdb))
	}
	var dashes, dots, colons, blanks int
	for i, r := range rows[1:] {
		if len(r) <= itMAC || r[itMAC] == "" {
			blanks++
			continue
		}
		mac := r[itMAC]
		switch {
		case strings.Count(mac, "-") == 5 && mac == strings.ToUpper(mac):
			dashes++
		case strings.Count(mac, ".") == 2:
			dots++
		case strings.Count(mac, ":") == 5:
			colons++
		default:
			t.Errorf("row %d: MAC %q in no expected notation", i+2, mac)
		}
		if _, err := vigil.NormalizeMAC(mac); err != nil {
			t.Errorf("row %d: %v", i+2, err)
		}
	}
	if dashes == 0 || dots == 0 || blanks == 0 {
		t.Errorf("MAC notations: %d dashes, %d Cisco dots, %d colons, %d blank; want dashes, dots and blanks", dashes, dots, colons, blanks)
	}
	props, err := f.GetDocProps()
	if err != nil {
		t.Fatal(err)
	}
	if want := h.Now.Format("2006-01-02T15:04:05Z"); props.Created != want || props.Modified != want {
		t.Errorf("document dates %s / %s, want %s", props.Created, props.Modified, want)
	}
	recs := h.Records()[SourceCMDB]
	for i, r := range recs {
		row := rows[r.Origin.Row-1]
		if r.Origin.Row != i+2 || r.Get(vigil.FieldHostname) != strings.ToLower(row[itName]) {
			t.Fatalf("record %d (%s) does not match the sheet row", i, r.Origin)
		}
	}
}

// nmapRun is the part of nmap's XML the test reads.
type nmapRun struct {
	XMLName xml.Name `xml:"nmaprun"`
	Scanner string   `xml:"scanner,attr"`
	Hosts   []struct {
		Status struct {
			State string `xml:"state,attr"`
		} `xml:"status"`
		Addresses []struct {
			Addr     string `xml:"addr,attr"`
			AddrType string `xml:"addrtype,attr"`
			Vendor   string `xml:"vendor,attr"`
		} `xml:"address"`
		Hostnames []struct {
			Name string `xml:"name,attr"`
		} `xml:"hostnames>hostname"`
		Ports []struct {
			PortID int `xml:"portid,attr"`
		} `xml:"ports>port"`
		OSMatches []struct {
			Name string `xml:"name,attr"`
		} `xml:"os>osmatch"`
	} `xml:"host"`
	Runstats struct {
		Hosts struct {
			Up int `xml:"up,attr"`
		} `xml:"hosts"`
	} `xml:"runstats"`
}

func TestNmapFile(t *testing.T) {
	h, dir := sample(t)
	raw, err := os.ReadFile(filepath.Join(dir, FileNmap))
	if err != nil {
		t.Fatal(err)
	}
	var run nmapRun
	if err := xml.Unmarshal(raw, &run); err != nil {
		t.Fatalf("encoding/xml: %v", err)
	}
	if run.Scanner != "nmap" || len(run.Hosts) != len(h.scan.hosts) || run.Runstats.Hosts.Up != len(run.Hosts) {
		t.Fatalf("scanner %q, %d hosts, %d up; want nmap and %d", run.Scanner, len(run.Hosts), run.Runstats.Hosts.Up, len(h.scan.hosts))
	}
	var scanned []netip.Prefix
	for _, n := range h.Networks {
		if n.Scanned {
			scanned = append(scanned, n.Prefix)
		}
	}
	var withOS, withPorts int
	for i, host := range run.Hosts {
		ip, err := netip.ParseAddr(host.Addresses[0].Addr)
		if err != nil || host.Addresses[0].AddrType != "ipv4" {
			t.Fatalf("host %d: first address %+v", i, host.Addresses[0])
		}
		in := false
		for _, p := range scanned {
			in = in || p.Contains(ip)
		}
		if !in {
			t.Errorf("host %s outside the scanned networks", ip)
		}
		if len(host.OSMatches) > 0 {
			withOS++
		}
		if len(host.Ports) > 0 {
			withPorts++
		}
	}
	if withOS == 0 || withPorts == 0 {
		t.Errorf("%d hosts with an OS match, %d with open ports; want some of each", withOS, withPorts)
	}
	lines := splitLines(raw)
	for i, r := range h.Records()[SourceNmap] {
		if l := r.Origin.Line; l < 1 || l > len(lines) || !strings.HasPrefix(lines[l-1], "<host ") {
			t.Fatalf("record %d: origin %s is not a <host> line", i, r.Origin)
		}
		if want := run.Hosts[i].Addresses[0].Addr; r.Get(vigil.FieldIP) != want {
			t.Fatalf("record %d: ip %s, file says %s", i, r.Get(vigil.FieldIP), want)
		}
	}
}

func splitLines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

func TestTruthFile(t *testing.T) {
	h, dir := sample(t)
	raw, err := os.ReadFile(filepath.Join(dir, FileTruth))
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Seed     int64      `json:"seed"`
		Summary  Summary    `json:"summary"`
		Networks []*Network `json:"networks"`
		Devices  []*Device  `json:"devices"`
	}
	if err := json.Unmarshal(raw, &truth); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	if truth.Seed != h.Seed || len(truth.Devices) != len(h.Devices) || truth.Summary.Devices != len(h.Devices) {
		t.Fatalf("seed %d, %d devices; want %d, %d", truth.Seed, len(truth.Devices), h.Seed, len(h.Devices))
	}
	if diff := cmp.Diff(h.Devices[7], truth.Devices[7], cmp.AllowUnexported(Device{}), cmpIgnoreInternal()); diff != "" {
		t.Errorf("device 7 round trip (-want +got):\n%s", diff)
	}
	if len(truth.Networks) != len(h.Networks) {
		t.Errorf("%d networks, want %d", len(truth.Networks), len(h.Networks))
	}
}

// cmpIgnoreInternal ignores the generator's unexported links on Device.
func cmpIgnoreInternal() cmp.Option {
	return cmp.FilterPath(func(p cmp.Path) bool {
		switch p.Last().String() {
		case ".m", ".dept", ".net":
			return true
		}
		return false
	}, cmp.Ignore())
}

func TestSnapshots(t *testing.T) {
	h := mustGenerate(t, Options{Seed: 9, Devices: 200})
	snaps := h.Snapshots()
	if len(snaps) != 3 {
		t.Fatalf("%d snapshots, want 3", len(snaps))
	}
	for _, s := range snaps {
		if err := s.Source.Validate(); err != nil {
			t.Errorf("%s: %v", s.Source.Name, err)
		}
		if s.Source.Kind != SourceKinds()[s.Source.Name] || len(s.Records) == 0 {
			t.Errorf("%s: kind %s, %d records", s.Source.Name, s.Source.Kind, len(s.Records))
		}
		for _, r := range s.Records {
			for k, v := range r.Fields.All() {
				if !vigil.IsField(k) || v == "" {
					t.Fatalf("%s %s: field %q=%q", s.Source.Name, r.Origin, k, v)
				}
			}
			if mac := r.Get(vigil.FieldMAC); mac != "" {
				if n, err := vigil.NormalizeMAC(mac); err != nil || n != mac {
					t.Fatalf("%s %s: MAC %q not canonical", s.Source.Name, r.Origin, mac)
				}
			}
		}
	}
}

func TestVigilSites(t *testing.T) {
	h := mustGenerate(t, Options{Seed: 1, Devices: 50})
	sites := h.VigilSites()
	seen := map[int64]bool{}
	var hospitals, depts int
	for _, s := range sites {
		if err := s.Validate(); err != nil {
			t.Errorf("site %d %q: %v", s.ID, s.Name, err)
		}
		if s.ParentID != 0 && !seen[s.ParentID] {
			t.Errorf("site %d %q: parent %d not listed before it", s.ID, s.Name, s.ParentID)
		}
		seen[s.ID] = true
		switch s.Kind {
		case vigil.SiteHospital:
			hospitals++
		case vigil.SiteDepartment:
			depts++
		}
	}
	if _, all := newSites(); hospitals != 2 || depts < len(all) {
		t.Errorf("%d hospitals, %d departments; want 2 and at least %d", hospitals, depts, len(all))
	}
}

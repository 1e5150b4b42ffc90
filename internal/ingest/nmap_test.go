package ingest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
)

// realNmapDir is the shared real nmap corpus, relative to this package.
var realNmapDir = filepath.Join("..", "..", "..", "shared", "realdata", "nmap")

// TestNmapRealdata reads every real nmap file: the good ones must match
// their golden summary, the hostile and failed ones must be refused.
func TestNmapRealdata(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(realNmapDir, "*", "*.xml"))
	if len(files) == 0 {
		t.Skip("shared/realdata/nmap is absent")
	}
	refused := map[string]string{
		"defused_et_included.xml":       "byte 17: root element is <root>, not <nmaprun>",
		"defused_et_local_includer.xml": "byte 43: DOCTYPE declares an external entity",
		"scan_error_other.xml":          `line 3: nmap reports the scan failed ("Unsupported error")`,
		"scan_error_resolving_name.xml": `line 3: nmap reports the scan failed ("Error resolving name localhost")`,
	}
	for _, f := range files {
		base := filepath.Base(f)
		t.Run(base, func(t *testing.T) {
			res, err := Read(context.Background(), f, Options{Now: testNow})
			if want, ok := refused[base]; ok {
				if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), base) {
					t.Fatalf("err = %v, want one naming %s and containing %q", err, base, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hosts) != len(res.Records) {
				t.Fatalf("%d hosts for %d records", len(res.Hosts), len(res.Records))
			}
			got := strings.ReplaceAll(summarize(res), filepath.Dir(f)+string(filepath.Separator), "")
			checkGolden(t, "nmap_"+filepath.Base(filepath.Dir(f))+"_"+strings.TrimSuffix(base, ".xml")+".txt", got)
		})
	}
}

// TestNmapFullSudo6 checks the answers REPORT.md gives for full_sudo6.xml.
func TestNmapFullSudo6(t *testing.T) {
	path := filepath.Join(realNmapDir, "python-libnmap", "full_sudo6.xml")
	if _, err := os.Stat(path); err != nil {
		t.Skip("shared/realdata/nmap is absent")
	}
	res := mustRead(t, path, Options{})
	byIP := map[string]NmapHost{}
	for _, h := range res.Hosts {
		byIP[h.IP] = h
	}
	if len(byIP) != 4 {
		t.Fatalf("%d hosts up, want 4", len(byIP))
	}
	ports := func(h NmapHost) []int {
		var ps []int
		for _, p := range h.Ports {
			ps = append(ps, p.Port)
		}
		return ps
	}
	r1 := byIP["192.168.1.1"]
	if r1.MAC != "6c:2e:85:19:af:00" || r1.MACVendor != "Sagemcom" || r1.OS != "Linux 2.6.13 (embedded)" {
		t.Errorf("192.168.1.1 = %+v", r1)
	}
	if diff := cmp.Diff([]int{23, 80, 443, 992, 8080, 8443}, ports(r1)); diff != "" {
		t.Errorf("192.168.1.1 ports (-want +got):\n%s", diff)
	}
	if h := byIP["192.168.1.2"]; h.MACVendor != "Apple" || !cmp.Equal(ports(h), []int{62078}) {
		t.Errorf("192.168.1.2 = %+v", h)
	}
	if h := byIP["192.168.1.5"]; h.MACVendor != "Intel Corporate" || !strings.Contains(h.OS, "Windows Server 2008") ||
		!cmp.Equal(ports(h), []int{2869, 5357}) || h.Ports[0].Product != "Microsoft HTTPAPI httpd" {
		t.Errorf("192.168.1.5 = %+v", h)
	}
	if h := byIP["192.168.1.3"]; !strings.Contains(h.OS, "Mac OS X 10.8") || !cmp.Equal(ports(h), []int{88, 3389, 5900}) {
		t.Errorf("192.168.1.3 = %+v", h)
	}
	if got := res.Records[0].ObservedAt.Unix(); got != 1399586579 {
		t.Errorf("first host observed at %d, want its endtime 1399586579", got)
	}
}

func TestNmapSynthetic(t *testing.T) {
	const head = `<?xml version="1.0"?>` + "\n"
	tests := []struct {
		name, xml string
		wantErr   string // substring; "" for success
		wantRecs  int
	}{
		{"billion laughs", head + `<!DOCTYPE nmaprun [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>` + "\n<nmaprun>&b;</nmaprun>",
			"byte 41: DOCTYPE declares an entity", 0},
		{"public entity", head + `<!DOCTYPE x [<!ENTITY e PUBLIC "-//x" "http://x/e">]><nmaprun/>`,
			"declares an external entity", 0},
		{"undeclared entity", head + "<nmaprun>\n<host>&ee;</host></nmaprun>", "line 3", 0},
		{"truncated", head + "<nmaprun start=\"1\">\n<host><status state=\"up\"/>\n<address addr=\"10.0.0.1\"", "malformed or truncated XML", 0},
		{"no root", head + "<!-- nothing -->\n", "no <nmaprun> element", 0},
		{"not xml", "Asset Tag,MAC\n", "no <nmaprun> element", 0},
		{"latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><nmaprun><host><address addr="10.0.0.9" addrtype="ipv4"/>` +
			"<hostnames><hostname name=\"caf\xe9\" type=\"user\"/></hostnames></host></nmaprun>", "", 1},
		{"ipv6 only", head + `<nmaprun><host><status state="up"/><address addr="FE80::0:1" addrtype="ipv6"/></host></nmaprun>`, "", 1},
		{"down", head + `<nmaprun><host><status state="down"/><address addr="10.0.0.1" addrtype="ipv4"/></host></nmaprun>`, "", 0},
		{"bad mac", head + `<nmaprun><host><address addr="10.0.0.1" addrtype="ipv4"/><address addr="zz" addrtype="mac"/></host></nmaprun>`, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Parse(context.Background(), "scan.xml", []byte(tt.xml), Options{Now: testNow})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "scan.xml") {
					t.Fatalf("err = %v, want one naming scan.xml containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Records) != tt.wantRecs {
				t.Errorf("%d records, want %d:\n%s", len(res.Records), tt.wantRecs, summarize(res))
			}
		})
	}
	res, err := Parse(context.Background(), "scan.xml", []byte(tests[7].xml), Options{Now: testNow})
	if err != nil || res.Records[0].Fields.Get(vigil.FieldIP) != "fe80::1" || res.Hosts[0].IPv6 != "" {
		t.Errorf("ipv6 only: %v\n%s", err, summarize(res))
	}
}

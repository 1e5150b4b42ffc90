package match_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/match"
)

func realdata(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "realdata"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data not present: %v", err)
	}
	return p
}

// corpus loads the named real-data feed files into one corpus.
func corpus(t testing.TB, files ...string) *feeds.Corpus {
	t.Helper()
	c := feeds.NewCorpus()
	for _, f := range files {
		p := realdata(t, "vuln", f)
		r, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := feeds.Parse(context.Background(), p, r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		c.Add(b)
	}
	return c
}

func index(t testing.TB, files ...string) *match.Index {
	c := corpus(t, files...)
	return match.NewIndex(c.List(), c.Advisories, match.Options{})
}

// find returns the match for vuln id, or nil.
func find(ms []vigil.VulnMatch, id string) *vigil.VulnMatch {
	for i := range ms {
		if ms[i].VulnID == id {
			return &ms[i]
		}
	}
	return nil
}

func TestDCMTKAcceptance(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
	}{
		{"nvd", []string{"nvd-2.0/CVE-2022-2119.json"}},
		{"csaf", []string{"csaf-icsma/icsma-22-174-01.json"}},
		{"both", []string{"nvd-2.0/CVE-2022-2119.json", "csaf-icsma/icsma-22-174-01.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ix := index(t, tc.files...)
			for _, target := range []match.Target{
				{DeviceID: 1, CPEs: []string{"cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*"}},
				{DeviceID: 1, Manufacturer: "OFFIS", Model: "DCMTK", Firmware: "3.6.6"},
			} {
				if tc.name == "csaf" && len(target.CPEs) > 0 {
					continue // CSAF product trees match manufacturer and model, not CPEs
				}
				m := find(ix.Match(target), "CVE-2022-2119")
				if m == nil || m.Status != vigil.StatusAffected || m.FixedIn != "3.6.7" {
					t.Errorf("3.6.6 %+v: match %+v, want affected, fixed in 3.6.7", target, m)
				}
				if tc.name != "nvd" && (m == nil || m.AdvisoryID != "ICSMA-22-174-01") {
					t.Errorf("3.6.6: advisory %+v, want ICSMA-22-174-01", m)
				}
				target.Firmware = "3.6.7"
				if len(target.CPEs) > 0 {
					target.CPEs = []string{"cpe:2.3:a:offis:dcmtk:3.6.7:*:*:*:*:*:*:*"}
				}
				if got := ix.Match(target); len(got) != 0 {
					t.Errorf("3.6.7 %+v: matches %+v, want none", target, got)
				}
			}
		})
	}
}

func TestNVDAndConfigurations(t *testing.T) {
	ix := index(t, "nvd-2.0/CVE-2020-6961.json", "nvd-2.0/CVE-2020-25165.json", "nvd-2.0/CVE-2023-43208.json")
	tests := []struct {
		target match.Target
		want   []string
	}{
		{match.Target{Manufacturer: "GE Healthcare", Model: "ApexPro Telemetry Server", Firmware: "4.2"}, []string{"CVE-2020-6961"}},
		{match.Target{Manufacturer: "GE Medical Systems", Model: "ApexPro Telemetry Server", Firmware: "4.1"}, []string{"CVE-2020-6961"}},
		{match.Target{Manufacturer: "ge_healthcare", Model: "ApexPro Telemetry Server", Firmware: "4.3"}, nil},
		{match.Target{Manufacturer: "GE", Model: "CARESCAPE Telemetry Server MP100R", Firmware: "4.3"}, []string{"CVE-2020-6961"}},
		{match.Target{Manufacturer: "GE", Model: "CARESCAPE Telemetry Server MP100R", Firmware: "4.2"}, []string{"CVE-2020-6961"}},
		{match.Target{Manufacturer: "GE", Model: "CARESCAPE Telemetry Server MP100R", Firmware: "4.4"}, nil},
		{match.Target{Manufacturer: "GE", Model: "Clinical Information Center MP100D", Firmware: "5.0"}, []string{"CVE-2020-6961"}},
		{match.Target{Manufacturer: "GE", Model: "Clinical Information Center MP100D", Firmware: "4.5"}, nil},
		// firmware CPE alone is not enough when the AND asks for the hardware too
		{match.Target{CPEs: []string{"cpe:2.3:o:gehealthcare:apexpro_telemetry_server_firmware:4.2:*:*:*:*:*:*:*"}}, nil},
		{match.Target{CPEs: []string{"cpe:2.3:o:gehealthcare:apexpro_telemetry_server_firmware:4.2:*:*:*:*:*:*:*", "cpe:2.3:h:gehealthcare:apexpro_telemetry_server:-:*:*:*:*:*:*:*"}}, []string{"CVE-2020-6961"}},
		{match.Target{Manufacturer: "Becton, Dickinson and Company (BD)", Model: "Alaris 8015 PCU", Firmware: "9.33.1"}, []string{"CVE-2020-25165"}},
		{match.Target{Manufacturer: "BD", Model: "Alaris 8015 PCU", Firmware: "9.33.2"}, nil},
		{match.Target{Manufacturer: "BD", Model: "Alaris Systems Manager", Firmware: "4.33"}, []string{"CVE-2020-25165"}},
		{match.Target{Manufacturer: "NextGen Healthcare", Model: "Mirth Connect", Firmware: "4.4.0"}, []string{"CVE-2023-43208"}},
		{match.Target{Manufacturer: "NextGen Healthcare", Model: "Mirth Connect", Firmware: "4.4.1"}, nil},
		{match.Target{CPEs: []string{"cpe:2.3:a:nextgen:mirth_connect:4.3.0:*:*:*:*:*:*:*"}}, []string{"CVE-2023-43208"}},
		{match.Target{Manufacturer: "Philips", Model: "Mirth Connect", Firmware: "4.0"}, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, m := range ix.Match(tt.target) {
			got = append(got, m.VulnID)
			if m.Basis != vigil.BasisCPE || m.Confidence <= 0.5 || m.Criteria == "" || m.Reason == "" {
				t.Errorf("%+v: match %+v lacks basis, confidence or criteria", tt.target, m)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%+v (-want +got):\n%s", tt.target, diff)
		}
	}
}

func TestUnknownFirmwareLowersConfidence(t *testing.T) {
	ix := index(t, "nvd-2.0/CVE-2023-43208.json")
	known := find(ix.Match(match.Target{Manufacturer: "NextGen", Model: "Mirth Connect", Firmware: "4.0"}), "CVE-2023-43208")
	unknown := find(ix.Match(match.Target{Manufacturer: "NextGen", Model: "Mirth Connect"}), "CVE-2023-43208")
	if known == nil || unknown == nil || unknown.Confidence >= known.Confidence {
		t.Errorf("known %+v, unknown %+v: want a lower confidence when the version is unknown", known, unknown)
	}
}

var cveID = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)

// TestGENoInventedCVEs: the GE MDhex advisory's product names hold
// "CVE-2020- 6962"; matching must yield only the advisory's real CVE ids.
func TestGENoInventedCVEs(t *testing.T) {
	ix := index(t, "csaf-icsma/icsma-20-023-01.json")
	want := []string{"CVE-2020-6961", "CVE-2020-6962", "CVE-2020-6963", "CVE-2020-6964", "CVE-2020-6965", "CVE-2020-6966"}
	for _, model := range []string{"B450", "CARESCAPE B450", "ApexPro Telemetry Server", "CARESCAPE Central Station (CSCS)"} {
		ms := ix.Match(match.Target{DeviceID: 7, Manufacturer: "GE Healthcare", Model: model, Firmware: "2.1"})
		if len(ms) == 0 {
			t.Errorf("%s: no matches", model)
		}
		for _, m := range ms {
			if !cveID.MatchString(m.VulnID) || !slices.Contains(want, m.VulnID) {
				t.Errorf("%s: invented vulnerability id %q", model, m.VulnID)
			}
			if m.Basis != vigil.BasisCSAFProduct || m.AdvisoryID != "ICSMA-20-023-01" || m.DeviceID != 7 {
				t.Errorf("%s: %+v", model, m)
			}
		}
	}
	if ms := ix.Match(match.Target{Manufacturer: "GE Healthcare", Model: "ApexPro Telemetry Server", Firmware: "4.3"}); len(ms) != 0 {
		t.Errorf("ApexPro 4.3: %+v, want none (<= 4.2)", ms)
	}
}

func TestVEXNotAffected(t *testing.T) {
	ix := index(t, "nvd-2.0/CVE-2022-2119.json")
	comp := vigil.Component{Ref: "dcmtk-1", Name: "dcmtk", Version: "3.6.6", Supplier: "OFFIS", CPE: "cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*"}
	target := match.Target{DeviceID: 3, Manufacturer: "Acme", Model: "PACS 9", Firmware: "1.0", Components: []vigil.Component{comp}}
	m := find(ix.Match(target), "CVE-2022-2119")
	if m == nil || m.Status != vigil.StatusAffected || m.Basis != vigil.BasisSBOMComponent || m.Component != "dcmtk-1" {
		t.Fatalf("without VEX: %+v", m)
	}
	target.VEX = []vigil.VEXStatement{{VulnID: "CVE-2022-2119", Component: "dcmtk-1", Status: vigil.StatusNotAffected, Justification: "code_not_reachable"}}
	m = find(ix.Match(target), "CVE-2022-2119")
	if m == nil || m.Status != vigil.StatusNotAffected || m.Justification != "code_not_reachable" {
		t.Errorf("with VEX: %+v, want not_affected with justification", m)
	}
	// A statement about another component does not apply.
	target.VEX[0].Component = "other"
	if m = find(ix.Match(target), "CVE-2022-2119"); m == nil || m.Status != vigil.StatusAffected {
		t.Errorf("VEX for another component: %+v", m)
	}
}

func TestCSAFNotAffectedAndFixed(t *testing.T) {
	a := &vigil.Advisory{ID: "ACME-1", Products: []vigil.AdvisoryProduct{
		{ID: "P1", Vendor: "Acme", Product: "Pump", Version: "1.0"},
		{ID: "P2", Vendor: "Acme", Product: "Pump", VersionRange: "vers:generic/>=1.1|<2.0"},
		{ID: "P3", Vendor: "Acme", Product: "Pump", Version: "2.0"},
	}, Statuses: []vigil.ProductStatement{
		{VulnID: "CVE-2024-0001", ProductID: "P1", Status: vigil.StatusNotAffected, Justification: "component_not_present"},
		{VulnID: "CVE-2024-0001", ProductID: "P2", Status: vigil.StatusAffected},
		{VulnID: "CVE-2024-0001", ProductID: "P3", Status: vigil.StatusFixed},
	}}
	ix := match.NewIndex(nil, []*vigil.Advisory{a}, match.Options{})
	for fw, want := range map[string]vigil.ProductStatus{"1.0": vigil.StatusNotAffected, "1.5": vigil.StatusAffected, "2.0": vigil.StatusFixed, "3.0": ""} {
		m := find(ix.Match(match.Target{Manufacturer: "ACME Inc.", Model: "pump", Firmware: fw}), "CVE-2024-0001")
		var got vigil.ProductStatus
		if m != nil {
			got = m.Status
		}
		if got != want {
			t.Errorf("firmware %s: status %q, want %q (%+v)", fw, got, want, m)
		}
	}
}

func TestPURLMatch(t *testing.T) {
	v := &vigil.Vulnerability{ID: "CVE-2020-25649", Affected: []vigil.Affected{{PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind",
		Versions: []vigil.AffectedRange{{VersionRange: vigil.VersionRange{StartIncluding: "2.10.0", EndExcluding: "2.10.5.1"}, Status: vigil.StatusAffected}}}}}
	ix := match.NewIndex([]*vigil.Vulnerability{v}, nil, match.Options{})
	hit := vigil.Component{Ref: "r1", Name: "jackson-databind", PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.0?type=jar"}
	miss := vigil.Component{Ref: "r2", Name: "jackson-databind", PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.10.5.1"}
	if m := find(ix.Match(match.Target{Components: []vigil.Component{hit}}), v.ID); m == nil || m.Basis != vigil.BasisPURL || m.Component != "r1" {
		t.Errorf("2.10.0: %+v", m)
	}
	if ms := ix.Match(match.Target{Components: []vigil.Component{miss}}); len(ms) != 0 {
		t.Errorf("2.10.5.1: %+v", ms)
	}
}

func TestMatchAllAllICSMA(t *testing.T) {
	dir := realdata(t, "vuln", "csaf-icsma")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	var rel []string
	for _, f := range files {
		rel = append(rel, filepath.Join("csaf-icsma", filepath.Base(f)))
	}
	ix := index(t, rel...)
	targets := []match.Target{
		{DeviceID: 1, Manufacturer: "Philips", Model: "IntelliVue MX400", Firmware: "B.06.18"},
		{DeviceID: 2, Manufacturer: "BD", Model: "Alaris PC Unit Model 8015", Firmware: "9.33"},
		{DeviceID: 3, Manufacturer: "OFFIS", Model: "DCMTK", Firmware: "3.6.6"},
		{DeviceID: 4, Manufacturer: "Nobody", Model: "Nothing", Firmware: "1"},
	}
	all, err := ix.MatchAll(context.Background(), targets, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, tg := range targets {
		if diff := cmp.Diff(ix.Match(tg), all[i]); diff != "" {
			t.Errorf("MatchAll differs from Match for %d (-seq +par):\n%s", tg.DeviceID, diff)
		}
	}
	if find(all[1], "CVE-2020-25165") == nil || find(all[2], "CVE-2022-2119") == nil || len(all[3]) != 0 {
		t.Errorf("Alaris %d, DCMTK %d, nobody %d matches", len(all[1]), len(all[2]), len(all[3]))
	}
}

// TestParallelBuild builds an index big enough for the parallel path and
// checks every device against a brute-force count.
func TestParallelBuild(t *testing.T) {
	var vulns []*vigil.Vulnerability
	for i := range 6000 {
		v := &vigil.Vulnerability{ID: fmt.Sprintf("CVE-2024-%05d", i), Configurations: []vigil.CPEConfig{{Nodes: []vigil.CPENode{{Matches: []vigil.CPEMatch{{
			Criteria: fmt.Sprintf("cpe:2.3:a:vendor%d:product%d:*:*:*:*:*:*:*:*", (i%100)%7, i%100), Vulnerable: true,
			VersionRange: vigil.VersionRange{EndExcluding: fmt.Sprintf("%d.%d", i%10, i%3)}}}}}}}}
		vulns = append(vulns, v)
	}
	ix := match.NewIndex(vulns, nil, match.Options{})
	for p := range 100 {
		for _, ver := range []string{"0.1", "4.2", "9.9"} {
			want := 0
			for i := range 6000 {
				if i%100 == p && match.CompareVersions(ver, fmt.Sprintf("%d.%d", i%10, i%3)) < 0 {
					want++
				}
			}
			cpe := fmt.Sprintf("cpe:2.3:a:vendor%d:product%d:%s:*:*:*:*:*:*:*", p%7, p, ver)
			if got := len(ix.Match(match.Target{CPEs: []string{cpe}})); got != want {
				t.Fatalf("%s: %d matches, want %d", cpe, got, want)
			}
		}
	}
}

package web

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// TestReviewTemplates executes the discrepancies, conflicts and network
// templates against their page structs, full and empty, as a writer and as
// a reader: a field a template names and the struct lacks fails here.
func TestReviewTemplates(t *testing.T) {
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	dev := deviceRef{ID: 7, Name: "BME-7", AssetTag: "BME-7", Model: "BD Alaris 8015", Location: "St. Brigid › ICU"}
	disc := &vigil.StoredDiscrepancy{Discrepancy: vigil.Discrepancy{Kind: vigil.DiscrepancyFieldConflict, Device: vigil.DeviceRef{ID: 7}, Field: "firmware",
		Values: map[string]string{"cmms": "1", "cmdb": "2"}, Detail: "d"}, Key: "k", Acked: &vigil.Ack{Actor: "dana", At: now, Note: "n"}}
	bulk := bulkForm{Back: "/discrepancies", SelectURL: "/discrepancies?select=page", NoneURL: "/discrepancies", Note: "n", Error: "e", Checked: 1}
	flows := []*vigil.SegmentFlow{{From: "VLAN 110 10.32.0.0/24", To: "VLAN 180 10.32.7.0/24", Apps: []string{"DICOM"}, Flows: 12, Bytes: 1 << 20},
		{From: "10.64.1.0/24", To: "VLAN 180 10.32.7.0/24", Apps: []string{"HL7"}, Flows: 1, Bytes: 300}}
	cases := []struct {
		name        string
		full, empty page
	}{
		{"discrepancies", &discrepanciesPage{Items: []discRow{{StoredDiscrepancy: disc, Dev: dev}, {StoredDiscrepancy: &vigil.StoredDiscrepancy{Key: "k2"}, Dev: deviceRef{Name: "aa:bb"}, Checked: true}},
			List: listView{Pick: "/discrepancies?select=page"}, Total: 2, Kind: "field-conflict", All: true, Sites: []*vigil.Site{{ID: 1, Name: "St. Brigid"}}, SiteID: 1,
			Chips: []kindChip{{Label: "all", URL: "/discrepancies", On: true}}, Bulk: bulk}, &discrepanciesPage{}},
		{"conflicts", &conflictsPage{Items: []conflictItem{{Pair: "a.b", A: conflictSideView{Source: "cmms", Origin: "cmms.csv:2", Dev: dev}, B: conflictSideView{Source: "cmdb", Dev: deviceRef{ID: 8, Name: "device 8"}},
			Agree: []vigil.Identifier{{Field: "asset_tag", Value: "BME-7"}}, Contradict: []vigil.Contradiction{{Field: "serial", A: "1", B: "2"}}, Checked: true}}, Bulk: bulk}, &conflictsPage{}},
		{"network", &networkPage{Segments: flows, Matrix: newSegMatrix(flows), Findings: []findingRow{{DeviceFinding: &vigil.DeviceFinding{Code: "cleartext-phi", MAC: "aa:bb", IP: "10.32.0.5", SeenAt: now, DeviceID: 7}, Dev: dev}},
			Runs: []runRow{{ID: 1, Recorded: now, Files: "a.pcap, b.pcap", Packets: 10, Devices: 2, Flows: 3}}}, &networkPage{}},
	}
	for _, c := range cases {
		for _, role := range []vigil.Role{vigil.RoleClinicalEngineering, vigil.RoleAuditor} {
			for variant, p := range map[string]page{"full": c.full, "empty": c.empty} {
				p.base().User = &vigil.User{Name: "dana", Role: role}
				p.base().Flash = "Acknowledged 2 discrepancies."
				var buf bytes.Buffer
				if err := tmpl[c.name].Execute(&buf, p); err != nil {
					t.Errorf("%s (%s, %s): %v", c.name, variant, role, err)
					continue
				}
				out := buf.String()
				if !strings.Contains(out, `id="flash">Acknowledged 2 discrepancies.</p>`) {
					t.Errorf("%s (%s): no confirmation", c.name, variant)
				}
				if role == vigil.RoleAuditor && strings.Contains(out, `method="post" action="/discrepancies/ack"`) {
					t.Errorf("%s (%s): an auditor is offered the acknowledge form", c.name, variant)
				}
			}
		}
	}
}

// TestSegMatrix shades cells on a log scale up to the busiest pair, keeps
// the busiest segments when there are too many, and orders them by VLAN
// and address.
func TestSegMatrix(t *testing.T) {
	if newSegMatrix(nil) != nil {
		t.Error("a matrix of no flows")
	}
	for _, c := range []struct{ n, peak, want int }{{1, 1, 5}, {1, 1000, 1}, {1000, 1000, 5}, {32, 1000, 3}, {31, 1000, 2}, {5, 10, 3}} {
		if got := heatStep(c.n, c.peak); got != c.want {
			t.Errorf("heatStep(%d, %d) = %d, want %d", c.n, c.peak, got, c.want)
		}
	}
	var flows []*vigil.SegmentFlow
	for i := range matrixMax + 6 {
		flows = append(flows, &vigil.SegmentFlow{From: "VLAN 110 10.0." + strconv.Itoa(i) + ".0/24", To: "VLAN 9 10.9.0.0/24", Flows: i + 1})
	}
	m := newSegMatrix(flows)
	if m.Shown != matrixMax || m.Total != matrixMax+7 || m.Peak != matrixMax+6 {
		t.Fatalf("shown %d of %d, peak %d", m.Shown, m.Total, m.Peak)
	}
	if m.Names[0] != "VLAN 9 10.9.0.0/24" || strings.Contains(strings.Join(m.Names, " "), "10.0.0.0/24") {
		t.Errorf("the segments drawn: %v", m.Names)
	}
	if got := byteSize(1536000); got != "1.5 MB" {
		t.Errorf("byteSize = %q", got)
	}
}

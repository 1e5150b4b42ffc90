package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/vendors"
)

// TestVendorTemplates executes the vendor oversight pages' templates (and
// the device page and dashboard they add to) against their page structs,
// full and as empty as the handlers make them, for a compliance user (who
// sees the forms) and an auditor (who does not).
func TestVendorTemplates(t *testing.T) {
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	v := &vigil.Vendor{ID: 1, Name: "GE HealthCare", Kind: vigil.VendorManufacturer, Aliases: []string{"GE"}, Models: []string{"B650"}, Notes: "n",
		Contacts: []vigil.VendorContact{{Name: "Pat", Email: "p@example.com"}}, Endpoints: []vigil.VendorEndpoint{{Kind: vigil.EndpointHost, Value: "a.example.com", Tool: "InSite"}}}
	risk := vigil.VendorRisk{Tier: vigil.VendorTierHigh, Devices: 2, EPHI: 1, Factors: []string{"1 device stores or sends ePHI"}}
	baa := &vigil.BAA{ID: 1, VendorID: 1, Signed: now, Effective: now, Expires: now.AddDate(1, 0, 0), Services: []string{"s"}, Data: []string{"d"}, EvidenceID: 3, Version: 1}
	cert := &vigil.Certification{ID: 1, VendorID: 1, Kind: vigil.CertSOC2Type2, Issuer: "CPA", PeriodStart: now, PeriodEnd: now, Expires: now, EvidenceID: 4}
	form := &vigil.MDS2Form{ID: 1, Manufacturer: "GE", Model: "B650", Version: 1, Facts: vigil.MDS2Facts{EncryptsAtRest: vigil.MDS2Yes, PatchSupport: vigil.MDS2No},
		Questions: []vigil.MDS2Question{{ID: "DOC-1", Text: "GE"}, {ID: "STCF-1", Question: "q?", Answer: vigil.MDS2Yes, Notes: "n"}}}
	row := vendorRow{Summary: vendors.Summary{Vendor: v, Risk: risk, BAA: baa, Certs: 1}, URL: "/vendors/1", BAAStatus: baaCurrent, BAADue: baa.Due()}
	gap := gapRow{Gap: oversight.Gap{VendorID: 1, Vendor: "GE", Item: "certification", Kind: vigil.CertISO27001, Status: oversight.GapExpired, Due: now}, URL: "/vendors/1"}
	cases := []struct {
		name        string
		full, empty page
	}{
		{"vendors", &vendorsPage{Rows: []vendorRow{row, {Summary: vendors.Summary{Vendor: &vigil.Vendor{ID: 2}}, BAAStatus: baaMissing}}, Total: 3, Kind: "cloud",
			KindChips: []kindChip{{Label: "x", URL: "/vendors", On: true}}, Kinds: vigil.VendorKinds, Endpoints: vigil.EndpointKinds, Form: vendorForm{Name: "x", Error: "e"}, ImportErr: "e"},
			&vendorsPage{}},
		{"vendor", &vendorPage{Vendor: v, Risk: risk, Devices: []*vigil.Device{{ID: 7, AssetTag: "BME-7"}}, DeviceCount: 400, BAAs: []baaRow{{BAA: baa, Status: baaExpiring}},
			BAAStatus: baaExpiring, Certs: []certRow{{Certification: cert, Status: baaExpired}}, Forms: []*vigil.MDS2Form{form}, CertKinds: vigil.CertKinds,
			BAAForm: baaForm{Error: "e"}, CertForm: certForm{Kind: "other", Error: "e"}, NoEvidence: true}, &vendorPage{Vendor: &vigil.Vendor{ID: 2}, BAAStatus: baaMissing}},
		{"mds2", &mds2ListPage{Rows: []mds2Row{{MDS2Form: form, URL: "/mds2/1", Facts: mds2Facts(form.Facts)}}, Heads: mds2Facts(vigil.MDS2Facts{}), All: true,
			Form: mds2ImportForm{Error: "row 2"}}, &mds2ListPage{}},
		{"mds2_form", &mds2FormPage{Form: form, Facts: mds2Facts(form.Facts)}, &mds2FormPage{Form: &vigil.MDS2Form{}}},
		{"device", &devicePage{Device: &vigil.Device{ID: 7}, Oversight: deviceOversight{MDS2: form, MDS2Facts: mds2Facts(form.Facts), Vendors: []*vigil.Vendor{v}}},
			&devicePage{Device: &vigil.Device{ID: 7}}},
		{"models", &modelsPage{Models: []vendors.ModelStanding{{Manufacturer: "GE", Model: "B650", Devices: 2, Vendors: []string{"GE HealthCare"}, MDS2FormID: 1,
			Support: &vigil.ModelSupport{EndOfSupport: now}, State: vigil.SupportEnded}, {Model: "x", State: vigil.SupportUnknown}},
			Unsupported: []vendors.Unsupported{{Device: &vigil.Device{ID: 7, AssetTag: "BME-7"}, Support: &vigil.ModelSupport{EndOfSupport: now}, State: vigil.SupportEnded}},
			Ended:       1, Unknown: 1}, &modelsPage{}},
		{"dashboard", &dashboardPage{Counts: &vigil.DeviceCounts{}, Agreements: agreementsPanel{Count: 11, Rows: []gapRow{gap}}}, &dashboardPage{Counts: &vigil.DeviceCounts{}}},
	}
	for _, c := range cases {
		for _, role := range []vigil.Role{vigil.RoleCompliance, vigil.RoleAuditor} {
			for variant, p := range map[string]page{"full": c.full, "empty": c.empty} {
				p.base().User = &vigil.User{Name: "dana", Role: role}
				var buf bytes.Buffer
				if err := tmpl[c.name].Execute(&buf, p); err != nil {
					t.Errorf("%s (%s, %s): %v", c.name, variant, role, err)
				} else if !strings.Contains(buf.String(), "</main>") {
					t.Errorf("%s (%s, %s): the page stops short", c.name, variant, role)
				} else if role == vigil.RoleAuditor && strings.Contains(buf.String(), `method="post" action="/vendors`) {
					t.Errorf("%s (%s): the auditor sees a vendor form", c.name, variant)
				}
			}
		}
	}
}

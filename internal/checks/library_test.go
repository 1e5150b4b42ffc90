package checks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil/internal/checks"
)

var now = time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)

func policy() checks.Policy {
	p := checks.DefaultPolicy()
	p.AllowedInternet = []string{"updates.vendor.example", "203.0.113.10", "192.0.2.0/25", "2001:db8:5::/48"}
	return p
}

// good returns a small, compliant inventory entry: an ePHI infusion pump
// listed by both inventories, on a clinical segment, patched, with vendor
// remote access done right. Every shipped check passes on it or does not
// apply to it.
func good() *checks.Subject {
	return &checks.Subject{
		Device: checks.Device{
			ID: 1, AssetTag: "BIO-000001", Serial: "SN1", Manufacturer: "BD", Model: "Alaris 8015",
			Type: "infusion-pump", Firmware: "12.1.3", MAC: "00:1a:00:00:00:01", IP: "10.1.2.3",
			Hostname: "pump-1", Site: "General", Department: "ICU", Location: "Tower 3 room 312",
			Owner: "clinical-engineering", Criticality: "life-sustaining", Lifecycle: "in-service",
			StoresEPHI: true, SendsEPHI: true, FirstSeen: now.AddDate(-2, 0, 0), LastSeen: now.AddDate(0, 0, -1),
			PatientConnected: true, FDAClass: "II", CyberDevice: true, EncryptsAtRest: true,
			Segment: "medical-devices", SBOM: true, MDS2: true, ValidatedFirmware: "12.1.3",
			MDS2EncryptsInTransit: "Yes", MDS2RemoteService: "Yes",
			Vendors: []string{"BD"}, VendorsWithoutBAA: []string{},
			EndOfSupport: now.AddDate(3, 0, 0), SupportState: "supported",
		},
		Sources: []checks.Source{
			{Name: "cmms", Kind: "inventory", Role: "clinical-engineering"},
			{Name: "cmdb", Kind: "inventory", Role: "it"},
			{Name: "capture", Kind: "network", Role: "network"},
		},
		Flows: []checks.Flow{
			{Peer: "10.9.0.5", PeerSegment: "datacenter-clinical", Outbound: true, Port: 2575, Proto: "tcp",
				App: "hl7", Encrypted: true, TLSVersion: "TLS 1.2", PHI: true},
		},
		Vulns: []checks.Vuln{
			{ID: "CVE-2026-0001", CVSS: 5.0, Severity: "medium", SSVC: "Track", Opened: now.AddDate(0, 0, -10)},
		},
		Remote: checks.RemoteAccess{Enabled: true, Vendor: "BD", Method: "vpn", MFA: true, BAA: true,
			Vendors: []string{"BD"}, VendorsWithoutBAA: []string{}, VendorsUncertified: []string{}, Certified: true},
	}
}

type libraryCase struct {
	name   string
	change func(s *checks.Subject)
	want   checks.Status
	reason string // a substring the failure reason must hold
}

// libraryCases holds, per shipped check, inventories where it must pass,
// fail, and not apply.
func libraryCases() map[string][]libraryCase {
	retired := func(s *checks.Subject) { s.Device.Lifecycle = "retired"; s.Flows = nil }
	return map[string][]libraryCase{
		"inventory-owner": {
			{"owner set", nil, checks.StatusPass, ""},
			{"no owner", func(s *checks.Subject) { s.Device.Owner = " " }, checks.StatusFail, "no owner team"},
			{"retired", func(s *checks.Subject) { retired(s); s.Device.Owner = "" }, checks.StatusNotApplicable, ""},
		},
		"inventory-location": {
			{"location set", nil, checks.StatusPass, ""},
			{"department only", func(s *checks.Subject) { s.Device.Location = "" }, checks.StatusPass, ""},
			{"neither", func(s *checks.Subject) { s.Device.Location, s.Device.Department = "", "" }, checks.StatusFail, "no location"},
			{"decommissioned", func(s *checks.Subject) { s.Device.Lifecycle = "decommissioned"; s.Device.Location = "" }, checks.StatusNotApplicable, ""},
		},
		"inventory-criticality": {
			{"classified", nil, checks.StatusPass, ""},
			{"missing", func(s *checks.Subject) { s.Device.Criticality = "" }, checks.StatusFail, "no criticality"},
			{"unknown value", func(s *checks.Subject) { s.Device.Criticality = "high" }, checks.StatusFail, `unknown criticality "high"`},
			{"retired", func(s *checks.Subject) { retired(s); s.Device.Criticality = "" }, checks.StatusNotApplicable, ""},
		},
		"inventory-both-sources": {
			{"both", nil, checks.StatusPass, ""},
			{"no it", func(s *checks.Subject) { s.Sources = s.Sources[:1] }, checks.StatusFail, "missing from the it inventory"},
			{"none", func(s *checks.Subject) { s.Sources = s.Sources[2:] }, checks.StatusFail, "clinical-engineering and it"},
			{"non-clinical", func(s *checks.Subject) { s.Device.Criticality = "non-clinical"; s.Sources = nil }, checks.StatusNotApplicable, ""},
		},
		"discovered-in-inventory": {
			{"seen and listed", nil, checks.StatusPass, ""},
			{"seen only", func(s *checks.Subject) { s.Sources = s.Sources[2:] }, checks.StatusFail, "seen by capture"},
			{"never seen", func(s *checks.Subject) { s.Sources = s.Sources[:2] }, checks.StatusNotApplicable, ""},
		},
		"ephi-no-cleartext": {
			{"encrypted hl7", nil, checks.StatusPass, ""},
			{"clear hl7", func(s *checks.Subject) { s.Flows[0].Encrypted, s.Flows[0].TLSVersion = false, "" }, checks.StatusFail, "hl7 to 10.9.0.5:2575"},
			{"finding", func(s *checks.Subject) {
				s.Findings = []checks.Finding{{Code: "cleartext-phi", Detail: "HL7 ADT^A01 in clear"}}
			}, checks.StatusFail, "HL7 ADT^A01 in clear"},
			{"no ephi", func(s *checks.Subject) { s.Device.StoresEPHI, s.Device.SendsEPHI = false, false }, checks.StatusNotApplicable, ""},
		},
		"tls-minimum-version": {
			{"tls 1.2", nil, checks.StatusPass, ""},
			{"tls 1.0 flow", func(s *checks.Subject) { s.Flows[0].TLSVersion = "TLS 1.0" }, checks.StatusFail, "TLS 1.0 with 10.9.0.5"},
			{"weak-tls finding", func(s *checks.Subject) {
				s.Findings = []checks.Finding{{Code: "weak-tls", Detail: "offers TLS 1.1 at most"}}
			}, checks.StatusFail, "offers TLS 1.1"},
		},
		"no-cleartext-management": {
			{"none", nil, checks.StatusPass, ""},
			{"ssh", func(s *checks.Subject) {
				s.Flows = append(s.Flows, checks.Flow{App: "ssh", Encrypted: true, Peer: "10.0.0.9"})
			}, checks.StatusPass, ""},
			{"telnet", func(s *checks.Subject) { s.Flows = append(s.Flows, checks.Flow{App: "telnet", Peer: "10.0.0.9"}) }, checks.StatusFail, "telnet with 10.0.0.9"},
			{"finding", func(s *checks.Subject) {
				s.Findings = []checks.Finding{{Code: "cleartext-management", Detail: "SNMP v2c community public"}}
			}, checks.StatusFail, "SNMP v2c"},
		},
		"ephi-clinical-segment": {
			{"clinical", nil, checks.StatusPass, ""},
			{"general", func(s *checks.Subject) { s.Device.Segment = "general" }, checks.StatusFail, "on segment general"},
			{"unknown", func(s *checks.Subject) { s.Device.Segment = "" }, checks.StatusFail, "segment unknown"},
			{"finding", func(s *checks.Subject) {
				s.Findings = []checks.Finding{{Code: "phi-outside-clinical-segment"}}
			}, checks.StatusFail, "outside the clinical segments"},
			{"no ephi", func(s *checks.Subject) {
				s.Device.StoresEPHI, s.Device.SendsEPHI, s.Device.Segment = false, false, "guest"
			}, checks.StatusNotApplicable, ""},
		},
		"ephi-flows-clinical": {
			{"stays", nil, checks.StatusPass, ""},
			{"no flows", func(s *checks.Subject) { s.Flows = nil }, checks.StatusPass, ""},
			{"leaves", func(s *checks.Subject) {
				s.Flows = append(s.Flows, checks.Flow{Peer: "10.50.0.7", PeerSegment: "general", Port: 445})
			}, checks.StatusFail, "10.50.0.7 (general) port 445"},
			{"no ephi", func(s *checks.Subject) {
				s.Device.StoresEPHI, s.Device.SendsEPHI = false, false
				s.Flows = append(s.Flows, checks.Flow{PeerSegment: "general"})
			}, checks.StatusNotApplicable, ""},
		},
		"internet-allowed-only": {
			{"internal only", nil, checks.StatusPass, ""},
			{"allowed by name", func(s *checks.Subject) {
				s.Flows = append(s.Flows, checks.Flow{Peer: "198.51.100.1", PeerName: "updates.vendor.example", Internet: true, Port: 443})
			}, checks.StatusPass, ""},
			{"allowed by address", func(s *checks.Subject) {
				s.Flows = append(s.Flows, checks.Flow{Peer: "203.0.113.10", Internet: true, Port: 443})
			}, checks.StatusPass, ""},
			{"not allowed", func(s *checks.Subject) {
				s.Flows = append(s.Flows, checks.Flow{Peer: "198.51.100.9", PeerName: "evil.example", Internet: true, Port: 8443})
			}, checks.StatusFail, "evil.example:8443"},
			{"inside an allowed range", func(s *checks.Subject) {
				s.Flows = append(s.Flows, checks.Flow{Peer: "192.0.2.100", Internet: true, Port: 443})
			}, checks.StatusPass, ""},
			{"inside an allowed IPv6 range", func(s *checks.Subject) {
				s.Flows = append(s.Flows, checks.Flow{Peer: "2001:db8:5:1::7", Internet: true, Port: 443})
			}, checks.StatusPass, ""},
			{"outside the allowed range", func(s *checks.Subject) {
				s.Flows = append(s.Flows, checks.Flow{Peer: "192.0.2.200", Internet: true, Port: 443})
			}, checks.StatusFail, "192.0.2.200:443"},
		},
		"kev-past-due": {
			{"no kev", nil, checks.StatusPass, ""},
			{"kev not yet due", func(s *checks.Subject) {
				s.Vulns = append(s.Vulns, checks.Vuln{ID: "CVE-2025-1", KEV: true, KEVDueDate: now.AddDate(0, 0, 3)})
			}, checks.StatusPass, ""},
			{"kev past due but remediated", func(s *checks.Subject) {
				s.Vulns = append(s.Vulns, checks.Vuln{ID: "CVE-2025-1", KEV: true, KEVDueDate: now.AddDate(0, 0, -3), Remediated: true})
			}, checks.StatusPass, ""},
			{"kev past due", func(s *checks.Subject) {
				s.Vulns = append(s.Vulns, checks.Vuln{ID: "CVE-2025-1", KEV: true, KEVDueDate: now.AddDate(0, 0, -3)})
			}, checks.StatusFail, "CVE-2025-1 (due 2026-11-27)"},
		},
		"vuln-open-too-long": {
			{"below thresholds", func(s *checks.Subject) { s.Vulns[0].Opened = now.AddDate(-1, 0, 0) }, checks.StatusPass, ""},
			{"high within window", func(s *checks.Subject) {
				s.Vulns = append(s.Vulns, checks.Vuln{ID: "CVE-2026-2", CVSS: 8.1, Severity: "high", Opened: now.AddDate(0, 0, -29)})
			}, checks.StatusPass, ""},
			{"high too long", func(s *checks.Subject) {
				s.Vulns = append(s.Vulns, checks.Vuln{ID: "CVE-2026-2", CVSS: 8.1, Severity: "high", Opened: now.AddDate(0, 0, -31)})
			}, checks.StatusFail, "CVE-2026-2 (high, 31 days, allowed 30)"},
			{"ssvc act too long", func(s *checks.Subject) {
				s.Vulns[0].SSVC, s.Vulns[0].Opened = "Act", now.AddDate(0, 0, -91)
			}, checks.StatusFail, "CVE-2026-0001 (medium, 91 days"},
			{"no vulns", func(s *checks.Subject) { s.Vulns = nil }, checks.StatusNotApplicable, ""},
		},
		"firmware-validated": {
			{"same", nil, checks.StatusPass, ""},
			{"newer", func(s *checks.Subject) { s.Device.Firmware = "12.10.0" }, checks.StatusPass, ""},
			{"older", func(s *checks.Subject) { s.Device.Firmware = "12.1.2" }, checks.StatusFail, "runs 12.1.2; manufacturer validated 12.1.3"},
			{"unknown", func(s *checks.Subject) { s.Device.Firmware = "" }, checks.StatusFail, "firmware version unknown"},
			{"nothing validated", func(s *checks.Subject) { s.Device.ValidatedFirmware = "" }, checks.StatusNotApplicable, ""},
		},
		"remote-access-vendor": {
			{"vendor", nil, checks.StatusPass, ""},
			{"no vendor", func(s *checks.Subject) { s.Remote.Vendor = "" }, checks.StatusFail, "no vendor is on record"},
			{"observed only", func(s *checks.Subject) {
				s.Remote = checks.RemoteAccess{}
				s.Findings = []checks.Finding{{Code: "remote-access", Detail: "serves vnc remote access"}}
			}, checks.StatusFail, "serves vnc"},
			{"none", func(s *checks.Subject) { s.Remote = checks.RemoteAccess{} }, checks.StatusNotApplicable, ""},
		},
		"remote-access-mfa": {
			{"mfa", nil, checks.StatusPass, ""},
			{"no mfa", func(s *checks.Subject) { s.Remote.MFA = false }, checks.StatusFail, "remote access (vpn) without multi-factor"},
			{"none", func(s *checks.Subject) { s.Remote = checks.RemoteAccess{} }, checks.StatusNotApplicable, ""},
		},
		"remote-access-baa": {
			{"baa", nil, checks.StatusPass, ""},
			{"no baa", func(s *checks.Subject) { s.Remote.BAA = false }, checks.StatusFail, "no business associate agreement on record with BD"},
			{"no ephi", func(s *checks.Subject) { s.Device.StoresEPHI, s.Device.SendsEPHI, s.Remote.BAA = false, false, false }, checks.StatusNotApplicable, ""},
		},
		"dicom-called-ae": {
			{"dicom, strict", func(s *checks.Subject) { s.Flows = append(s.Flows, checks.Flow{App: "dicom", Port: 104}) }, checks.StatusPass, ""},
			{"any ae", func(s *checks.Subject) {
				s.Findings = []checks.Finding{{Code: "dicom-any-ae", Detail: "DICOM SCP accepted associations for 3 different called AE titles"}}
			}, checks.StatusFail, "3 different called AE titles"},
			{"no dicom", nil, checks.StatusNotApplicable, ""},
		},
		"ephi-flag-matches-traffic": {
			{"flagged", nil, checks.StatusPass, ""},
			{"not flagged", func(s *checks.Subject) { s.Device.StoresEPHI, s.Device.SendsEPHI = false, false }, checks.StatusFail, "not flagged"},
			{"no phi traffic", func(s *checks.Subject) { s.Flows = nil; s.Device.StoresEPHI, s.Device.SendsEPHI = false, false }, checks.StatusNotApplicable, ""},
		},
		"ephi-encrypted-at-rest": {
			{"encrypted", nil, checks.StatusPass, ""},
			{"not encrypted", func(s *checks.Subject) { s.Device.EncryptsAtRest = false }, checks.StatusFail, "without encryption"},
			{"stores none", func(s *checks.Subject) { s.Device.StoresEPHI, s.Device.EncryptsAtRest = false, false }, checks.StatusNotApplicable, ""},
		},
		"sbom-on-record": {
			{"sbom", nil, checks.StatusPass, ""},
			{"no sbom", func(s *checks.Subject) { s.Device.SBOM = false }, checks.StatusFail, "no SBOM on record for BD Alaris 8015 firmware 12.1.3"},
			{"not a cyber device", func(s *checks.Subject) { s.Device.CyberDevice, s.Device.SBOM = false, false }, checks.StatusNotApplicable, ""},
		},
		"mds2-on-record": {
			{"mds2", nil, checks.StatusPass, ""},
			{"no mds2", func(s *checks.Subject) { s.Device.MDS2 = false }, checks.StatusFail, "no MDS2 on record for BD Alaris 8015"},
			{"not medical", func(s *checks.Subject) { s.Device.FDAClass, s.Device.MDS2 = "", false }, checks.StatusNotApplicable, ""},
		},
		"inventory-seen-recently": {
			{"seen yesterday", nil, checks.StatusPass, ""},
			{"stale", func(s *checks.Subject) { s.Device.LastSeen = now.AddDate(0, 0, -120) }, checks.StatusFail, "last seen 120 days ago"},
			{"never", func(s *checks.Subject) { s.Device.LastSeen = time.Time{} }, checks.StatusFail, "never seen"},
			{"in maintenance", func(s *checks.Subject) { s.Device.Lifecycle = "maintenance"; s.Device.LastSeen = time.Time{} }, checks.StatusNotApplicable, ""},
		},
		"retired-off-network": {
			{"retired and silent", retired, checks.StatusPass, ""},
			{"retired and talking", func(s *checks.Subject) { s.Device.Lifecycle = "retired" }, checks.StatusFail, "marked retired but seen in 1 conversations"},
			{"in service", nil, checks.StatusNotApplicable, ""},
		},
		"vendor-baa-current": {
			{"baa in force", nil, checks.StatusPass, ""},
			{"expired", func(s *checks.Subject) { s.Device.VendorsWithoutBAA = []string{"BD"} }, checks.StatusFail, "no business associate agreement in force with BD"},
			{"two vendors", func(s *checks.Subject) {
				s.Device.Vendors = []string{"BD", "Northfield Biomedical"}
				s.Device.VendorsWithoutBAA = []string{"BD", "Northfield Biomedical"}
			}, checks.StatusFail, "with BD, Northfield Biomedical"},
			{"no ephi", func(s *checks.Subject) {
				s.Device.StoresEPHI, s.Device.SendsEPHI = false, false
				s.Device.VendorsWithoutBAA = []string{"BD"}
			}, checks.StatusNotApplicable, ""},
			{"no vendor", func(s *checks.Subject) { s.Device.Vendors = []string{} }, checks.StatusNotApplicable, ""},
		},
		"vendor-on-record": {
			{"registered", nil, checks.StatusPass, ""},
			{"unregistered", func(s *checks.Subject) { s.Device.Vendors = []string{} }, checks.StatusFail, "the manufacturer BD is not in the vendor register"},
			{"no manufacturer", func(s *checks.Subject) { s.Device.Manufacturer, s.Device.Vendors = " ", []string{} }, checks.StatusNotApplicable, ""},
			{"no ephi", func(s *checks.Subject) {
				s.Device.StoresEPHI, s.Device.SendsEPHI, s.Device.Vendors = false, false, []string{}
			}, checks.StatusNotApplicable, ""},
		},
		"remote-access-vendor-assured": {
			{"assured", nil, checks.StatusPass, ""},
			{"no baa", func(s *checks.Subject) { s.Remote.VendorsWithoutBAA = []string{"BD"} }, checks.StatusFail, "no BAA in force with BD"},
			{"uncertified", func(s *checks.Subject) { s.Remote.VendorsUncertified = []string{"BD"} }, checks.StatusFail, "no current certification for BD"},
			{"both", func(s *checks.Subject) {
				s.Remote.VendorsWithoutBAA, s.Remote.VendorsUncertified = []string{"BD"}, []string{"BD"}
			}, checks.StatusFail, "no BAA in force with BD; no current certification for BD"},
			{"no tied session", func(s *checks.Subject) { s.Remote.Vendors = []string{} }, checks.StatusNotApplicable, ""},
		},
		"model-supported": {
			{"supported", nil, checks.StatusPass, ""},
			{"end of sale only", func(s *checks.Subject) { s.Device.SupportState = "end-of-sale" }, checks.StatusPass, ""},
			{"unsupported", func(s *checks.Subject) {
				s.Device.SupportState, s.Device.EndOfSupport = "unsupported", time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
			}, checks.StatusFail, "past the manufacturer's end of support (2025-06-30)"},
			{"no patches", func(s *checks.Subject) {
				s.Device.SupportState, s.Device.EndOfPatches = "no-patches", time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC)
			}, checks.StatusFail, "end of security patches (2026-01-31)"},
			{"unknown", func(s *checks.Subject) { s.Device.SupportState = "unknown" }, checks.StatusNotApplicable, ""},
			{"retired", func(s *checks.Subject) { s.Device.SupportState, s.Device.Lifecycle = "unsupported", "retired" }, checks.StatusNotApplicable, ""},
		},
		"mds2-matches-traffic": {
			{"agrees", nil, checks.StatusPass, ""},
			{"clear-text phi", func(s *checks.Subject) {
				s.Findings = []checks.Finding{{Code: "cleartext-phi", Detail: "HL7 ADT^A01 without TLS"}}
			}, checks.StatusFail, "MDS2 TXCF-2 says PII is encrypted in transmission, but the wire shows HL7 ADT^A01 without TLS"},
			{"remote seen", func(s *checks.Subject) { s.Device.MDS2RemoteService = "No" }, checks.StatusFail, "MDS2 RMOT-1 says remote service is not permitted, but remote access was seen (vpn)"},
			{"both", func(s *checks.Subject) {
				s.Device.MDS2RemoteService = "No"
				s.Findings = []checks.Finding{{Code: "cleartext-phi", Detail: "DICOM C-STORE"}}
			}, checks.StatusFail, "the wire shows DICOM C-STORE; MDS2 RMOT-1"},
			{"no remote seen", func(s *checks.Subject) {
				s.Device.MDS2RemoteService = "No"
				s.Remote = checks.RemoteAccess{Vendors: []string{}}
			}, checks.StatusPass, ""},
			{"form silent", func(s *checks.Subject) { s.Device.MDS2EncryptsInTransit = "" }, checks.StatusNotApplicable, ""},
			{"no form", func(s *checks.Subject) { s.Device.MDS2 = false }, checks.StatusNotApplicable, ""},
		},
		"patient-connected-exploited": {
			{"nothing exploitable", nil, checks.StatusPass, ""},
			{"kev mitigated", func(s *checks.Subject) { s.Vulns[0].KEV, s.Vulns[0].Remediated = true, true }, checks.StatusPass, ""},
			{"kev", func(s *checks.Subject) { s.Vulns[0].KEV = true }, checks.StatusFail, "CVE-2026-0001 (KEV)"},
			{"likely exploited", func(s *checks.Subject) { s.Vulns[0].EPSS = 0.5 }, checks.StatusFail, "CVE-2026-0001 (EPSS 0.5)"},
			{"not patient-connected", func(s *checks.Subject) { s.Device.PatientConnected = false; s.Vulns[0].KEV = true }, checks.StatusNotApplicable, ""},
		},
	}
}

func TestLibrary(t *testing.T) {
	p, cs := compileLibrary(t)
	if len(cs) < 20 {
		t.Fatalf("the library has %d checks, want at least 20", len(cs))
	}
	cases := libraryCases()
	in := checks.Inputs{Policy: policy(), Now: now}

	t.Run("good passes or does not apply", func(t *testing.T) {
		for _, r := range p.EvaluateOne(good(), in) {
			if r.Status != checks.StatusPass && r.Status != checks.StatusNotApplicable {
				t.Errorf("%s: %s: %s", r.Check.ID, r.Status, r.Reason)
			}
		}
	})
	for i, c := range p.Checks() {
		tcs, ok := cases[c.ID]
		if !ok {
			t.Errorf("check %s has no test cases", c.ID)
			continue
		}
		delete(cases, c.ID)
		seen := map[checks.Status]bool{}
		for _, tc := range tcs {
			t.Run(c.ID+"/"+tc.name, func(t *testing.T) {
				s := good()
				if tc.change != nil {
					tc.change(s)
				}
				r := p.EvaluateOne(s, in)[i]
				if r.Check != c {
					t.Fatalf("result %d is for %s", i, r.Check.ID)
				}
				if r.Status != tc.want || !strings.Contains(r.Reason, tc.reason) {
					t.Errorf("got %s %q, want %s with reason holding %q", r.Status, r.Reason, tc.want, tc.reason)
				}
				if r.Status == checks.StatusPass && r.Reason != "" {
					t.Errorf("a pass has reason %q", r.Reason)
				}
			})
			seen[tc.want] = true
		}
		if !seen[checks.StatusPass] || !seen[checks.StatusFail] {
			t.Errorf("check %s needs cases where it passes and where it fails", c.ID)
		}
		if c.AppliesTo != "" && !seen[checks.StatusNotApplicable] {
			t.Errorf("check %s has a filter but no not-applicable case", c.ID)
		}
	}
	for id := range cases {
		t.Errorf("test cases for %s, which the library does not ship", id)
	}
}

// TestLibraryControls checks every shipped check's metadata: a real
// control of a known framework, a remediation, the reads it needs.
func TestLibraryControls(t *testing.T) {
	_, cs := compileLibrary(t)
	frameworks := map[string]int{}
	for _, c := range cs {
		if c.Description == "" || c.Remediation == "" {
			t.Errorf("%s: needs a description and a remediation", c.ID)
		}
		if c.File != c.ID+".yaml" {
			t.Errorf("%s is in %s; name the file after the id", c.ID, c.File)
		}
		for _, ctl := range c.Controls {
			frameworks[ctl.Framework]++
		}
	}
	want := map[string]bool{"hipaa": true, "csf2": true, "hicp": true, "hph-cpg": true, "fda-524b": true}
	got := map[string]bool{}
	for f := range frameworks {
		got[f] = true
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("frameworks the library evidences (-want +got):\n%s", diff)
	}
}

// Package checkstest makes random subjects for the checks engine's tests
// and benchmarks: a hospital's devices with their sources, findings,
// vulnerabilities, flows and remote access, drawn from a seeded generator so
// that a failure can be replayed from its seed.
package checkstest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/vigil-health/vigil/internal/checks"
)

// Now returns the evaluation time the random subjects are dated against.
func Now() time.Time { return time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC) }

// Subject returns a random device numbered id, with most fields filled the
// way a real inventory fills them and some left out or wrong, so that every
// shipped check sees devices that pass, fail and that it does not apply to.
func Subject(r *rand.Rand, id int64) *checks.Subject {
	now := Now()
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	chance := func(p float64) bool { return r.Float64() < p }
	typ := pick("infusion-pump", "patient-monitor", "ventilator", "ct-scanner", "mri", "ultrasound",
		"lab-analyzer", "nurse-call", "printer", "workstation", "pacs-server", "telemetry")
	clinical := typ != "printer" && typ != "workstation" && typ != "nurse-call"
	d := checks.Device{
		ID:           id,
		AssetTag:     fmt.Sprintf("BIO-%06d", id),
		Serial:       fmt.Sprintf("SN%08X", r.Uint32()),
		Manufacturer: pick("GE Healthcare", "Philips", "BD", "Baxter", "Siemens Healthineers", "Medtronic", "HP"),
		Model:        pick("Alaris 8015", "IntelliVue MX450", "Sigma Spectrum", "Revolution CT", "Carescape B650"),
		Type:         typ,
		Firmware:     fmt.Sprintf("%d.%d.%d", r.IntN(5)+1, r.IntN(12), r.IntN(20)),
		MAC:          fmt.Sprintf("00:1a:%02x:%02x:%02x:%02x", r.IntN(256), r.IntN(256), r.IntN(256), r.IntN(256)),
		IP:           fmt.Sprintf("10.%d.%d.%d", r.IntN(40), r.IntN(256), r.IntN(254)+1),
		Hostname:     fmt.Sprintf("%s-%d", typ, id),
		Site:         pick("St. Example General", "Example Children's"),
		Department:   pick("ICU", "ED", "Radiology", "Oncology", "Lab", "Surgery", ""),
		Location:     pick("Building A floor 2", "Tower 3 room 312", "OR 4", ""),
		Owner:        pick("clinical-engineering", "imaging", "lab-it", "it", ""),
		Criticality:  pick("life-sustaining", "life-supporting", "diagnostic", "non-clinical", "", "unknown-level"),
		Lifecycle:    pick("in-service", "in-service", "in-service", "in-service", "maintenance", "retired", "decommissioned", ""),
		StoresEPHI:   clinical && chance(0.5),
		SendsEPHI:    clinical && chance(0.6),
		FirstSeen:    now.AddDate(0, 0, -r.IntN(900)-200),
		LastSeen:     now.AddDate(0, 0, -r.IntN(200)),

		PatientConnected: typ == "infusion-pump" || typ == "ventilator" || typ == "patient-monitor" || typ == "telemetry",
		CyberDevice:      clinical && chance(0.8),
		EncryptsAtRest:   chance(0.6),
		Segment:          pick("clinical", "medical-devices", "imaging", "general", "guest", ""),
		SBOM:             chance(0.4),
		MDS2:             chance(0.6),
	}
	if clinical {
		d.FDAClass = pick("I", "II", "II", "III")
	}
	if chance(0.1) {
		d.LastSeen = time.Time{}
	}
	if chance(0.5) {
		d.ValidatedFirmware = fmt.Sprintf("%d.%d.%d", r.IntN(5)+1, r.IntN(12), r.IntN(20))
	}
	s := &checks.Subject{Device: d}
	roles := []struct{ name, kind, role string }{
		{"cmms", "inventory", checks.RoleClinicalEngineering},
		{"cmdb", "inventory", checks.RoleIT},
		{"capture", "network", checks.RoleNetwork},
		{"nmap", "scanner", checks.RoleScanner},
	}
	for _, x := range roles {
		if chance(0.7) {
			s.Sources = append(s.Sources, checks.Source{Name: x.name, Kind: x.kind, Role: x.role})
		}
	}
	codes := []string{"cleartext-phi", "weak-tls", "cleartext-management", "dicom-any-ae",
		"phi-outside-clinical-segment", "remote-access", "active-scanner"}
	for range r.IntN(3) {
		s.Findings = append(s.Findings, checks.Finding{
			Code: codes[r.IntN(len(codes))], Severity: pick("low", "medium", "high"),
			Segment: d.Segment, Detail: "observed by passive capture",
		})
	}
	for i := range r.IntN(7) {
		cvss := float64(r.IntN(100)) / 10
		v := checks.Vuln{
			ID:         fmt.Sprintf("CVE-20%02d-%05d", 18+r.IntN(9), r.IntN(40000)+i),
			CVSS:       cvss,
			Severity:   severity(cvss),
			SSVC:       pick("Track", "Track*", "Attend", "Act", ""),
			KEV:        chance(0.1),
			EPSS:       r.Float64() * r.Float64(),
			Opened:     now.AddDate(0, 0, -r.IntN(400)),
			FixedIn:    pick("", "4.2.1", "10.0"),
			Status:     pick("affected", "under_investigation"),
			Remediated: chance(0.3),
		}
		if v.KEV && chance(0.9) {
			v.KEVDueDate = now.AddDate(0, 0, r.IntN(120)-60)
		}
		s.Vulns = append(s.Vulns, v)
	}
	for range r.IntN(10) {
		app := pick("hl7", "dicom", "https", "tls", "http", "ssh", "telnet", "ftp", "snmp", "dns", "ntp")
		f := checks.Flow{
			Peer:        fmt.Sprintf("10.%d.%d.%d", r.IntN(40), r.IntN(256), r.IntN(254)+1),
			PeerSegment: pick("clinical", "medical-devices", "imaging", "datacenter-clinical", "general", ""),
			Outbound:    chance(0.7),
			Port:        int64(pick2(r, 443, 2575, 104, 11112, 22, 23, 21, 161, 53, 80)),
			Proto:       "tcp",
			App:         app,
			Encrypted:   app == "https" || app == "tls" || app == "ssh" || chance(0.2),
			PHI:         app == "hl7" || app == "dicom",
		}
		if f.Encrypted && app != "ssh" {
			f.TLSVersion = pick("TLS 1.2", "TLS 1.3", "TLS 1.2", "TLS 1.0", "SSL 3.0")
		}
		if chance(0.1) {
			f.Internet, f.PeerSegment = true, "internet"
			f.Peer = fmt.Sprintf("%d.%d.%d.%d", r.IntN(200)+20, r.IntN(256), r.IntN(256), r.IntN(254)+1)
			f.PeerName = pick("", "updates.vendor.example", "telemetry.vendor.example", "evil.example")
		}
		s.Flows = append(s.Flows, f)
	}
	if chance(0.2) {
		s.Remote = checks.RemoteAccess{
			Enabled: true,
			Vendor:  pick("", d.Manufacturer),
			Method:  pick("vpn", "teamviewer", "vendor-cloud", "rdp"),
			MFA:     chance(0.5),
			BAA:     chance(0.6),
		}
	}
	// The vendor register's facts come from a generator of their own, so
	// that the draws above stay what they were before the register existed.
	vr := rand.New(rand.NewPCG(uint64(id), 0x76656e646f72))
	vendorFacts(s, func(xs ...string) string { return xs[vr.IntN(len(xs))] }, func(p float64) bool { return vr.Float64() < p }, now)
	return s
}

// vendorFacts draws what the vendor register says of the device.
func vendorFacts(s *checks.Subject, pick func(...string) string, chance func(float64) bool, now time.Time) {
	d := &s.Device
	d.Vendors, d.VendorsWithoutBAA = []string{}, []string{}
	if chance(0.85) {
		d.Vendors = append(d.Vendors, d.Manufacturer)
		if chance(0.3) {
			d.VendorsWithoutBAA = append(d.VendorsWithoutBAA, d.Manufacturer)
		}
	}
	if chance(0.1) {
		d.Vendors = append(d.Vendors, "Northfield Biomedical Services")
		if chance(0.5) {
			d.VendorsWithoutBAA = append(d.VendorsWithoutBAA, "Northfield Biomedical Services")
		}
	}
	if d.MDS2 {
		d.MDS2EncryptsInTransit = pick("Yes", "No", "N/A", "See Note", "")
		d.MDS2RemoteService = pick("Yes", "No", "N/A", "")
	}
	d.SupportState = pick("unknown", "unknown", "supported", "end-of-sale", "no-patches", "unsupported")
	switch d.SupportState {
	case "unsupported":
		d.EndOfSupport, d.EndOfPatches = now.AddDate(0, -3, 0), now.AddDate(-1, 0, 0)
	case "no-patches":
		d.EndOfSupport, d.EndOfPatches = now.AddDate(2, 0, 0), now.AddDate(0, -2, 0)
	case "supported", "end-of-sale":
		d.EndOfSupport = now.AddDate(3, 0, 0)
	}
	r := &s.Remote
	r.Vendors, r.VendorsWithoutBAA, r.VendorsUncertified = []string{}, []string{}, []string{}
	if r.Enabled && chance(0.7) {
		r.Vendors = append(r.Vendors, d.Manufacturer)
		if chance(0.3) {
			r.VendorsWithoutBAA = append(r.VendorsWithoutBAA, d.Manufacturer)
		}
		if chance(0.3) {
			r.VendorsUncertified = append(r.VendorsUncertified, d.Manufacturer)
		}
		r.Certified = len(r.VendorsUncertified) == 0
	}
	r.Unknown = r.Enabled && chance(0.2)
}

// Policy returns the policy the random subjects are meant for.
func Policy() checks.Policy {
	p := checks.DefaultPolicy()
	p.AllowedInternet = []string{"updates.vendor.example", "telemetry.vendor.example"}
	return p
}

// Subjects returns n random subjects drawn from seed.
func Subjects(seed uint64, n int) []*checks.Subject {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]*checks.Subject, n)
	for i := range out {
		out[i] = Subject(r, int64(i+1))
	}
	return out
}

func severity(cvss float64) string {
	switch {
	case cvss >= 9:
		return "critical"
	case cvss >= 7:
		return "high"
	case cvss >= 4:
		return "medium"
	}
	return "low"
}

func pick2(r *rand.Rand, xs ...int) int { return xs[r.IntN(len(xs))] }

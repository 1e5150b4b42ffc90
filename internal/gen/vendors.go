package gen

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/mds2"
)

// Files and the directory the Oversight extra writes.
const (
	// FileVendors is purchasing's vendor list: name, kind, aliases, the
	// models a service company maintains, a contact and the vendor's
	// remote-access endpoints.
	FileVendors = "vendors.csv"
	// FileAgreements is the contract office's register: one row per
	// business associate agreement version and per certification report.
	FileAgreements = "vendor_agreements.csv"
	// FileEndOfLife is clinical engineering's list of manufacturers'
	// end-of-sale, end-of-support and end-of-security-patches notices.
	FileEndOfLife = "end_of_life.csv"
	// DirMDS2 holds the manufacturers' MDS2 forms, XLSX and CSV.
	DirMDS2 = "mds2"
)

// BAA statuses the plan gives a vendor that touches ePHI.
const (
	BAACurrent  = "current"  // in force for years
	BAAExpiring = "expiring" // due 20 to 50 days after Hospital.Now
	BAAExpired  = "expired"  // due 100 to 400 days before Hospital.Now
	BAAMissing  = "missing"  // none on file
)

// Oversight is the vendor side of the hospital: the vendor register, its
// agreements and certifications, the MDS2 forms on file, the end-of-life
// notices and the vendors' remote sessions. It is drawn from its own
// random stream, so the rest of the hospital is what it was without it.
// Every deficiency is deliberate and recorded here: the vendors without a
// BAA, with an expired one or one about to expire, without a current
// certification; the models without an MDS2 form; the models past end of
// support; and which remote session comes from whom.
type Oversight struct {
	Vendors   []*PlanVendor  `json:"vendors"`
	MDS2      []*PlanMDS2    `json:"mds2"`
	EndOfLife []*PlanEOL     `json:"end_of_life"`
	Sessions  []*PlanSession `json:"sessions"`
}

// PlanVendor is one vendor of the register as it truly stands.
type PlanVendor struct {
	Name string           `json:"name"`
	Kind vigil.VendorKind `json:"kind"`
	// Makers are the manufacturer spellings the sources use for it (its
	// devices' makers); Models the models a service company maintains.
	Makers    []string               `json:"makers"`
	Aliases   []string               `json:"aliases"`
	Models    []string               `json:"models,omitempty"`
	Contact   string                 `json:"contact"`
	Email     string                 `json:"email"`
	Phone     string                 `json:"phone"`
	Endpoints []vigil.VendorEndpoint `json:"endpoints,omitempty"`
	// EPHI is true when a device it makes or maintains stores or sends
	// ePHI (in the ground truth).
	EPHI bool `json:"ephi"`
	// BAAStatus is one of the BAA* statuses for a vendor with devices
	// (the deficient ones among those whose devices hold ePHI), "" for
	// others (which have none); BAAs every version on file, oldest first.
	BAAStatus string          `json:"baa_status,omitempty"`
	BAAs      []PlanAgreement `json:"baas"`
	// CertStatus is "current", "expiring", "expired" or "missing".
	CertStatus string          `json:"cert_status"`
	Certs      []PlanAgreement `json:"certifications"`
}

// PlanAgreement is one BAA version or certification report.
type PlanAgreement struct {
	Document string    `json:"document"` // "BAA", "SOC 2 Type II", "ISO/IEC 27001", "HITRUST r2"
	Issuer   string    `json:"issuer,omitempty"`
	Signed   time.Time `json:"signed,omitzero"`
	Starts   time.Time `json:"starts"`
	Expires  time.Time `json:"expires"`
	Scope    string    `json:"scope,omitempty"`
}

// PlanMDS2 is one MDS2 form on file, with the answers fixed for the demo.
type PlanMDS2 struct {
	Manufacturer string                      `json:"manufacturer"`
	Model        string                      `json:"model"`
	File         string                      `json:"file"` // under DirMDS2
	Answers      map[string]vigil.MDS2Answer `json:"answers"`
}

// PlanEOL is one manufacturer's end-of-life notice for a model.
type PlanEOL struct {
	Manufacturer string    `json:"manufacturer"`
	Model        string    `json:"model"`
	EndOfSale    time.Time `json:"end_of_sale,omitzero"`
	EndOfSupport time.Time `json:"end_of_support,omitzero"`
	EndOfPatches time.Time `json:"end_of_patches,omitzero"`
}

// PlanSession is one remote session the capture carries: who (the vendor
// of the register, "" when the peer is no vendor's), to which device, from
// where, over what.
type PlanSession struct {
	Vendor     string `json:"vendor"`
	DeviceID   string `json:"device_id"`
	DeviceIP   string `json:"device_ip"`
	DeviceMAC  string `json:"device_mac"`
	DeviceVLAN int    `json:"device_vlan"`
	PeerIP     string `json:"peer_ip"`
	// App is "rdp", "teamviewer", "ssh" (the peer connects to the device)
	// or "tls" (the device connects to the vendor's gateway, named by
	// ServerName, whose certificate's organisation is CertOrg).
	App        string    `json:"app"`
	Port       int       `json:"port"`
	ServerName string    `json:"server_name,omitempty"`
	CertOrg    string    `json:"cert_org,omitempty"`
	Start      time.Time `json:"start"`
	Minutes    int       `json:"minutes"`
}

// Duration is how long the session lasts.
func (s *PlanSession) Duration() time.Duration { return time.Duration(s.Minutes) * time.Minute }

// planOversight draws the hospital's vendor side.
func (h *Hospital) planOversight() *Oversight {
	rng := rand.New(rand.NewPCG(uint64(h.Seed), 0x76656e646f7273))
	o := &Oversight{Vendors: []*PlanVendor{}, MDS2: []*PlanMDS2{}, EndOfLife: []*PlanEOL{}, Sessions: []*PlanSession{}}
	// One vendor per manufacturer of an inventoried device.
	byMaker := map[string]*PlanVendor{}
	models := map[[2]string]*Device{} // the first inventoried device of each model
	var modelKeys [][2]string
	for _, d := range h.Devices {
		if !d.InSource(SourceCMMS) && !d.InSource(SourceCMDB) || d.m == nil {
			continue // the network's strays are no one's vendor
		}
		v := byMaker[d.Manufacturer]
		if v == nil {
			v = &PlanVendor{Name: d.Manufacturer, Kind: vigil.VendorManufacturer, Makers: []string{d.Manufacturer}, Aliases: []string{}}
			byMaker[d.Manufacturer] = v
			o.Vendors = append(o.Vendors, v)
		}
		for _, s := range append(slices.Clone(d.m.ceMakers), d.m.itMakers...) {
			if !slices.Contains(v.Makers, s) {
				v.Makers = append(v.Makers, s)
			}
		}
		v.EPHI = v.EPHI || d.StoresEPHI || d.SendsEPHI
		k := [2]string{d.Manufacturer, d.Model}
		if models[k] == nil {
			models[k] = d
			modelKeys = append(modelKeys, k)
		}
	}
	slices.SortFunc(o.Vendors, func(a, b *PlanVendor) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortFunc(modelKeys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	// A biomedical service company maintains the infusion pumps and
	// ventilators, and a cloud provider hosts image exchange.
	service := &PlanVendor{Name: "Northfield Biomedical Services", Kind: vigil.VendorServiceProvider, Aliases: []string{"Northfield Biomed"}}
	for _, k := range modelKeys {
		if t := models[k].DeviceType; strings.Contains(t, "Infusion") || strings.Contains(t, "Ventilator") {
			service.Models = append(service.Models, k[1])
			service.EPHI = service.EPHI || models[k].StoresEPHI || models[k].SendsEPHI
		}
	}
	if len(service.Models) > 0 {
		o.Vendors = append(o.Vendors, service)
	}
	o.Vendors = append(o.Vendors, &PlanVendor{Name: "Meridian Cloud Imaging", Kind: vigil.VendorCloud, Aliases: []string{},
		Endpoints: []vigil.VendorEndpoint{{Kind: vigil.EndpointTLSName, Value: "*.meridian-imaging.example", Tool: "image exchange"}}})
	// A spelling two makers share ("Hillrom" for Baxter and for Welch
	// Allyn) or that is another vendor's name is no one's alias: the
	// register keeps names unique.
	claims := map[string]int{}
	for _, v := range o.Vendors {
		claims[vigil.VendorKey(v.Name)] += 2
		for _, m := range v.Makers {
			if vigil.VendorKey(m) != vigil.VendorKey(v.Name) {
				claims[vigil.VendorKey(m)]++
			}
		}
	}
	for i, v := range o.Vendors {
		slug := slugOf(v.Name)
		for _, m := range v.Makers {
			if vigil.VendorKey(m) != vigil.VendorKey(v.Name) && claims[vigil.VendorKey(m)] == 1 && !slices.Contains(v.Aliases, m) {
				v.Aliases = append(v.Aliases, m)
			}
		}
		v.Contact = []string{"Service desk", "Account manager", "Field service", "Security office"}[rng.IntN(4)]
		v.Email = "support@" + slug + ".example"
		v.Phone = fmt.Sprintf("+1-555-01%02d", i%100)
	}
	h.planAgreements(rng, o)
	h.planMDS2(rng, o, models, modelKeys)
	h.planEndOfLife(rng, o, modelKeys)
	h.planSessions(rng, o)
	return o
}

// planAgreements gives every ePHI vendor a BAA status and every vendor a
// certification status, two of each deficiency at least when there are
// vendors enough, and the versions and reports to match.
func (h *Hospital) planAgreements(rng *rand.Rand, o *Oversight) {
	day := func(d int) time.Time { return h.Now.Truncate(24*time.Hour).AddDate(0, 0, d) }
	// The deficiencies go to vendors whose devices the sources flag as
	// holding ePHI, so that they count whatever else Vigil infers; the
	// other vendors with devices hold current agreements.
	var ephi, rest []*PlanVendor
	for _, v := range o.Vendors {
		switch {
		case v.EPHI:
			ephi = append(ephi, v)
		case len(v.Makers) > 0 || len(v.Models) > 0:
			rest = append(rest, v)
		}
	}
	rng.Shuffle(len(ephi), func(i, j int) { ephi[i], ephi[j] = ephi[j], ephi[i] })
	for i, v := range append(slices.Clone(ephi), rest...) {
		v.BAAStatus = BAACurrent
		if deficient := []string{BAAMissing, BAAMissing, BAAExpired, BAAExpired, BAAExpiring, BAAExpiring}; i < len(deficient) {
			v.BAAStatus = deficient[i]
		}
		scope := "maintenance and repair of " + v.Name + " devices; ePHI stored on or sent by them"
		switch v.BAAStatus {
		case BAACurrent:
			signed := day(-400 - rng.IntN(700))
			if rng.IntN(2) == 0 { // an earlier version, superseded
				old := signed.AddDate(-3, 0, 0)
				v.BAAs = append(v.BAAs, PlanAgreement{Document: "BAA", Signed: old, Starts: old, Expires: signed.AddDate(0, 0, 1), Scope: scope})
			}
			v.BAAs = append(v.BAAs, PlanAgreement{Document: "BAA", Signed: signed, Starts: signed, Expires: day(700 + rng.IntN(700)), Scope: scope})
		case BAAExpiring:
			signed := day(-1000 - rng.IntN(300))
			v.BAAs = append(v.BAAs, PlanAgreement{Document: "BAA", Signed: signed, Starts: signed, Expires: day(20 + rng.IntN(31)), Scope: scope})
		case BAAExpired:
			signed := day(-1400 - rng.IntN(300))
			v.BAAs = append(v.BAAs, PlanAgreement{Document: "BAA", Signed: signed, Starts: signed, Expires: day(-100 - rng.IntN(301)), Scope: scope})
		}
	}
	rng.Shuffle(len(ephi), func(i, j int) { ephi[i], ephi[j] = ephi[j], ephi[i] })
	all := append(ephi, rest...)
	for _, v := range o.Vendors {
		if !slices.Contains(all, v) {
			all = append(all, v)
		}
	}
	issuers := []string{"Schellman & Company", "A-LIGN", "Coalfire", "BSI Group", "KPMG"}
	for i, v := range all {
		v.CertStatus = "current"
		switch i {
		case 0, 1:
			v.CertStatus = "missing"
			continue
		case 2, 3:
			v.CertStatus = "expired"
		case 4:
			v.CertStatus = "expiring"
		}
		doc := []string{"SOC 2 Type II", "ISO/IEC 27001", "HITRUST r2"}[rng.IntN(3)]
		var expires time.Time
		switch v.CertStatus {
		case "current": // a SOC 2 report is good for a year after its period, the others for their cycle
			expires = day(200 + rng.IntN(500))
			if doc == "SOC 2 Type II" {
				expires = day(60 + rng.IntN(300))
			}
		case "expired":
			expires = day(-60 - rng.IntN(300))
		case "expiring":
			expires = day(20 + rng.IntN(31))
		}
		start := expires.AddDate(-1, 0, 0)
		if doc == "ISO/IEC 27001" || doc == "HITRUST r2" {
			start = expires.AddDate(-3, 0, 0)
			if doc == "HITRUST r2" {
				start = expires.AddDate(-2, 0, 0)
			}
		}
		v.Certs = append(v.Certs, PlanAgreement{Document: doc, Issuer: issuers[rng.IntN(len(issuers))], Starts: start, Expires: expires,
			Scope: v.Name + " product security and customer support"})
	}
}

// planMDS2 puts an MDS2 form on file for about two thirds of the connected
// clinical models, half as XLSX and half as CSV. The patient monitors'
// forms say PII is encrypted in transmission (the capture shows some of
// their HL7 in clear text: a contradiction for the checks to raise).
func (h *Hospital) planMDS2(rng *rand.Rand, o *Oversight, models map[[2]string]*Device, keys [][2]string) {
	for _, k := range keys {
		d := models[k]
		if d.m.net == "" || !d.m.ce || rng.IntN(3) == 0 {
			continue
		}
		f := &PlanMDS2{Manufacturer: k[0], Model: k[1], Answers: map[string]vigil.MDS2Answer{}}
		ext := ".xlsx"
		if rng.IntN(2) == 0 {
			ext = ".csv"
		}
		f.File = slugOf(k[0]) + "_" + slugOf(k[1]) + ext
		if d.Role == "monitor" {
			f.Answers[vigil.MDS2QEncryptsInTransit] = vigil.MDS2Yes
		}
		o.MDS2 = append(o.MDS2, f)
	}
}

// planEndOfLife gives about a quarter of the models a notice: a third of
// those past end of support, a third past end of security patches but
// supported, a third only off sale.
func (h *Hospital) planEndOfLife(rng *rand.Rand, o *Oversight, keys [][2]string) {
	day := func(d int) time.Time { return h.Now.Truncate(24*time.Hour).AddDate(0, 0, d) }
	n := 0
	for _, k := range keys {
		if rng.IntN(4) != 0 {
			continue
		}
		e := &PlanEOL{Manufacturer: k[0], Model: k[1]}
		switch n % 3 {
		case 0: // unsupported
			e.EndOfSupport = day(-100 - rng.IntN(600))
			e.EndOfPatches = e.EndOfSupport.AddDate(0, -6, 0)
			e.EndOfSale = e.EndOfSupport.AddDate(-3, 0, 0)
		case 1: // no more patches
			e.EndOfPatches = day(-60 - rng.IntN(300))
			e.EndOfSupport = day(400 + rng.IntN(700))
			e.EndOfSale = e.EndOfPatches.AddDate(-2, 0, 0)
		default: // off sale, supported
			e.EndOfSale = day(-30 - rng.IntN(300))
			e.EndOfSupport = day(900 + rng.IntN(900))
		}
		n++
		o.EndOfLife = append(o.EndOfLife, e)
	}
}

// planSessions chooses the vendors whose remote sessions the capture
// carries: one with its paperwork in order reaching a device by RDP, one
// without a BAA by TeamViewer, one without a current certification whose
// device calls its cloud gateway over TLS, and an SSH session from an
// address no vendor owns. Each vendor so chosen gets its endpoint.
func (h *Hospital) planSessions(rng *rand.Rand, o *Oversight) {
	// A session reaches a clinical device in service with an address,
	// preferably one both inventories list cleanly, so that the capture's
	// address is an inventory device's.
	target := func(v *PlanVendor) *Device {
		var fallback *Device
		for _, d := range h.Devices {
			if !d.m.ce || !d.InSource(SourceCMMS) || d.IP == "" || d.MAC == "" || d.Lifecycle != vigil.LifecycleInService || d.Manufacturer != v.Name {
				continue
			}
			if d.InSource(SourceCMDB) && len(d.Quirks) == 0 {
				return d
			}
			if fallback == nil {
				fallback = d
			}
		}
		return fallback
	}
	start := h.Now.Add(-100 * time.Minute)
	used := map[*PlanVendor]bool{}
	// add plans one session from the first vendor the first of wants
	// allows, else the next: a small hospital's vendors may not have the
	// paperwork the first asks for on a clinical device (seeds 69776 and
	// 12917 planned 3 sessions).
	add := func(wants []func(*PlanVendor) bool, mk func(v *PlanVendor) (PlanSession, vigil.VendorEndpoint)) {
		for _, want := range wants {
			for _, v := range o.Vendors {
				if used[v] || v.Kind != vigil.VendorManufacturer || !want(v) {
					continue
				}
				d := target(v)
				if d == nil {
					continue
				}
				used[v] = true
				s, ep := mk(v)
				s.Vendor, s.DeviceID, s.DeviceIP, s.DeviceMAC, s.DeviceVLAN = v.Name, d.ID, d.IP, d.MAC, d.VLAN
				s.Start = start.Add(time.Duration(len(o.Sessions)*7+rng.IntN(5)) * time.Minute)
				s.Minutes = 8 + rng.IntN(30)
				v.Endpoints = append(v.Endpoints, ep)
				o.Sessions = append(o.Sessions, &s)
				return
			}
		}
	}
	baa := func(statuses ...string) func(*PlanVendor) bool {
		return func(v *PlanVendor) bool { return slices.Contains(statuses, v.BAAStatus) }
	}
	add([]func(*PlanVendor) bool{
		func(v *PlanVendor) bool { return v.BAAStatus == BAACurrent && v.CertStatus == "current" },
		baa(BAACurrent, BAAExpiring),
	},
		func(*PlanVendor) (PlanSession, vigil.VendorEndpoint) {
			return PlanSession{PeerIP: "203.0.113.10", App: "rdp", Port: 3389},
				vigil.VendorEndpoint{Kind: vigil.EndpointAddress, Value: "203.0.113.0/28", Tool: "RDP via vendor VPN"}
		})
	// Without a BAA in force: one never signed, else one whose BAA
	// expired, else any.
	add([]func(*PlanVendor) bool{baa(BAAMissing), baa(BAAExpired), baa(BAAExpiring, BAACurrent)},
		func(*PlanVendor) (PlanSession, vigil.VendorEndpoint) {
			return PlanSession{PeerIP: "198.51.100.20", App: "teamviewer", Port: 5938},
				vigil.VendorEndpoint{Kind: vigil.EndpointAddress, Value: "198.51.100.16/28", Tool: "TeamViewer"}
		})
	// With a BAA but no current certification, else any with a BAA.
	add([]func(*PlanVendor) bool{
		func(v *PlanVendor) bool {
			return v.BAAStatus == BAACurrent && (v.CertStatus == "expired" || v.CertStatus == "missing")
		},
		baa(BAACurrent, BAAExpiring),
	},
		func(v *PlanVendor) (PlanSession, vigil.VendorEndpoint) {
			domain := slugOf(v.Name) + ".example"
			return PlanSession{PeerIP: "198.51.100.77", App: "tls", Port: 443, ServerName: "remote." + domain, CertOrg: v.Name},
				vigil.VendorEndpoint{Kind: vigil.EndpointTLSName, Value: "*." + domain, Tool: "vendor cloud remote service"}
		})
	// No vendor's: an SSH session from an address in TEST-NET-1.
	for _, v := range o.Vendors {
		if d := target(v); d != nil && v.Kind == vigil.VendorManufacturer && !used[v] {
			o.Sessions = append(o.Sessions, &PlanSession{DeviceID: d.ID, DeviceIP: d.IP, DeviceMAC: d.MAC, DeviceVLAN: d.VLAN,
				PeerIP: "192.0.2.200", App: "ssh", Port: 22, Start: start.Add(40 * time.Minute), Minutes: 12})
			break
		}
	}
}

// slugOf makes a file and host name part of a name: lower-case letters and
// digits, words joined by '-'.
func slugOf(s string) string {
	var words []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		words = append(words, w)
	}
	return strings.Join(words, "-")
}

// OversightFiles is the Extra that writes the vendor side: FileVendors,
// FileAgreements, FileEndOfLife and the MDS2 forms under DirMDS2.
type OversightFiles struct{}

// WriteFiles writes the files into dir.
func (OversightFiles) WriteFiles(h *Hospital, dir string) ([]File, error) {
	o := h.Oversight
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	var files []File
	write := func(name string, w func(io.Writer) error) error {
		f, err := writeFile(filepath.Join(dir, name), w)
		if err != nil {
			return vigil.WrapError(vigil.EUNAVAILABLE, "gen: cannot write "+name, err)
		}
		f.Name = name
		files = append(files, f)
		return nil
	}
	table := func(rows [][]string) func(io.Writer) error {
		return func(w io.Writer) error {
			cw := csv.NewWriter(w)
			cw.WriteAll(rows)
			return cw.Error()
		}
	}
	vendors := [][]string{{"Vendor Name", "Vendor Type", "Also Known As", "Products Serviced", "Primary Contact", "Contact Email", "Contact Phone", "Remote Access Endpoints"}}
	agreements := [][]string{{"Vendor", "Document", "Issuer", "Signed", "Effective", "Expires", "Scope"}}
	for _, v := range o.Vendors {
		var eps []string
		for _, e := range v.Endpoints {
			ep := string(e.Kind) + ":" + e.Value
			if e.Tool != "" {
				ep += " (" + e.Tool + ")"
			}
			eps = append(eps, ep)
		}
		kind := map[vigil.VendorKind]string{vigil.VendorManufacturer: "Manufacturer", vigil.VendorServiceProvider: "Service provider",
			vigil.VendorCloud: "Cloud provider", vigil.VendorSoftware: "Software"}[v.Kind]
		vendors = append(vendors, []string{v.Name, kind, strings.Join(v.Aliases, "; "), strings.Join(v.Models, "; "), v.Contact, v.Email, v.Phone, strings.Join(eps, "; ")})
		for _, a := range append(slices.Clone(v.BAAs), v.Certs...) {
			agreements = append(agreements, []string{v.Name, a.Document, a.Issuer, day(a.Signed), day(a.Starts), day(a.Expires), a.Scope})
		}
	}
	eol := [][]string{{"Manufacturer", "Model", "End of Sale", "End of Support", "End of Security Patches", "Source"}}
	for _, e := range o.EndOfLife {
		eol = append(eol, []string{e.Manufacturer, e.Model, day(e.EndOfSale), day(e.EndOfSupport), day(e.EndOfPatches), "manufacturer's end-of-life notice"})
	}
	for _, s := range []struct {
		name string
		rows [][]string
	}{{FileVendors, vendors}, {FileAgreements, agreements}, {FileEndOfLife, eol}} {
		if err := write(s.name, table(s.rows)); err != nil {
			return files, err
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, DirMDS2), 0o755); err != nil {
		return files, vigil.WrapError(vigil.EUNAVAILABLE, "gen: cannot create "+DirMDS2, err)
	}
	for i, f := range o.MDS2 {
		rng := rand.New(rand.NewPCG(uint64(h.Seed), uint64(i)+0x6d647332))
		smp := mds2.Generate(rng, mds2.Spec{Manufacturer: f.Manufacturer, Model: f.Model, Answers: f.Answers,
			DocumentID: "MDS2-" + strings.ToUpper(slugOf(f.Model)), ReleaseDate: h.Now.AddDate(0, -1-rng.IntN(30), 0).Format(time.DateOnly)})
		err := write(filepath.Join(DirMDS2, f.File), func(w io.Writer) error {
			if strings.HasSuffix(f.File, ".csv") {
				_, err := w.Write(smp.CSV())
				return err
			}
			b, err := smp.XLSX()
			if err == nil {
				_, err = w.Write(b)
			}
			return err
		})
		if err != nil {
			return files, err
		}
	}
	return files, nil
}

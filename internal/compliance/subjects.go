package compliance

import (
	"context"
	"errors"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/risk"
	"github.com/vigil-health/vigil/internal/store"
)

// findingSeverity ranks the network findings' codes.
var findingSeverity = map[string]string{
	vigil.FindingCleartextPHI:        "high",
	vigil.FindingPHIOutsideClinical:  "high",
	vigil.FindingCleartextManagement: "high",
	vigil.FindingWeakTLS:             "medium",
	vigil.FindingDICOMAnyAE:          "medium",
	vigil.FindingRemoteAccess:        "medium",
	vigil.FindingActiveScanner:       "low",
}

// Applications whose traffic is encrypted, that carry PHI, and that give a
// vendor remote access, as discovery names them.
var (
	encryptedApps = map[string]bool{"tls": true, "https": true, "ssh": true, "dicom-tls": true}
	phiApps       = map[string]bool{"hl7": true, "hl7-mllp": true, "dicom": true}
	remoteApps    = map[string]bool{"rdp": true, "vnc": true, "teamviewer": true}
)

// evidence is what the store knew at one time, indexed for building the
// subjects of every device.
type evidence struct {
	at       time.Time
	devices  []*vigil.Device
	sites    map[int64]*vigil.Site
	listings map[int64][]checks.Source
	findings map[string][]*vigil.DeviceFinding // by "mac:..." and "ip:..."
	flows    map[string][]*vigil.FlowSummary   // by either end's IP
	vlans    map[string]int                    // the VLAN each address's own observation was seen on (the lowest)
	spans    map[int64][]vigil.VulnMatch       // open matches by device
	vulns    map[string]*vigil.Vulnerability
	sboms    map[string][]*vigil.SBOM // by vigil.SBOMKey
	segments *segmenter
	opened   map[[2]string]time.Time      // when each open match opened, by device id and vulnerability
	mds2     map[string][]*vigil.MDS2Form // the MDS2 forms in force, by vigil.MDS2ModelKey
	vendors  vendorEvidence
}

// gather reads what an evaluation at asOf (now when nil) weighs. The
// reads are independent and run concurrently on the store's reader pool.
func (s *Service) gather(ctx context.Context, asOf *time.Time, at time.Time) (*evidence, error) {
	ev := &evidence{at: at, sites: map[int64]*vigil.Site{}, listings: map[int64][]checks.Source{},
		findings: map[string][]*vigil.DeviceFinding{}, flows: map[string][]*vigil.FlowSummary{}, vlans: map[string]int{},
		spans: map[int64][]vigil.VulnMatch{}, vulns: map[string]*vigil.Vulnerability{},
		sboms: map[string][]*vigil.SBOM{}, opened: map[[2]string]time.Time{}}
	var (
		sites    []*vigil.Site
		listings []store.SourceListing
		findings []*vigil.DeviceFinding
		spans    []store.MatchSpan
		sboms    []*vigil.SBOM
		segs     []vigil.Segment
		forms    []*vigil.MDS2Form
	)
	reads := []func() error{
		func() (err error) {
			ev.devices, _, err = s.db.FindDevices(ctx, vigil.DeviceFilter{AsOf: asOf})
			return err
		},
		func() (err error) { sites, err = s.db.FindSites(ctx); return err },
		func() (err error) { listings, err = s.db.FindSourceListings(ctx, asOf); return err },
		func() (err error) { findings, err = s.db.FindFindings(ctx, asOf); return err },
		func() (err error) { spans, err = s.db.FindMatchSpans(ctx, asOf); return err },
		func() (err error) { sboms, err = s.db.FindSBOMs(ctx); return err },
		func() (err error) { segs, err = s.Segments(ctx); return err },
		func() (err error) { forms, err = s.db.FindMDS2FormsAt(ctx, asOf); return err },
		func() error {
			observed := func(o *vigil.ObservedDevice) error {
				if len(o.VLANs) > 0 {
					for _, ip := range o.IPs {
						if v, ok := ev.vlans[ip]; !ok || o.VLANs[0] < v {
							ev.vlans[ip] = o.VLANs[0]
						}
					}
				}
				return nil
			}
			if asOf != nil {
				return s.db.ScanObservationsAt(ctx, *asOf, observed)
			}
			return s.db.ScanObservations(ctx, observed)
		},
		func() error {
			return s.db.ScanFlows(ctx, asOf, func(f *vigil.FlowSummary) error {
				ev.vendors.flows = append(ev.vendors.flows, f)
				ev.flows[f.Client] = append(ev.flows[f.Client], f)
				if f.Server != f.Client {
					ev.flows[f.Server] = append(ev.flows[f.Server], f)
				}
				return nil
			})
		},
	}
	reads = append(reads, ev.vendors.reads(ctx, s, asOf)...)
	errs := make([]error, len(reads))
	var wg sync.WaitGroup
	for i, read := range reads {
		wg.Go(func() { errs[i] = read() })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for _, st := range sites {
		ev.sites[st.ID] = st
	}
	for _, l := range listings {
		role := l.Source.Role
		if !vigil.SourceRole(role).Valid() {
			role = string(vigil.DefaultSourceRole(l.Source.Name, l.Source.Kind))
		}
		ev.listings[l.DeviceID] = append(ev.listings[l.DeviceID], checks.Source{Name: l.Source.Name, Kind: string(l.Source.Kind), Role: role})
	}
	for _, f := range findings {
		if f.MAC != "" {
			ev.findings["mac:"+strings.ToLower(f.MAC)] = append(ev.findings["mac:"+strings.ToLower(f.MAC)], f)
		} else if f.IP != "" {
			ev.findings["ip:"+f.IP] = append(ev.findings["ip:"+f.IP], f)
		}
	}
	for _, sp := range spans {
		ev.spans[sp.DeviceID] = append(ev.spans[sp.DeviceID], vigil.VulnMatch{DeviceID: sp.DeviceID, VulnID: sp.VulnID,
			Status: vigil.StatusAffected, FixedIn: sp.FixedIn})
		ev.opened[[2]string{itoa(sp.DeviceID), sp.VulnID}] = sp.Opened
		if _, ok := ev.vulns[sp.VulnID]; !ok {
			v, err := s.db.FindVulnerability(ctx, sp.VulnID)
			if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
				return nil, err
			}
			ev.vulns[sp.VulnID] = v // nil when the record is gone
		}
	}
	for _, sb := range sboms {
		k := vigil.SBOMKey(sb.Model, sb.Firmware)
		ev.sboms[k] = append(ev.sboms[k], sb)
	}
	ev.mds2 = map[string][]*vigil.MDS2Form{}
	for _, f := range forms {
		k := vigil.MDS2ModelKey(f.Model)
		ev.mds2[k] = append(ev.mds2[k], f)
	}
	ev.segments = newSegmenter(segs)
	ev.vendors.index(ev, asOf, forms)
	return ev, nil
}

// subjects builds the check subject of every device, on every core.
func (s *Service) subjects(ev *evidence) []*checks.Subject {
	out := make([]*checks.Subject, len(ev.devices))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(ev.devices); i += workers {
				out[i] = s.subject(ev, ev.devices[i])
			}
		})
	}
	wg.Wait()
	return out
}

// subject builds what the checks read about one device.
func (s *Service) subject(ev *evidence, d *vigil.Device) *checks.Subject {
	sub := &checks.Subject{Device: checks.Device{
		ID: d.ID, AssetTag: d.AssetTag, Serial: d.Serial, Manufacturer: d.Manufacturer, Model: d.Model, Type: d.DeviceType,
		Firmware: d.Firmware, MAC: d.MAC, IP: d.IP, Hostname: d.Hostname, Location: d.Location, Owner: d.OwnerTeam,
		Criticality: string(d.Criticality), Lifecycle: string(d.Lifecycle), StoresEPHI: d.StoresEPHI, SendsEPHI: d.SendsEPHI,
		FirstSeen: d.FirstSeen, LastSeen: d.LastSeen,
	}, Sources: ev.listings[d.ID]}
	if sub.Sources == nil {
		sub.Sources = []checks.Source{}
	}
	if st := ev.sites[d.SiteID]; st != nil {
		sub.Device.Site = st.Name
	}
	for p := ev.sites[d.PlaceID]; p != nil; p = ev.sites[p.ParentID] {
		if p.Kind == vigil.SiteDepartment {
			sub.Device.Department = p.Name
			break
		}
		if p.ParentID == 0 {
			break
		}
	}
	var t struct {
		fda     string
		patient bool
	}
	if s.cls != nil {
		if ty, ok := s.cls.Type(d.DeviceType); ok {
			t.fda, t.patient = ty.FDAClass, ty.PatientConnected
		}
	}
	sub.Device.FDAClass, sub.Device.PatientConnected = t.fda, t.patient
	sub.Device.CyberDevice = t.fda != "" && (d.IP != "" || d.MAC != "")
	// The manufacturer's MDS2 form for the model: on record, and what it
	// says of encryption at rest.
	for _, f := range ev.mds2[vigil.MDS2ModelKey(d.Model)] {
		if d.Model != "" && ev.vendors.sameMaker(f.Manufacturer, d.Manufacturer) {
			sub.Device.MDS2 = true
			sub.Device.EncryptsAtRest = f.Facts.EncryptsAtRest.Yes()
			sub.Device.MDS2EncryptsInTransit, sub.Device.MDS2RemoteService = string(f.Facts.EncryptsInTransit), string(f.Facts.RemoteService)
			break
		}
	}
	for _, sb := range ev.sboms[vigil.SBOMKey(d.Model, d.Firmware)] {
		if vigil.SameMaker(sb.Manufacturer, d.Manufacturer) {
			sub.Device.SBOM = true
			break
		}
	}
	// Findings by the device's MAC, or by its IP for a routed host.
	var fs []*vigil.DeviceFinding
	if d.MAC != "" {
		fs = ev.findings["mac:"+d.MAC]
	}
	if len(fs) == 0 && d.IP != "" {
		fs = ev.findings["ip:"+d.IP]
	}
	sub.Findings = make([]checks.Finding, 0, len(fs))
	for _, f := range fs {
		sub.Findings = append(sub.Findings, checks.Finding{Code: f.Code, Severity: findingSeverity[f.Code], Segment: ev.segments.of(f.IP, 0), Detail: f.Detail})
		if f.Code == vigil.FindingRemoteAccess {
			sub.Remote.Enabled = true
		}
	}
	sub.Device.Segment = ev.segments.of(d.IP, 0)
	if v := ev.vlans[d.IP]; v > 0 && sub.Device.Segment == "" && d.IP != "" {
		// Its own VLAN, never a flow's: a flow is keyed on whichever side's
		// frames the capture met first.
		sub.Device.Segment = ev.segments.of(d.IP, v)
	}
	sub.Flows = []checks.Flow{}
	for _, f := range ev.flows[d.IP] {
		if d.IP == "" {
			break
		}
		out := f.Client == d.IP
		peer := f.Server
		if !out {
			peer = f.Client
		}
		fl := checks.Flow{Peer: peer, Outbound: out, Port: int64(f.Port), Proto: f.Proto, App: f.App,
			Encrypted: encryptedApps[f.App], PHI: phiApps[f.App]}
		if internet(peer) && ev.segments.of(peer, 0) == "" {
			fl.Internet, fl.PeerSegment = true, "internet"
		} else {
			fl.PeerSegment = ev.segments.of(peer, 0)
		}
		if remoteApps[f.App] && !out {
			sub.Remote.Enabled = true
		}
		sub.Flows = append(sub.Flows, fl)
	}
	ev.vendors.fill(sub, d, ev.at)
	sub.Vulns = s.vulns(ev, d, sub)
	return sub
}

// vulns lists the device's open vulnerabilities with what ranks them: the
// CVSS the risk score ranks by, KEV, EPSS and the SSVC decision for this
// device, and when the match opened. The newest fix its manufacturer's
// advisories name is the validated firmware.
func (s *Service) vulns(ev *evidence, d *vigil.Device, sub *checks.Subject) []checks.Vuln {
	ms := ev.spans[d.ID]
	out := make([]checks.Vuln, 0, len(ms))
	if len(ms) == 0 {
		return out
	}
	clear := 0
	for _, f := range sub.Findings {
		if f.Code == vigil.FindingCleartextPHI || f.Code == vigil.FindingCleartextManagement {
			clear++
		}
	}
	seg := risk.SegmentClinical
	for _, f := range sub.Findings {
		if f.Code == vigil.FindingPHIOutsideClinical {
			seg = risk.SegmentFlat
		}
	}
	a := risk.Assess(risk.DeviceContext{Device: d, PatientConnected: sub.Device.PatientConnected, Segment: seg,
		ClearTextFindings: clear, RemoteAccess: sub.Remote.Enabled, Matches: ms, Vulns: ev.vulns})
	for _, p := range a.Vulns {
		v := checks.Vuln{ID: p.VulnID, CVSS: p.Score.Base, Severity: severity(p.Score.Base), SSVC: string(p.Decision),
			KEV: p.KEV, KEVDueDate: p.KEVDue, EPSS: p.EPSS, Opened: ev.opened[[2]string{itoa(d.ID), p.VulnID}],
			FixedIn: p.FixedIn, Status: string(p.Status), Remediated: p.Remediated}
		out = append(out, v)
		if p.FixedIn != "" && (sub.Device.ValidatedFirmware == "" || match.CompareVersions(p.FixedIn, sub.Device.ValidatedFirmware) > 0) {
			sub.Device.ValidatedFirmware = p.FixedIn
		}
	}
	return out
}

// severity is the CVSS v3 qualitative rating of a base score.
func severity(base float64) string {
	switch {
	case base >= 9:
		return "critical"
	case base >= 7:
		return "high"
	case base >= 4:
		return "medium"
	case base > 0:
		return "low"
	}
	return "none"
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598).
var cgnat = netip.PrefixFrom(netip.AddrFrom4([4]byte{100, 64, 0, 0}), 10)

// internet reports whether an address is a public one: not private,
// loopback, link-local, multicast, carrier-grade NAT or unique-local.
func internet(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	if a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsMulticast() || a.IsUnspecified() || a.IsLinkLocalMulticast() {
		return false
	}
	if a.Is4() && cgnat.Contains(a) {
		return false
	}
	return true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

package exposure

import (
	"context"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/risk"
)

// AssessRisk scores every device with at least one vulnerability match (or
// the one device asked for), from its matches, its vulnerabilities' scores,
// KEV and EPSS, its clinical criticality and ePHI, what passive discovery
// saw of it (its segment, clear-text findings, remote access, and flows to or
// from public addresses), the public exploits reported for its
// vulnerabilities and the compensating controls acknowledged for it (see
// loadRiskInputs). The result is ranked by risk.Rank, most urgent
// first, at f.At or now.
//
// With f.At the matches are those open then (the match history), and the
// devices and findings are as they stood then.
func (s *Service) AssessRisk(ctx context.Context, f vigil.RiskFilter) ([]risk.Assessment, error) {
	if f.At != nil {
		return s.assessRiskAt(ctx, f)
	}
	ms, err := s.db.FindMatches(ctx, vigil.MatchFilter{DeviceID: f.DeviceID})
	if err != nil {
		return nil, err
	}
	exposure, err := s.networkExposure(ctx, nil)
	if err != nil {
		return nil, err
	}
	return s.assess(ctx, f, ms, exposure, func(id int64) (*vigil.Device, error) {
		d, err := s.db.FindDeviceByID(ctx, id)
		if vigil.ErrorCode(err) == vigil.ENOTFOUND {
			return nil, nil
		}
		return d, err
	})
}

// assessRiskAt is AssessRisk as of f.At.
func (s *Service) assessRiskAt(ctx context.Context, f vigil.RiskFilter) ([]risk.Assessment, error) {
	spans, err := s.db.FindMatchSpans(ctx, f.At)
	if err != nil {
		return nil, err
	}
	var ms []vigil.VulnMatch
	for _, sp := range spans {
		if f.DeviceID == 0 || sp.DeviceID == f.DeviceID {
			ms = append(ms, vigil.VulnMatch{DeviceID: sp.DeviceID, VulnID: sp.VulnID, FixedIn: sp.FixedIn, Status: vigil.StatusAffected})
		}
	}
	devs, _, err := s.db.FindDevices(ctx, vigil.DeviceFilter{AsOf: f.At})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*vigil.Device, len(devs))
	for _, d := range devs {
		byID[d.ID] = d
	}
	exposure, err := s.networkExposure(ctx, f.At)
	if err != nil {
		return nil, err
	}
	return s.assess(ctx, f, ms, exposure, func(id int64) (*vigil.Device, error) { return byID[id], nil })
}

// assess scores the devices of the matches ms that f selects; device
// returns nil for a device that is gone.
func (s *Service) assess(ctx context.Context, f vigil.RiskFilter, ms []vigil.VulnMatch, exposure exposureMap, device func(int64) (*vigil.Device, error)) ([]risk.Assessment, error) {
	byDevice := map[int64][]vigil.VulnMatch{}
	vulnIDs := map[string]bool{}
	for _, m := range ms {
		byDevice[m.DeviceID] = append(byDevice[m.DeviceID], m)
		vulnIDs[m.VulnID] = true
	}
	vulns := make(map[string]*vigil.Vulnerability, len(vulnIDs))
	for id := range vulnIDs {
		v, err := s.db.FindVulnerability(ctx, id)
		if err != nil {
			if vigil.ErrorCode(err) == vigil.ENOTFOUND {
				continue
			}
			return nil, err
		}
		vulns[id] = v
	}
	inputs, err := s.loadRiskInputs(ctx, f.At)
	if err != nil {
		return nil, err
	}
	var out []risk.Assessment
	for id, dms := range byDevice {
		d, err := device(id)
		if err != nil {
			return nil, err
		}
		if d == nil {
			continue
		}
		if f.SiteID != 0 && d.SiteID != f.SiteID || f.DeviceType != "" && d.DeviceType != f.DeviceType {
			continue
		}
		dc := risk.DeviceContext{Device: d, Matches: dms, Vulns: vulns}
		inputs.apply(&dc)
		if t, ok := s.cls.Type(d.DeviceType); ok {
			dc.PatientConnected = t.PatientConnected
		}
		if x := exposure.of(d); x != nil {
			dc.Segment, dc.ClearTextFindings, dc.RemoteAccess = x.segment, x.clearText, x.remote
		}
		a := risk.Assess(dc)
		if t, ok := s.cls.Type(d.DeviceType); ok {
			a.FDAClass = t.FDAClass
		}
		if f.OpenOnly && a.Open == 0 {
			continue
		}
		out = append(out, a)
	}
	now := time.Now()
	if f.At != nil {
		now = *f.At
	}
	risk.Rank(out, now)
	return out, nil
}

// deviceExposure is what discovery says about how exposed a device is.
type deviceExposure struct {
	segment   risk.Segment
	clearText int
	remote    bool
}

// add weighs one finding of the device.
func (x *deviceExposure) add(code string) {
	switch code {
	case vigil.FindingPHIOutsideClinical:
		x.segment = risk.SegmentFlat
	case vigil.FindingCleartextPHI, vigil.FindingCleartextManagement:
		x.clearText++
	case vigil.FindingRemoteAccess:
		x.remote = true
	}
}

type exposureMap map[string]*deviceExposure // by "mac:..." or "ip:..."

func (m exposureMap) of(d *vigil.Device) *deviceExposure {
	if d.MAC != "" {
		if x := m["mac:"+d.MAC]; x != nil {
			return x
		}
	}
	if d.IP != "" {
		return m["ip:"+d.IP]
	}
	return nil
}

// networkExposure reads every network observation in force at at (now when
// nil): a device seen on the wire is on a clinical segment unless discovery
// found it carrying ePHI outside one; clear-text findings and remote access
// come from its findings.
func (s *Service) networkExposure(ctx context.Context, at *time.Time) (exposureMap, error) {
	out := exposureMap{}
	scan := s.db.ScanObservations
	if at != nil {
		scan = func(ctx context.Context, fn func(*vigil.ObservedDevice) error) error {
			return s.db.ScanObservationsAt(ctx, *at, fn)
		}
	}
	err := scan(ctx, func(o *vigil.ObservedDevice) error {
		x := &deviceExposure{segment: risk.SegmentClinical}
		for _, f := range o.Findings {
			x.add(f.Code)
		}
		if o.MAC != "" {
			out["mac:"+strings.ToLower(o.MAC)] = x
		}
		for _, ip := range o.IPs {
			out["ip:"+ip] = x
		}
		return nil
	})
	return out, err
}

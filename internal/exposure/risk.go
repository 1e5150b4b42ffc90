package exposure

import (
	"context"
	"sort"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/risk"
)

// AssessRisk scores every device with at least one vulnerability match (or
// the one device asked for), from its matches, its vulnerabilities' scores,
// KEV and EPSS, its clinical criticality and ePHI, and what passive
// discovery saw of it. The result is ranked, riskiest first.
func (s *Service) AssessRisk(ctx context.Context, f vigil.RiskFilter) ([]risk.Assessment, error) {
	ms, err := s.db.FindMatches(ctx, vigil.MatchFilter{DeviceID: f.DeviceID})
	if err != nil {
		return nil, err
	}
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
	exposure, err := s.networkExposure(ctx)
	if err != nil {
		return nil, err
	}
	var out []risk.Assessment
	for id, dms := range byDevice {
		d, err := s.db.FindDeviceByID(ctx, id)
		if err != nil {
			if vigil.ErrorCode(err) == vigil.ENOTFOUND {
				continue
			}
			return nil, err
		}
		if f.SiteID != 0 && d.SiteID != f.SiteID || f.DeviceType != "" && d.DeviceType != f.DeviceType {
			continue
		}
		dc := risk.DeviceContext{Device: d, Matches: dms, Vulns: vulns}
		if t, ok := s.cls.Type(d.DeviceType); ok {
			dc.PatientConnected = t.PatientConnected
		}
		if x := exposure.of(d); x != nil {
			dc.Segment, dc.ClearTextFindings, dc.RemoteAccess = x.segment, x.clearText, x.remote
		}
		out = append(out, risk.Assess(dc))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].DeviceID < out[j].DeviceID
	})
	return out, nil
}

// deviceExposure is what discovery says about how exposed a device is.
type deviceExposure struct {
	segment   risk.Segment
	clearText int
	remote    bool
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

// networkExposure reads every current network observation: a device seen on
// the wire is on a clinical segment unless discovery found it carrying ePHI
// outside one; clear-text findings and remote access come from its findings.
func (s *Service) networkExposure(ctx context.Context) (exposureMap, error) {
	out := exposureMap{}
	err := s.db.ScanObservations(ctx, func(o *vigil.ObservedDevice) error {
		x := &deviceExposure{segment: risk.SegmentClinical}
		for _, f := range o.Findings {
			switch f.Code {
			case vigil.FindingPHIOutsideClinical:
				x.segment = risk.SegmentFlat
			case vigil.FindingCleartextPHI, vigil.FindingCleartextManagement:
				x.clearText++
			case vigil.FindingRemoteAccess:
				x.remote = true
			}
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

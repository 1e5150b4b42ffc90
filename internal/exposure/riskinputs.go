package exposure

import (
	"context"
	"net/netip"
	"regexp"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/risk"
)

// riskInputs are the risk score's inputs that come from outside a device's
// matches: its internet exposure, the compensating controls acknowledged for
// it and the exploits reported for its vulnerabilities.
type riskInputs struct {
	// public maps an address seen in a flow to the public address it talked
	// with (the first one recorded).
	public map[string]string
	// mitigated maps a device to the vulnerabilities its compensating
	// controls cover.
	mitigated map[int64]map[string]bool
}

// loadRiskInputs reads the flows and the compensating-control evidence in
// force at at (now when nil).
func (s *Service) loadRiskInputs(ctx context.Context, at *time.Time) (*riskInputs, error) {
	in := &riskInputs{public: map[string]string{}, mitigated: map[int64]map[string]bool{}}
	err := s.db.ScanFlows(ctx, at, func(f *vigil.FlowSummary) error {
		in.flow(f.Client, f.Server)
		in.flow(f.Server, f.Client)
		return nil
	})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	if at != nil {
		now = *at
	}
	manual := false
	ev, err := s.db.FindEvidence(ctx, vigil.EvidenceFilter{Area: vigil.EvidenceAreaMonitoring, Auto: &manual})
	if err != nil {
		return nil, err
	}
	for _, e := range ev {
		if !compensatingInForce(e, now) {
			continue
		}
		ids := vulnIDPattern.FindAllString(e.Title, -1)
		for _, d := range e.Devices {
			for _, id := range ids {
				if in.mitigated[d] == nil {
					in.mitigated[d] = map[string]bool{}
				}
				in.mitigated[d][strings.ToUpper(id)] = true
			}
		}
	}
	return in, nil
}

// vulnIDPattern finds the vulnerability ids a compensating control names.
var vulnIDPattern = regexp.MustCompile(`(?i)\b(?:CVE-\d{4}-\d{4,}|GHSA(?:-[0-9a-z]{4}){3})\b`)

// compensatingInForce reports whether evidence filed under monitoring (the
// area whose evidence is the compensating controls, see internal/readiness)
// speaks for now: effective, not ended and not expired.
func compensatingInForce(e *vigil.Evidence, now time.Time) bool {
	return !e.EffectiveFrom.After(now) && (e.EffectiveTo.IsZero() || e.EffectiveTo.After(now)) &&
		(e.ExpiresAt.IsZero() || e.ExpiresAt.After(now))
}

// flow records that addr talked with peer when peer is a public address and
// addr is not.
func (in *riskInputs) flow(addr, peer string) {
	a, err1 := netip.ParseAddr(addr)
	p, err2 := netip.ParseAddr(peer)
	if err1 != nil || err2 != nil || !isPublic(p) || isPublic(a) {
		return
	}
	if _, ok := in.public[a.String()]; !ok {
		in.public[a.String()] = p.String()
	}
}

// isPublic reports whether a lies outside the hospital: a global unicast
// address that is not private (RFC 1918, fc00::/7) nor carrier-grade NAT
// (100.64.0.0/10), as compliance and vendor oversight judge outside peers.
// The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24)
// count as outside: they stand for internet peers in examples and the demo.
func isPublic(a netip.Addr) bool {
	a = a.Unmap()
	return a.IsValid() && a.IsGlobalUnicast() && !a.IsPrivate() && !cgnat.Contains(a)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// apply sets the device's internet exposure, the vulnerabilities its
// compensating controls cover and the public exploits known for its
// vulnerabilities.
func (in *riskInputs) apply(dc *risk.DeviceContext) {
	d := dc.Device
	if d.IP != "" {
		if a, err := netip.ParseAddr(d.IP); err == nil {
			_, dc.InternetFacing = in.public[a.String()]
		}
	}
	if m := in.mitigated[d.ID]; len(m) > 0 {
		dc.Remediated = map[string]bool{}
		for _, x := range dc.Matches {
			if m[strings.ToUpper(x.VulnID)] {
				dc.Remediated[x.VulnID] = true
			}
		}
	}
	for _, x := range dc.Matches {
		if v := dc.Vulns[x.VulnID]; v != nil && len(v.Exploits) > 0 {
			if dc.Evidence == nil {
				dc.Evidence = map[string]risk.Evidence{}
			}
			dc.Evidence[x.VulnID] = risk.Evidence{PublicPoC: true}
		}
	}
}

package web

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

// TestGroupAdvisoryMatches: an advisory's page names each device once, the
// devices its own products cover apart from those other evidence exposes,
// and the fixed ones apart from both.
func TestGroupAdvisoryMatches(t *testing.T) {
	pump, monitor, fixed, mixed := &vigil.Device{ID: 1}, &vigil.Device{ID: 2}, &vigil.Device{ID: 3}, &vigil.Device{ID: 4}
	m := func(d *vigil.Device, vuln string, basis vigil.MatchBasis, adv string, st vigil.ProductStatus) matchRow {
		return matchRow{VulnMatch: vigil.VulnMatch{DeviceID: d.ID, VulnID: vuln, Basis: basis, AdvisoryID: adv, Status: st}, Device: d}
	}
	rows := []matchRow{
		m(pump, "CVE-2", vigil.BasisCSAFProduct, "A-1", vigil.StatusAffected),
		m(pump, "CVE-1", vigil.BasisCSAFProduct, "A-1", vigil.StatusAffected),
		m(monitor, "CVE-2", vigil.BasisSBOMComponent, "A-1", vigil.StatusAffected),
		m(fixed, "CVE-1", vigil.BasisCSAFProduct, "A-1", vigil.StatusFixed),
		m(fixed, "CVE-2", vigil.BasisCSAFProduct, "A-1", vigil.StatusFixed),
		m(mixed, "CVE-1", vigil.BasisCSAFProduct, "A-1", vigil.StatusFixed),
		m(mixed, "CVE-3", vigil.BasisCSAFProduct, "A-1", vigil.StatusUnderInvestigation),
		m(monitor, "CVE-9", vigil.BasisCSAFProduct, "A-2", vigil.StatusAffected), // another advisory's product
	}
	named, exposed, done := groupAdvisoryMatches("A-1", rows)
	want := []advisoryDevice{{Device: pump, Open: []string{"CVE-1", "CVE-2"}}, {Device: mixed, Open: []string{"CVE-3"}, Fixed: []string{"CVE-1"}}}
	if diff := cmp.Diff(want, named); diff != "" {
		t.Errorf("named (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]advisoryDevice{{Device: monitor, Open: []string{"CVE-2", "CVE-9"}}}, exposed); diff != "" {
		t.Errorf("exposed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]advisoryDevice{{Device: fixed, Fixed: []string{"CVE-1", "CVE-2"}}}, done); diff != "" {
		t.Errorf("fixed (-want +got):\n%s", diff)
	}
}

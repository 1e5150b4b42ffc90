package match_test

import (
	"context"
	"os"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/sbom"
)

func readSBOM(t *testing.T, name string) *vigil.SBOM {
	t.Helper()
	p := realdata(t, "sbom", "cyclonedx", name)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := sbom.Parse(context.Background(), name, f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSBOMWithCycloneDXVEX runs the real CycloneDX BOM and its VEX document
// through matching: jackson-databind 2.10.0 is in the GHSA range of
// CVE-2020-25649, and the VEX says the code is not reachable.
func TestSBOMWithCycloneDXVEX(t *testing.T) {
	bom := readSBOM(t, "VEX_bom.json")
	vex := readSBOM(t, "VEX_vex.json")
	v := &vigil.Vulnerability{ID: "CVE-2020-25649", Affected: []vigil.Affected{{Ecosystem: "Maven",
		PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind",
		Versions: []vigil.AffectedRange{
			{VersionRange: vigil.VersionRange{EndExcluding: "2.6.7.4"}, Status: vigil.StatusAffected},
			{VersionRange: vigil.VersionRange{StartIncluding: "2.7.0", EndExcluding: "2.9.10.7"}, Status: vigil.StatusAffected},
			{VersionRange: vigil.VersionRange{StartIncluding: "2.10.0", EndExcluding: "2.10.5.1"}, Status: vigil.StatusAffected},
		}}}}
	ix := match.NewIndex([]*vigil.Vulnerability{v}, nil, match.Options{})
	target := match.Target{DeviceID: 5, Manufacturer: "Acme", Model: "Infusion Gateway", Firmware: "1.0", Components: bom.Components}
	m := find(ix.Match(target), v.ID)
	if m == nil || m.Status != vigil.StatusAffected || m.Basis != vigil.BasisPURL || m.FixedIn != "2.10.5.1" {
		t.Fatalf("without VEX: %+v", m)
	}
	target.VEX = vex.VEX
	m = find(ix.Match(target), v.ID)
	if m == nil || m.Status != vigil.StatusNotAffected || m.Justification != "code_not_reachable" {
		t.Errorf("with VEX: %+v, want not_affected (code_not_reachable)", m)
	}
}

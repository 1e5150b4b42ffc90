package vigil_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

func TestVendorMakes(t *testing.T) {
	v := &vigil.Vendor{Name: "GE HealthCare", Aliases: []string{"General Electric", " general electric ", "GE Healthcare"}}
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"General Electric"}, v.Aliases); diff != "" {
		t.Errorf("aliases (-want +got):\n%s", diff)
	}
	for m, want := range map[string]bool{"GE": true, "GE Medical Systems": true, "ge.": true, "General Electric Co.": true,
		"Philips": false, "": false, "  ": false} {
		if got := v.Makes(m); got != want {
			t.Errorf("Makes(%q) = %v, want %v", m, got, want)
		}
	}
}

func TestVendorValidate(t *testing.T) {
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, err := range map[string]error{
		"no name":        (&vigil.Vendor{}).Validate(),
		"bad kind":       (&vigil.Vendor{Name: "x", Kind: "reseller"}).Validate(),
		"empty contact":  (&vigil.Vendor{Name: "x", Contacts: []vigil.VendorContact{{}}}).Validate(),
		"baa no vendor":  (&vigil.BAA{Signed: day}).Validate(),
		"baa unsigned":   (&vigil.BAA{VendorID: 1}).Validate(),
		"baa backwards":  (&vigil.BAA{VendorID: 1, Signed: day, Expires: day.AddDate(0, 0, -1)}).Validate(),
		"cert kind":      (&vigil.Certification{VendorID: 1, Kind: "pci", Issuer: "x", Expires: day}).Validate(),
		"cert other":     (&vigil.Certification{VendorID: 1, Kind: vigil.CertOtherKind, Issuer: "x", Expires: day}).Validate(),
		"cert no expiry": (&vigil.Certification{VendorID: 1, Kind: vigil.CertISO27001, Issuer: "x"}).Validate(),
	} {
		if vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	b := &vigil.BAA{VendorID: 1, Signed: day, Expires: day.AddDate(2, 0, 0), Renewal: day.AddDate(1, 0, 0)}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	if !b.Effective.Equal(day) || !b.Due().Equal(day.AddDate(1, 0, 0)) {
		t.Errorf("effective %v, due %v", b.Effective, b.Due())
	}
}

func TestVendorEndpoints(t *testing.T) {
	v := &vigil.Vendor{Name: "Acme Imaging", Endpoints: []vigil.VendorEndpoint{
		{Kind: vigil.EndpointAddress, Value: " 203.0.113.77/24 "},
		{Kind: vigil.EndpointAddress, Value: "::ffff:198.51.100.9"},
		{Kind: vigil.EndpointHost, Value: "*.Remote.Acme.example.", Tool: "Acme Link"},
		{Kind: vigil.EndpointTLSName, Value: "gw.acme.example"},
		{Kind: vigil.EndpointCertOrg, Value: "Acme Imaging Inc."},
		{Kind: vigil.EndpointAddress, Value: "203.0.113.0/24"},
	}}
	if err := v.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []vigil.VendorEndpoint{
		{Kind: vigil.EndpointAddress, Value: "203.0.113.0/24"},
		{Kind: vigil.EndpointAddress, Value: "198.51.100.9"},
		{Kind: vigil.EndpointHost, Value: "*.remote.acme.example", Tool: "Acme Link"},
		{Kind: vigil.EndpointTLSName, Value: "gw.acme.example"},
		{Kind: vigil.EndpointCertOrg, Value: "Acme Imaging Inc."},
	}
	if diff := cmp.Diff(want, v.Endpoints); diff != "" {
		t.Errorf("endpoints (-want +got):\n%s", diff)
	}
	for _, bad := range []vigil.VendorEndpoint{
		{Kind: vigil.EndpointAddress, Value: "remote.acme.example"},
		{Kind: vigil.EndpointHost, Value: "not a host"},
		{Kind: vigil.EndpointHost, Value: "*."},
		{Kind: "url", Value: "https://acme.example"},
		{Kind: vigil.EndpointCertOrg, Value: "  "},
	} {
		v := &vigil.Vendor{Name: "Acme", Endpoints: []vigil.VendorEndpoint{bad}}
		if err := v.Validate(); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("endpoint %+v: err = %v, want EINVALID", bad, err)
		}
	}
}

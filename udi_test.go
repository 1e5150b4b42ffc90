package vigil

import "testing"

func TestUDIKey(t *testing.T) {
	for _, c := range []struct {
		u    UDI
		want string
	}{
		{UDI{Issuer: UDIIssuerGS1, DI: "00844588018923", Serial: "S1"}, "gs1:00844588018923/S1"},
		{UDI{Issuer: UDIIssuerGS1, DI: "00844588018923", Lot: "L1"}, ""},
		{UDI{Issuer: UDIIssuerICCBBA, DI: "W4146EB0010T0475", DonationID: "A999713123456", Serial: "000025"}, "iccbba:W4146EB0010T0475/A999713123456.000025"},
		{UDI{Issuer: UDIIssuerICCBBA, DI: "W4146EB0010T0475", DonationID: "A999713123456"}, "iccbba:W4146EB0010T0475/A999713123456"},
		{UDI{Issuer: UDIIssuerHIBCC, Serial: "S1"}, ""},
	} {
		if got := c.u.Key(); got != c.want {
			t.Errorf("%+v.Key() = %q, want %q", c.u, got, c.want)
		}
	}
}

func TestUDIValidate(t *testing.T) {
	for _, c := range []struct {
		u  UDI
		ok bool
	}{
		{UDI{Issuer: UDIIssuerGS1, DI: "00844588018923", Expiry: "2025-12-31"}, true},
		{UDI{Issuer: "ean", DI: "1"}, false},
		{UDI{Issuer: UDIIssuerGS1}, false},
		{UDI{Issuer: UDIIssuerGS1, DI: "1", Manufactured: "2025-13-01"}, false},
	} {
		if err := c.u.Validate(); (err == nil) != c.ok {
			t.Errorf("%+v.Validate() = %v, want ok %v", c.u, err, c.ok)
		}
	}
}

func TestNormalizeEUI64(t *testing.T) {
	for in, want := range map[string]string{
		"0012A5FFFE3B7C10":        "00:12:a5:ff:fe:3b:7c:10",
		"00-12-a5-ff-fe-3b-7c-10": "00:12:a5:ff:fe:3b:7c:10",
		"00:12:A5:FF:FE:3B:7C:10": "00:12:a5:ff:fe:3b:7c:10",
		"0012A5FFFE3B7C":          "",
		"0012A5FFFE3B7C1011":      "",
		"0012A5FFFE3B7CXY":        "",
		"0000000000000000":        "",
		"FFFFFFFFFFFFFFFF":        "",
	} {
		got, err := NormalizeEUI64(in)
		if got != want || (err == nil) != (want != "") {
			t.Errorf("NormalizeEUI64(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

package match

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCPE(t *testing.T) {
	tests := []struct {
		in   string
		want CPE
		bind string
	}{
		{"cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*",
			CPE{"a", "offis", "dcmtk", "3.6.6", "*", "*", "*", "*", "*", "*", "*"}, "cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*"},
		{"cpe:2.3:h:gehealthcare:apexpro_telemetry_server:-:*:*:*:*:*:*:*",
			CPE{"h", "gehealthcare", "apexpro_telemetry_server", "-", "*", "*", "*", "*", "*", "*", "*"}, ""},
		{`cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*`,
			CPE{"a", "microsoft", "internet_explorer", "8.0.6001", "beta", "*", "*", "*", "*", "*", "*"}, ""},
		{`cpe:2.3:a:foo\:bar:baz:1.0:*:*:*:*:*:*:*`,
			CPE{"a", "foo:bar", "baz", "1.0", "*", "*", "*", "*", "*", "*", "*"}, `cpe:2.3:a:foo\:bar:baz:1.0:*:*:*:*:*:*:*`},
		{`cpe:2.3:a:hp:insight_diagnostics:7.4.0.1570:-:*:*:online:win2003:x64:*`,
			CPE{"a", "hp", "insight_diagnostics", "7.4.0.1570", "-", "*", "*", "online", "win2003", "x64", "*"}, ""},
		{"cpe:/a:offis:dcmtk:3.6.6", CPE{"a", "offis", "dcmtk", "3.6.6", "*", "*", "*", "*", "*", "*", "*"}, "cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*"},
		{"cpe:/o:Siemens:Syngo%20X:VA40A", CPE{"o", "siemens", "syngo x", "va40a", "*", "*", "*", "*", "*", "*", "*"}, ""},
		{"cpe:2.3:a:nextgen:mirth_connect", CPE{"a", "nextgen", "mirth_connect", "*", "*", "*", "*", "*", "*", "*", "*"}, ""},
	}
	for _, tt := range tests {
		got, err := ParseCPE(tt.in)
		if err != nil {
			t.Errorf("ParseCPE(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseCPE(%q) (-want +got):\n%s", tt.in, diff)
		}
		if tt.bind != "" && got.String() != tt.bind {
			t.Errorf("ParseCPE(%q).String() = %q, want %q", tt.in, got.String(), tt.bind)
		}
		again, err := ParseCPE(got.String())
		if err != nil || again != got {
			t.Errorf("round trip of %q: %v %+v", tt.in, err, again)
		}
	}
	for _, bad := range []string{"", "cpe:2.3", "cpe:2.3:x:a:b", "cpe:2.3:a:-:b", "cpe:2.3:a:b:c:d:e:f:g:h:i:j:k:l", `cpe:2.3:a:b:c\`, "cpe:/a:b:c:d:e:f:g:h", "pkg:npm/x"} {
		if _, err := ParseCPE(bad); err == nil {
			t.Errorf("ParseCPE(%q) succeeded, want an error", bad)
		}
	}
}

func TestCPEMatches(t *testing.T) {
	tests := []struct {
		crit, target string
		want         bool
	}{
		{"cpe:2.3:a:offis:dcmtk:*:*:*:*:*:*:*:*", "cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*", "cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*", "cpe:2.3:a:offis:dcmtk:3.6.06:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*", "cpe:2.3:a:offis:dcmtk:3.6.7:*:*:*:*:*:*:*", false},
		{"cpe:2.3:a:offis:dcmtk:*:*:*:*:*:*:*:*", "cpe:2.3:o:offis:dcmtk:3.6.6:*:*:*:*:*:*:*", false},
		{"cpe:2.3:*:offis:dcmtk:*:*:*:*:*:*:*:*", "cpe:2.3:o:offis:dcmtk:3.6.6:*:*:*:*:*:*:*", true},
		{"cpe:2.3:h:gehealthcare:apexpro_telemetry_server:-:*:*:*:*:*:*:*", "cpe:2.3:h:gehealthcare:apexpro_telemetry_server:-:*:*:*:*:*:*:*", true},
		{"cpe:2.3:h:gehealthcare:apexpro_telemetry_server:-:*:*:*:*:*:*:*", "cpe:2.3:h:gehealthcare:apexpro_telemetry_server:1.0:*:*:*:*:*:*:*", false},
		{"cpe:2.3:a:ge*:apexpro*:*:*:*:*:*:*:*:*", "cpe:2.3:a:gehealthcare:apexpro_telemetry_server:1:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:g?:x:*:*:*:*:*:*:*:*", "cpe:2.3:a:ge:x:1:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:g?:x:*:*:*:*:*:*:*:*", "cpe:2.3:a:gee:x:1:*:*:*:*:*:*:*", false},
		{"cpe:2.3:a:v:p:*:*:*:*:*:windows:*:*", "cpe:2.3:a:v:p:1:*:*:*:*:linux:*:*", false},
		{"cpe:2.3:a:v:p:*:*:*:*:*:windows:*:*", "cpe:2.3:a:v:p:1:*:*:*:*:*:*:*", true},
		{"cpe:2.3:a:v:p:1.*:*:*:*:*:*:*:*", "cpe:2.3:a:v:p:1.2:*:*:*:*:*:*:*", true},
	}
	for _, tt := range tests {
		c, err := ParseCPE(tt.crit)
		if err != nil {
			t.Fatal(err)
		}
		tg, err := ParseCPE(tt.target)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Matches(tg); got != tt.want {
			t.Errorf("%s matches %s = %v, want %v", tt.crit, tt.target, got, tt.want)
		}
	}
}

func TestVendorAliases(t *testing.T) {
	a := DefaultAliases()
	tests := []struct{ in, want string }{
		{"ge_healthcare", "gehealthcare"},
		{"GE Healthcare", "gehealthcare"},
		{"GE Medical Systems", "gehealthcare"},
		{"General Electric (GE)", "gehealthcare"},
		{"gehealthcare", "gehealthcare"},
		{"Philips", "philips"},
		{"Phillips", "philips"},
		{"Koninklijke Philips N.V.", "philips"},
		{"Becton, Dickinson and Company (BD)", "bd"},
		{"BD", "bd"},
		{"B. Braun Melsungen AG", "bbraun"},
		{"Dräger", "draeger"},
		{"Drägerwerk AG & Co. KGaA", "draeger"},
		{"Siemens Healthineers", "siemens"},
		{"OFFIS", "offis"},
		{"NextGen Healthcare", "nextgen"},
		{"Acme Medical, Inc.", "acmemedical"},
	}
	for _, tt := range tests {
		if got := a.Vendor(tt.in); got != tt.want {
			t.Errorf("Vendor(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for in, want := range map[string]string{
		"apexpro_telemetry_server_firmware": "apexprotelemetryserver",
		"ApexPro Telemetry Server":          "apexprotelemetryserver",
		"firmware":                          "firmware",
		"CARESCAPE Central Station (CSCS)":  "carescapecentralstationcscs",
	} {
		if got := ProductKey(in); got != want {
			t.Errorf("ProductKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseCPE(f *testing.F) {
	for _, s := range []string{"cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*", `cpe:2.3:a:foo\:bar:b\*az:1.0:*:*:*:*:*:*:*`, "cpe:/a:x:y:1%202", "cpe:2.3:a:g?:*x*:-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCPE(s)
		if err != nil {
			return
		}
		again, err := ParseCPE(c.String())
		if err != nil {
			t.Fatalf("ParseCPE(%q) ok but its binding %q fails: %v", s, c.String(), err)
		}
		_ = c.Matches(again)
	})
}

// TestCriterionFastPath: the index's fast path for plain criteria gives the
// same parsed criterion as the full CPE parser.
func TestCriterionFastPath(t *testing.T) {
	b := newBuilder(DefaultAliases())
	for _, crit := range []string{
		"cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*",
		"cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*", // cached prefix
		"cpe:2.3:a:offis:dcmtk:*:*:*:*:*:*:*:*",
		"cpe:2.3:h:gehealthcare:apexpro_telemetry_server:-:*:*:*:*:*:*:*",
		"cpe:2.3:o:Siemens:Syngo:VA40A:*:*:*:*:*:*:*",
		"cpe:2.3:a:v:p::*:*:*:*:*:*:*",
		"cpe:2.3:a:v:p:1.0:beta:*:*:*:*:*:*",
		`cpe:2.3:a:v\:x:p:1.0:*:*:*:*:*:*:*`,
	} {
		fast, key, ok := b.criterion(crit)
		if !ok {
			t.Fatalf("criterion(%q) failed", crit)
		}
		cp, err := ParseCPE(crit)
		if err != nil {
			t.Fatal(err)
		}
		var ver Version
		if fast.ver != nil {
			ver = *fast.ver
		}
		if b.keyNames[key] != b.aliases.Vendor(cp.Vendor)+"|"+ProductKey(cp.Product) || string(fast.part) != cp.Part || fast.verAttr != cp.Version || Compare(ver, versionOf(cp)) != 0 {
			t.Errorf("criterion(%q) = %+v, parser says %+v", crit, fast, cp)
		}
		if (fast.rest != nil) != (cp.Update != Any) {
			t.Errorf("criterion(%q): rest %v", crit, fast.rest)
		}
	}
	if _, _, ok := b.criterion("cpe:2.3:x:v:p:1:*:*:*:*:*:*:*"); ok {
		t.Error("bad part accepted")
	}
}

func TestBindCPE(t *testing.T) {
	for _, tt := range []struct{ part, vendor, product, version, want string }{
		{"a", "OFFIS", "DCMTK", "3.6.7", "cpe:2.3:a:offis:dcmtk:3.6.7:*:*:*:*:*:*:*"},
		{"o", "GE Healthcare", "ApexPro Telemetry Server Firmware", "4.2", "cpe:2.3:o:ge_healthcare:apexpro_telemetry_server_firmware:4.2:*:*:*:*:*:*:*"},
		{"a", "NextGen", "Mirth Connect", "", "cpe:2.3:a:nextgen:mirth_connect:*:*:*:*:*:*:*:*"},
		{"a", "x", "a:b", "1", `cpe:2.3:a:x:a\:b:1:*:*:*:*:*:*:*`},
	} {
		got := BindCPE(tt.part, tt.vendor, tt.product, tt.version)
		if got != tt.want {
			t.Errorf("BindCPE(%q, %q, %q, %q) = %q, want %q", tt.part, tt.vendor, tt.product, tt.version, got, tt.want)
		}
		if _, err := ParseCPE(got); err != nil {
			t.Errorf("BindCPE result %q does not parse: %v", got, err)
		}
	}
}

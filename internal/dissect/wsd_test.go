package dissect

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const wsdProbeMatches = `<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing"
 xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:wprt="http://schemas.microsoft.com/windows/2006/08/wdp/print">
<soap:Header><wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>
<wsa:MessageID>urn:uuid:0b8f4a2e-0000-0000-0000-000000000001</wsa:MessageID></soap:Header>
<soap:Body><wsd:ProbeMatches><wsd:ProbeMatch>
<wsa:EndpointReference><wsa:Address>urn:uuid:e3248000-80ce-11db-8000-001ba99ec956</wsa:Address></wsa:EndpointReference>
<wsd:Types>wsdp:Device wprt:PrintDeviceType</wsd:Types>
<wsd:XAddrs>http://10.20.1.60:3911/ http://[fe80::1]:3911/</wsd:XAddrs>
</wsd:ProbeMatch></wsd:ProbeMatches></soap:Body></soap:Envelope>`

func TestParseWSD(t *testing.T) {
	got, err := ParseWSD([]byte(wsdProbeMatches))
	if err != nil {
		t.Fatal(err)
	}
	want := &WSD{
		Action: "ProbeMatches", ActionURI: "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches",
		MessageID: "urn:uuid:0b8f4a2e-0000-0000-0000-000000000001", Address: "urn:uuid:e3248000-80ce-11db-8000-001ba99ec956",
		Types:  []string{"wsdp:Device", "wprt:PrintDeviceType"},
		XAddrs: []string{"http://10.20.1.60:3911/", "http://[fe80::1]:3911/"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"not xml", "<Envelope><Body/></Envelope>", "<Envelope><Action>x</Action"} {
		if _, err := ParseWSD([]byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// External entities are never fetched or expanded.
	xxe := `<!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><Envelope><Action>a/Hello</Action><Types>&x;</Types></Envelope>`
	if m, _ := ParseWSD([]byte(xxe)); m != nil && len(m.Types) > 0 && m.Types[0] != "&x;" {
		t.Errorf("entity expanded: %q", m.Types)
	}
}

func FuzzParseWSD(f *testing.F) {
	f.Add([]byte(wsdProbeMatches))
	f.Add([]byte("<Envelope><Action>a/Resolve</Action></Envelope>"))
	f.Fuzz(func(t *testing.T, b []byte) { ParseWSD(b) })
}

package dissect

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func snmpTLV(tag byte, v []byte) []byte {
	if len(v) < 128 {
		return append([]byte{tag, byte(len(v))}, v...)
	}
	return append([]byte{tag, 0x81, byte(len(v))}, v...)
}

func snmpSeq(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return snmpTLV(0x30, b)
}

// snmpResponse is a v2c get-response with sysDescr and sysName.
func snmpResponse(community string) []byte {
	vb1 := snmpSeq(snmpTLV(0x06, []byte{0x2b, 6, 1, 2, 1, 1, 1, 0}), snmpTLV(0x04, []byte("Linux ubuntu 4.4.0-31-generic")))
	vb2 := snmpSeq(snmpTLV(0x06, []byte{0x2b, 6, 1, 2, 1, 1, 5, 0}), snmpTLV(0x04, []byte("R1.lab.local")))
	vb3 := snmpSeq(snmpTLV(0x06, []byte{0x2b, 6, 1, 2, 1, 1, 3, 0}), snmpTLV(0x43, []byte{0x01, 0x00}))
	pdu := snmpTLV(0xa2, append(append(append(snmpTLV(0x02, []byte{0x12}), snmpTLV(0x02, []byte{0})...), snmpTLV(0x02, []byte{0})...), snmpSeq(vb1, vb2, vb3)...))
	return snmpSeq(snmpTLV(0x02, []byte{1}), snmpTLV(0x04, []byte(community)), pdu)
}

// snmpV3 is an unencrypted v3 get-next with user "NOAUTHNOPRIV".
func snmpV3() []byte {
	global := snmpSeq(snmpTLV(0x02, []byte{1}), snmpTLV(0x02, []byte{0x05, 0xdc}), snmpTLV(0x04, []byte{4}), snmpTLV(0x02, []byte{3}))
	usm := snmpSeq(snmpTLV(0x04, []byte{0x80, 0, 0x1f}), snmpTLV(0x02, []byte{0}), snmpTLV(0x02, []byte{0}),
		snmpTLV(0x04, []byte("NOAUTHNOPRIV")), snmpTLV(0x04, nil), snmpTLV(0x04, nil))
	vb := snmpSeq(snmpTLV(0x06, []byte{0x2b, 6, 1, 2, 1, 1}), []byte{0x05, 0})
	pdu := snmpTLV(0xa1, append(append(append(snmpTLV(0x02, []byte{1}), snmpTLV(0x02, []byte{0})...), snmpTLV(0x02, []byte{0})...), snmpSeq(vb)...))
	scoped := snmpSeq(snmpTLV(0x04, []byte{0x80, 0, 0x1f}), snmpTLV(0x04, nil), pdu)
	return snmpSeq(snmpTLV(0x02, []byte{3}), global, snmpTLV(0x04, usm), scoped)
}

func TestParseSNMP(t *testing.T) {
	got, err := ParseSNMP(snmpResponse("public"))
	if err != nil {
		t.Fatal(err)
	}
	want := &SNMP{Version: 1, Community: "public", PDU: "get-response", Varbinds: []SNMPVarbind{
		{OID: OIDSysDescr, Value: "Linux ubuntu 4.4.0-31-generic"}, {OID: OIDSysName, Value: "R1.lab.local"},
		{OID: "1.3.6.1.2.1.1.3.0", Value: "256"},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got.VersionName() != "v2c" || got.Value(OIDSysName) != "R1.lab.local" {
		t.Errorf("version %s sysName %s", got.VersionName(), got.Value(OIDSysName))
	}
	v3, err := ParseSNMP(snmpV3())
	if err != nil {
		t.Fatal(err)
	}
	if v3.VersionName() != "v3" || v3.User != "NOAUTHNOPRIV" || v3.Community != "" || v3.PDU != "get-next-request" {
		t.Errorf("v3 %+v", v3)
	}
	for name, b := range map[string][]byte{
		"empty":   nil,
		"notseq":  {0x02, 1, 1},
		"length":  {0x30, 0x84, 1, 1, 1, 1},
		"short":   snmpResponse("public")[:20],
		"version": snmpSeq(snmpTLV(0x02, []byte{7}), snmpTLV(0x04, []byte("x"))),
	} {
		if _, err := ParseSNMP(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParseSNMP(f *testing.F) {
	f.Add(snmpResponse("public"))
	f.Add(snmpV3())
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := ParseSNMP(b); err == nil && m == nil {
			t.Fatal("nil message without error")
		}
	})
}

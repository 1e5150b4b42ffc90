package reconcile

import (
	"testing"

	"github.com/vigil-health/vigil"
)

func TestNormalisers(t *testing.T) {
	for _, tt := range []struct {
		name string
		f    func(string) string
		in   string
		want string
	}{
		{"mac", normMAC, "00:09:fb:00:00:01", "00:09:fb:00:00:01"},
		{"mac", normMAC, "00-09-FB-00-00-01", "00:09:fb:00:00:01"},
		{"mac", normMAC, "0009.fb00.0001", "00:09:fb:00:00:01"},
		{"mac", normMAC, "00:00:00:00:00:00", ""},
		{"mac", normMAC, "ff:ff:ff:ff:ff:ff", ""},
		{"mac", normMAC, "FF-FF-FF-FF-FF-FF", ""},
		{"mac", normMAC, "garbage", ""},
		{"tag", normTag, " sn 12 34 ", "SN1234"},
		{"tag", normTag, "n/a", ""},
		{"tag", normTag, "Unknown", ""},
		{"mfr", mfrKey, "GE Healthcare, Inc.", "ge"},
		{"mfr", mfrKey, "The Philips Company", "philips"},
		{"mfr", mfrKey, "Dräger", "dräger"},
		{"mfr", mfrKey, "N/A", ""},
		{"host", normHost, "PUMP-01.icu.example.org", "pump-01"},
		{"host", normHost, "localhost", ""},
		{"host", normHost, "10.0.0.1", ""},
		{"ip", normIP, " 10.0.0.1 ", "10.0.0.1"},
		{"ip", normIP, "::ffff:10.0.0.1", "10.0.0.1"},
		{"ip", normIP, "FE80::1", "fe80::1"},
		{"ip", normIP, "127.0.0.1", ""},
		{"ip", normIP, "010.0.0.1", ""},
		{"ip", normIP, "224.0.0.251", ""},
	} {
		if got := tt.f(tt.in); got != tt.want {
			t.Errorf("%s(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestRecordKey(t *testing.T) {
	rec := func(kv ...string) *vigil.Record {
		r := &vigil.Record{Origin: vigil.Origin{File: "x.csv", Line: 4}}
		for i := 0; i < len(kv); i += 2 {
			r.Fields.Set(kv[i], kv[i+1])
		}
		return r
	}
	for _, tt := range []struct {
		r    *vigil.Record
		want string
	}{
		{rec("asset_tag", "bme-1", "serial", "S1", "mac", "00:00:00:00:00:01"), "cmms|asset_tag=BME-1"},
		{rec("serial", "s1", "manufacturer", "GE Healthcare", "mac", "00:00:00:00:00:01"), "cmms|serial=ge:S1"},
		{rec("mac", "00-00-00-00-00-01", "hostname", "a"), "cmms|mac=00:00:00:00:00:01"},
		{rec("hostname", "A.example.org", "ip", "10.0.0.1"), "cmms|hostname=a"},
		{rec("ip", "10.0.0.1"), "cmms|ip=10.0.0.1"},
		{rec("model", "X"), "cmms|origin=x.csv:4"},
	} {
		if got := RecordKey("cmms", tt.r); got != tt.want {
			t.Errorf("RecordKey(%v) = %q, want %q", tt.r.Fields, got, tt.want)
		}
	}
}

func TestFieldIndex(t *testing.T) {
	if fieldSlots.mul == 0 {
		t.Log("no collision-free slot multiplier: fieldIndex uses the map")
	}
	for i, f := range vigil.Fields {
		if got, ok := fieldIndex(f); !ok || got != i {
			t.Errorf("fieldIndex(%q) = %d, %v; want %d", f, got, ok, i)
		}
	}
	for _, f := range []string{"", "x", "Model", "model ", "serial_number", "mac_address", "ipv6", "site_id", "\xff"} {
		if got, ok := fieldIndex(f); ok {
			t.Errorf("fieldIndex(%q) = %d, want none", f, got)
		}
	}
}

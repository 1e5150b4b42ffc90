package discover

import (
	"bytes"
	"context"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/pcapgen"
)

// TestHL7Identity reads a generated capture in which one monitor names
// itself by a UDI in PRT and every monitor by an EUI-64 in OBX-18: each
// monitor's observation and network record carry its identity, the
// engine that receives the messages carries none.
func TestHL7Identity(t *testing.T) {
	hosts := pcapgen.DefaultHosts(7, 3, 1)
	const carrier = "(01)00844588018923(17)281231(10)LOT7(21)SN-0042"
	var monitor *pcapgen.Host
	for i := range hosts {
		if hosts[i].Role == pcapgen.RoleMonitor {
			monitor = &hosts[i]
			break
		}
	}
	monitor.UDI = carrier
	var buf bytes.Buffer
	if err := pcapgen.Write(&buf, pcapgen.Options{Seed: 7, Devices: hosts, ImageBytes: 4 << 10}); err != nil {
		t.Fatal(err)
	}
	src, err := capture.NewReader("udi.pcap", &buf)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), []capture.Source{src}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	recs := Records(r, "udi.pcap")
	monitors := 0
	for i, d := range r.Devices {
		ip := firstOf(d.IPs)
		switch {
		case ip == monitor.IP.String():
			if d.UDI != carrier || recs[i].Get(vigil.FieldUDI) != carrier {
				t.Errorf("monitor UDI %q, record %q; want %q", d.UDI, recs[i].Get(vigil.FieldUDI), carrier)
			}
			fallthrough
		case len(d.IPs) > 0 && d.HL7 != nil && d.DeviceType == "patient-monitor":
			monitors++
			mac := d.MAC
			want := mac[:8] + ":ff:fe" + mac[8:]
			if d.EUI64 != want || recs[i].Get(vigil.FieldEUI64) != want {
				t.Errorf("%s: EUI-64 %q, record %q; want %q", ip, d.EUI64, recs[i].Get(vigil.FieldEUI64), want)
			}
		default:
			if d.UDI != "" || d.EUI64 != "" {
				t.Errorf("%s (%s): UDI %q EUI-64 %q, want none", ip, d.DeviceType, d.UDI, d.EUI64)
			}
		}
	}
	if monitors != 3 {
		t.Errorf("%d monitors seen, want 3", monitors)
	}
}

func TestOwnUDI(t *testing.T) {
	const a = "(01)00844588018923(21)S1"
	const aFull = "(01)00844588018923(17)281231(21)S1"
	const b = "(01)00844588018923(21)S2"
	const model = "(01)00844588018923"
	for _, c := range []struct {
		in   []string
		want string
	}{
		{[]string{a}, a},
		{[]string{a, aFull}, aFull}, // one device, spelt twice
		{[]string{aFull, a, model}, aFull},
		{[]string{a, b}, ""}, // a gateway relaying two devices
		{[]string{model}, model},
		{[]string{model, "(01)10884521062856"}, ""},
		{nil, ""},
	} {
		if got := ownUDI(c.in); got != c.want {
			t.Errorf("ownUDI(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestHL7IdentityRealCapture reads nDPI's real HL7 capture (an ADT^A01 and
// its ACK, no PRT and no OBX-18): HL7 is seen, and no device is given a
// UDI or an EUI-64 from its patient or routing fields.
func TestHL7IdentityRealCapture(t *testing.T) {
	r := runFile(t, "ndpi/hl7.pcap", Options{})
	hl7 := 0
	for _, d := range r.Devices {
		if d.HL7 != nil {
			hl7++
		}
		if d.UDI != "" || d.EUI64 != "" || d.HL7 != nil && len(d.HL7.UDIs)+len(d.HL7.EUI64s) > 0 {
			t.Errorf("%v: UDI %q EUI-64 %q %+v", d.IPs, d.UDI, d.EUI64, d.HL7)
		}
	}
	if hl7 == 0 {
		t.Error("no HL7 device in the capture")
	}
}

// TestHL7RelayedIdentity has an interface engine receive a monitor's
// ORU^R01 and send it on to the EHR: the monitor keeps its UDI and EUI-64,
// the engine, which sent the same identities, gets neither.
func TestHL7RelayedIdentity(t *testing.T) {
	hosts := pcapgen.DefaultHosts(9, 1, 1)
	var mon, eng, ehr *pcapgen.Host
	for i := range hosts {
		switch hosts[i].Role {
		case pcapgen.RoleMonitor:
			mon = &hosts[i]
		case pcapgen.RoleHL7Engine:
			eng = &hosts[i]
		case pcapgen.RoleEHR:
			ehr = &hosts[i]
		}
	}
	mon.UDI = "(01)00844588018923(21)SN-1"
	var buf bytes.Buffer
	err := pcapgen.Write(&buf, pcapgen.Options{Seed: 9, Devices: hosts, ImageBytes: 4 << 10,
		Relays: []pcapgen.Relay{{From: eng.Name, To: ehr.Name, Of: mon.Name}}})
	if err != nil {
		t.Fatal(err)
	}
	src, err := capture.NewReader("relay.pcap", &buf)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), []capture.Source{src}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range r.Devices {
		switch firstOf(d.IPs) {
		case mon.IP.String():
			if d.UDI == "" || d.EUI64 == "" {
				t.Errorf("monitor: UDI %q EUI-64 %q", d.UDI, d.EUI64)
			}
		case eng.IP.String():
			if d.HL7 == nil || len(d.HL7.UDIs) == 0 {
				t.Fatalf("the engine sent no UDI: %+v", d.HL7)
			}
			if d.UDI != "" || d.EUI64 != "" {
				t.Errorf("engine: UDI %q EUI-64 %q, want none (it relays)", d.UDI, d.EUI64)
			}
		}
	}
}

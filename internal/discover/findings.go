package discover

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/dissect"
)

// evidence is one clue to a device's maker, with the protocol it came from.
type evidence struct {
	dissect.Maker
	source string
}

// manufacturer names the device's maker and model from what the application
// layer says, ranked: DICOM implementation class UID and version name, HL7
// applications and device identifiers, DHCP vendor class, the TLS
// certificates it served, HTTP and SSDP servers, SNMP sysDescr and
// sysObjectID, LLDP and CDP descriptions. The NIC's OUI vendor comes after
// all of them and is returned apart; evidence that names only software (a
// DICOM toolkit, an integration engine, an embedded web server) comes after
// the OUI. The model is the most specific one evidence for the same maker
// names ("IntelliVue MX750" over "IntelliVue").
func (e *engine) manufacturer(d *vigil.ObservedDevice) (maker, model, source, nic string) {
	if e.opt.VendorOf != nil && d.MAC != "" {
		nic = e.opt.VendorOf(d.MAC)
	}
	var ev []evidence
	add := func(m dissect.Maker, source string) {
		if m.Name != "" {
			ev = append(ev, evidence{m, source})
		}
	}
	if x := d.DICOM; x != nil {
		add(dissect.MakerFromDICOMUID(x.ImplementationClassUID), "dicom")
		add(dissect.MakerFromBanner(x.ImplementationVersion), "dicom")
	}
	if x := d.HL7; x != nil {
		for _, a := range x.Applications {
			add(dissect.MakerFromHL7(a), "hl7")
		}
		for _, id := range x.DeviceIDs {
			add(dissect.MakerFromHL7(id), "hl7")
		}
	}
	if d.DHCP != nil {
		add(dissect.MakerFromBanner(d.DHCP.VendorClass), "dhcp")
	}
	if d.TLS != nil {
		for _, c := range d.TLS.Certificates {
			add(dissect.MakerFromBanner(c.Subject), "tls")
		}
	}
	if d.HTTP != nil {
		for _, s := range d.HTTP.Servers {
			add(dissect.MakerFromHTTP(s), "http")
		}
		for _, s := range d.HTTP.UserAgents {
			add(dissect.MakerFromHTTP(s), "http")
		}
	}
	if d.SSDP != nil {
		for _, s := range d.SSDP.Servers {
			add(dissect.MakerFromBanner(s), "ssdp")
		}
	}
	if d.SNMP != nil {
		add(dissect.MakerFromBanner(d.SNMP.SysDescr), "snmp")
		add(dissect.MakerFromSysObjectID(d.SNMP.SysObjectID), "snmp")
	}
	for _, l2 := range []struct {
		info   *vigil.L2Info
		source string
	}{{d.LLDP, "lldp"}, {d.CDP, "cdp"}} {
		if l2.info != nil {
			add(dissect.MakerFromBanner(l2.info.SystemDescription), l2.source)
			add(dissect.MakerFromBanner(l2.info.Platform), l2.source)
		}
	}
	pick := func(software bool) bool {
		for _, x := range ev {
			if x.Software != software {
				continue
			}
			maker, source = x.Name, x.source
			for _, y := range ev {
				if y.Name == maker && len(y.Model) > len(model) {
					model = y.Model
				}
			}
			return true
		}
		return false
	}
	switch {
	case pick(false):
	case nic != "":
		maker, source = nic, "oui"
	default:
		pick(true)
	}
	return maker, model, source, nic
}

// firmware returns a software version the device announced, if any.
func firmware(d *vigil.ObservedDevice) string {
	switch {
	case d.DICOM != nil && d.DICOM.ImplementationVersion != "":
		return d.DICOM.ImplementationVersion
	case d.LLDP != nil && d.LLDP.SystemDescription != "":
		return d.LLDP.SystemDescription
	case d.CDP != nil && d.CDP.SystemDescription != "":
		return firstLine(d.CDP.SystemDescription)
	case d.SNMP != nil && d.SNMP.SysDescr != "":
		return d.SNMP.SysDescr
	}
	return ""
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}

// findings evaluates the audit findings of one device.
func (e *engine) findings(d *vigil.ObservedDevice, b *build) []vigil.Finding {
	out := []vigil.Finding{}
	for _, s := range b.phi {
		out = append(out, vigil.Finding{Code: vigil.FindingCleartextPHI, Detail: s})
	}
	for _, s := range b.weak {
		out = append(out, vigil.Finding{Code: vigil.FindingWeakTLS, Detail: s})
	}
	for _, s := range b.mgmt {
		out = append(out, vigil.Finding{Code: vigil.FindingCleartextManagement, Detail: s})
	}
	for _, h := range b.hosts {
		if h.hostApps == nil || len(h.dicomExchanges) == 0 {
			continue
		}
		if v := dissect.DICOMAcceptsAnyAE(nil, h.dicomExchanges); v.AnyAE {
			out = append(out, vigil.Finding{Code: vigil.FindingDICOMAnyAE, Detail: fmt.Sprintf(
				"DICOM SCP accepted associations for %d different called AE titles (%s)", len(v.AcceptedTitles), strings.Join(v.AcceptedTitles, ", "))})
		}
	}
	if e.clinicalDefined() && (len(b.phi) > 0 || d.DICOM != nil || d.HL7 != nil) && !e.inClinical(d) {
		out = append(out, vigil.Finding{Code: vigil.FindingPHIOutsideClinical, Detail: fmt.Sprintf(
			"device carrying ePHI (%s) is outside the clinical VLANs and subnets", strings.Join(ephiProtocols(d), ", "))})
	}
	for _, r := range b.remote {
		switch r {
		case string(dissect.AppRDP), string(dissect.AppVNC), string(dissect.AppTeamViewer), string(dissect.AppTelnet):
			out = append(out, vigil.Finding{Code: vigil.FindingRemoteAccess, Detail: fmt.Sprintf("serves %s remote access", r)})
		}
	}
	var arpTargets, probeTargets int
	for _, h := range b.hosts {
		arpTargets += len(h.arpAsked)
		probeTargets += h.unanswered.len()
	}
	if arpTargets >= e.opt.ScanThreshold || probeTargets >= e.opt.ScanThreshold {
		out = append(out, vigil.Finding{Code: vigil.FindingActiveScanner, Detail: fmt.Sprintf(
			"probed %d addresses by ARP and %d address:port targets that never answered", arpTargets, probeTargets)})
	}
	return out
}

func ephiProtocols(d *vigil.ObservedDevice) []string {
	var p []string
	if d.DICOM != nil {
		p = append(p, "dicom")
	}
	if d.HL7 != nil {
		p = append(p, "hl7")
	}
	return p
}

func (e *engine) clinicalDefined() bool {
	return len(e.opt.ClinicalVLANs) > 0 || len(e.opt.ClinicalSubnets) > 0
}

// inClinical reports whether any VLAN or address of d is on the clinical
// segment.
func (e *engine) inClinical(d *vigil.ObservedDevice) bool {
	for _, v := range d.VLANs {
		if slices.Contains(e.opt.ClinicalVLANs, uint16(v)) {
			return true
		}
	}
	for _, s := range d.IPs {
		a, err := netip.ParseAddr(s)
		if err != nil {
			continue
		}
		for _, p := range e.opt.ClinicalSubnets {
			if p.Contains(a) {
				return true
			}
		}
	}
	return false
}

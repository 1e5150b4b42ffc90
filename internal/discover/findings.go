package discover

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/dissect"
)

// manufacturer names the maker from the OUI, then from what protocols say.
func (e *engine) manufacturer(d *vigil.ObservedDevice) string {
	if e.opt.VendorOf != nil && d.MAC != "" {
		if v := e.opt.VendorOf(d.MAC); v != "" {
			return v
		}
	}
	if d.DICOM != nil {
		if v := dissect.ManufacturerFromDICOMUID(d.DICOM.ImplementationClassUID); v != "" {
			return v
		}
	}
	if d.HL7 != nil {
		for _, a := range d.HL7.Applications {
			if v := dissect.ManufacturerFromHL7App(a); v != "" {
				return v
			}
		}
	}
	if d.HTTP != nil {
		for _, s := range append(append([]string{}, d.HTTP.Servers...), d.HTTP.UserAgents...) {
			if v := dissect.ManufacturerFromHTTP(s); v != "" {
				return v
			}
		}
	}
	return ""
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
		if len(h.dicomExchanges) == 0 {
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
		probeTargets += len(h.unanswered)
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

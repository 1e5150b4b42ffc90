package discover

import (
	"strings"

	"github.com/vigil-health/vigil"
)

// deviceType guesses a coarse device type from what the device said. The
// classify package refines it with inventories and OUIs; this only uses
// the wire.
func deviceType(d *vigil.ObservedDevice, b *build) string {
	for _, f := range d.Findings {
		if f.Code == vigil.FindingActiveScanner {
			return "scanner"
		}
	}
	if l := b.l2; l != nil {
		switch {
		case l.lldpCaps&0x10 != 0 || l.cdpCaps&0x01 != 0:
			return "router"
		case l.lldpCaps&0x04 != 0 || l.cdpCaps&0x08 != 0 || l.cdp != nil:
			return "switch"
		}
	}
	if x := d.DICOM; x != nil {
		switch {
		case strings.Contains(x.Role, "scp"):
			return "pacs"
		default:
			return "imaging-modality"
		}
	}
	if x := d.HL7; x != nil {
		switch {
		case len(x.DeviceIDs) > 0 || x.Role == "sender" && onlyTypes(x.MessageTypes, "ORU"):
			return "patient-monitor"
		default:
			return "clinical-server"
		}
	}
	if x := d.WSD; x != nil {
		for _, t := range x.Types {
			if strings.Contains(strings.ToLower(t), "print") {
				return "printer"
			}
		}
	}
	if x := d.MDNS; x != nil {
		for _, s := range x.Services {
			if strings.HasPrefix(s, "_ipp.") || strings.HasPrefix(s, "_printer.") || strings.HasPrefix(s, "_pdl-datastream.") {
				return "printer"
			}
		}
	}
	for _, s := range d.Services {
		if s.Port == 631 || s.Port == 9100 {
			return "printer"
		}
	}
	if x := d.DHCP; x != nil {
		v := strings.ToLower(x.VendorClass)
		switch {
		case strings.HasPrefix(v, "msft"):
			return "workstation"
		case strings.HasPrefix(v, "android"):
			return "mobile"
		}
	}
	if x := d.HTTP; x != nil {
		for _, ua := range x.UserAgents {
			if strings.Contains(ua, "Android") || strings.Contains(ua, "iPhone") || strings.Contains(ua, "iPad") {
				return "mobile"
			}
		}
	}
	return ""
}

// onlyTypes reports whether every message type starts with code.
func onlyTypes(types []string, code string) bool {
	if len(types) == 0 {
		return false
	}
	for _, t := range types {
		if !strings.HasPrefix(t, code) && !strings.HasPrefix(t, "ACK") {
			return false
		}
	}
	return true
}

package discover

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vigil-health/vigil"
)

// Records turns a report's devices into source records for the "network"
// (passive capture) source: mac, ip, hostname, manufacturer (the device's
// maker from the application layer, the NIC's OUI vendor only when nothing
// else names it), model, device_type and firmware where known. origin names the capture (file names) the records
// come from; records are numbered in Origin.Line so each keeps its place.
func Records(r *vigil.DiscoveryReport, origin string) []*vigil.Record {
	out := make([]*vigil.Record, 0, len(r.Devices))
	for i, d := range r.Devices {
		f := map[string]string{}
		set := func(k, v string) {
			if v != "" {
				f[k] = v
			}
		}
		set(vigil.FieldMAC, d.MAC)
		if len(d.IPs) > 0 {
			set(vigil.FieldIP, preferredIP(d.IPs))
		}
		set(vigil.FieldHostname, hostname(d))
		set(vigil.FieldManufacturer, d.Manufacturer)
		set(vigil.FieldModel, d.Model)
		set(vigil.FieldDeviceType, d.DeviceType)
		set(vigil.FieldFirmware, d.Firmware)
		set(vigil.FieldUDI, d.UDI)
		set(vigil.FieldEUI64, d.EUI64)
		if d.DICOM != nil || d.HL7 != nil {
			f[vigil.FieldSendsEPHI] = "true"
		}
		out = append(out, &vigil.Record{
			Origin:     vigil.Origin{File: origin, Line: i + 1},
			ObservedAt: d.LastSeen,
			Fields:     vigil.MakeFields(f),
		})
	}
	return out
}

// preferredIP picks the IPv4 address when there is one.
func preferredIP(ips []string) string {
	for _, ip := range ips {
		if !strings.Contains(ip, ":") {
			return ip
		}
	}
	return ips[0]
}

// hostname returns the best host name the device announced: DHCP option
// 12, then mDNS, LLDP/CDP or SNMP sysName.
func hostname(d *vigil.ObservedDevice) string {
	if d.DHCP != nil && d.DHCP.Hostname != "" {
		return d.DHCP.Hostname
	}
	if len(d.Hostnames) > 0 {
		return strings.TrimSuffix(d.Hostnames[0], ".local")
	}
	return ""
}

// WriteTable writes the devices as an aligned text table (the CLI's
// --format table), one line per device, findings codes last.
func WriteTable(w io.Writer, r *vigil.DiscoveryReport) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "MAC\tIP\tVLAN\tHOSTNAME\tMANUFACTURER\tTYPE\tPROTOCOLS\tFINDINGS")
	for _, d := range r.Devices {
		var codes []string
		for _, f := range d.Findings {
			if len(codes) == 0 || codes[len(codes)-1] != f.Code {
				codes = append(codes, f.Code)
			}
		}
		var vlans []string
		for _, v := range d.VLANs {
			vlans = append(vlans, fmt.Sprint(v))
		}
		ip := ""
		if len(d.IPs) > 0 {
			ip = preferredIP(d.IPs)
			if len(d.IPs) > 1 {
				ip += fmt.Sprintf(" (+%d)", len(d.IPs)-1)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", dash(d.MAC), dash(ip), dash(strings.Join(vlans, ",")),
			dash(hostname(d)), dash(d.Manufacturer), dash(d.DeviceType), dash(strings.Join(d.Protocols, ",")), dash(strings.Join(codes, ",")))
	}
	fmt.Fprintf(tw, "\n%d devices, %d flows, %d packets, %d bytes\n", len(r.Devices), len(r.Flows), r.Stats.Packets, r.Stats.Bytes)
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Package gen generates a realistic demo hospital: two sites, a few hundred
// to a few hundred thousand connected devices, and the raw files a real
// hospital would hand over (a clinical engineering CMMS export, an IT CMDB
// workbook and an nmap scan) together with the ground truth they were drawn
// from. The same Options always give byte-identical files.
//
// The files overlap and disagree the way real ones do: stale firmware in the
// CMMS, moved devices, model and manufacturer spelling variants, serial
// typos, duplicates within one source, missing cells, and devices that only
// the network knows. Every injected disagreement is recorded on the device
// in the ground truth (Device.Quirks), so importer and reconciliation tests
// can check what they should find.
package gen

import (
	"math/rand/v2"
	"time"

	"github.com/vigil-health/vigil"
)

// DefaultDevices is the number of devices Generate makes when
// Options.Devices is zero.
const DefaultDevices = 600

// MaxDevices bounds Options.Devices; a hospital that size takes about
// 1.5 GB of memory to generate.
const MaxDevices = 1000000

// Options configures Generate.
type Options struct {
	// Seed selects the hospital; the same seed gives the same files.
	Seed int64
	// Devices is the number of devices in the ground truth, including
	// unmanaged hosts only the scan sees. Zero means DefaultDevices.
	Devices int
	// Now is the moment the exports were taken; every date in them (last
	// PM, CMDB updates, the scan, the capture, agreements, advisories) is
	// drawn relative to it, so a hospital generated today is fresh today.
	// Zero means 2026-11-30T08:00:00Z, so that output never depends on the
	// clock.
	Now time.Time
}

// Source names: the keys of Records and the Source field of File.
const (
	SourceCMMS = "cmms" // clinical engineering CMMS export (inventory)
	SourceCMDB = "cmdb" // IT CMDB workbook (inventory)
	SourceNmap = "nmap" // nmap scan (scanner)
)

// File names written by WriteFiles.
const (
	FileCMMS  = "cmms_clinical_engineering.csv"
	FileCMDB  = "it_cmdb.xlsx"
	FileNmap  = "nmap_scan.xml"
	FileTruth = "ground_truth.json"
	// FileSegments is the network team's list of segments: name, cidr,
	// vlan, clinical (and site), one network a row.
	FileSegments = "network_segments.csv"
)

// CMDBSheet is the worksheet that holds the CMDB rows.
const CMDBSheet = "cmdb_ci"

// Hospital is one generated hospital: its sites, networks and devices, and
// the rows each source reports about them.
type Hospital struct {
	Seed     int64      `json:"seed"`
	Now      time.Time  `json:"now"`
	Sites    []*Site    `json:"sites"`
	Networks []*Network `json:"networks"`
	// Devices is the ground truth, ordered by ID. Devices with an IP and a
	// MAC are on the network; another generator (internal/pcapgen) can
	// produce traffic from them using Ports and Network.
	Devices []*Device `json:"devices"`
	// Oversight is the vendor side: the register, agreements, MDS2 forms,
	// end-of-life notices and remote sessions, with every deficiency
	// that was drawn (OversightFiles writes its files).
	Oversight *Oversight `json:"oversight"`

	cmms []*cmmsRow
	cmdb []*cmdbRow
	scan *scanRun
}

// Device is one real device of the hospital as it truly is.
type Device struct {
	ID           string            `json:"id"` // stable identity, "DEV-000001"
	AssetTag     string            `json:"asset_tag,omitempty"`
	Serial       string            `json:"serial,omitempty"`
	Manufacturer string            `json:"manufacturer"`
	Model        string            `json:"model"`
	DeviceType   string            `json:"device_type"`
	Firmware     string            `json:"firmware,omitempty"`
	MAC          string            `json:"mac,omitempty"` // lower-case, colon separated
	IP           string            `json:"ip,omitempty"`
	Hostname     string            `json:"hostname,omitempty"`
	VLAN         int               `json:"vlan,omitempty"`
	Site         string            `json:"site"`
	Building     string            `json:"building"`
	Floor        string            `json:"floor"`
	Department   string            `json:"department"`
	Room         string            `json:"room"`
	OwnerTeam    string            `json:"owner_team"`
	StoresEPHI   bool              `json:"stores_ephi"`
	SendsEPHI    bool              `json:"sends_ephi"`
	Criticality  vigil.Criticality `json:"criticality"`
	Lifecycle    vigil.Lifecycle   `json:"lifecycle"`
	// Role is what the device does on the network, in internal/pcapgen's
	// Role vocabulary where it has one: "monitor", "pump", "pacs",
	// "modality", "hl7-engine", "lab", "printer", "switch", "unknown"; else
	// "workstation", "central-station", "access-point", "clinical-device",
	// "dispensing", "nurse-call".
	Role  string `json:"role"`
	OS    string `json:"os,omitempty"`
	Ports []Port `json:"ports,omitempty"` // open TCP services
	// Sources lists the sources that report the device: "cmms", "cmdb",
	// "nmap". A device with none is known to no source; if it has an IP,
	// only passive capture would find it.
	Sources []string `json:"sources"`
	// Quirks lists the disagreements injected into the sources, each as
	// "source:kind", e.g. "cmms:stale-firmware", "cmdb:serial-typo".
	Quirks []string `json:"quirks,omitempty"`
	// Unseen marks a connected device in service that has been off the
	// network for weeks (in a cupboard, unplugged, lost): its inventories
	// list it, but neither the scan nor the capture sees it, so
	// reconciliation should call it stale. Every other connected device
	// is seen by the capture.
	Unseen bool `json:"unseen,omitempty"`
	// CVEs are the demo's CVEs that the open-source components of the
	// device's firmware carry, as its SBOM says (Vulns): the newest
	// firmware of a model in the hospital carries the fixed versions, and
	// the patient monitors' makers say by VEX that CVE-2022-0778 does not
	// affect them.
	CVEs []string `json:"cves,omitempty"`

	m    *model
	dept *department
	net  *Network
}

// Port is one open TCP service of a device.
type Port struct {
	Port    int    `json:"port"`
	Service string `json:"service"`           // nmap service name: http, dicom, hl7...
	Product string `json:"product,omitempty"` // nmap product banner
	Version string `json:"version,omitempty"`
}

// InSource reports whether the source lists the device.
func (d *Device) InSource(source string) bool {
	for _, s := range d.Sources {
		if s == source {
			return true
		}
	}
	return false
}

// HasQuirk reports whether the quirk ("source:kind") was injected.
func (d *Device) HasQuirk(q string) bool {
	for _, s := range d.Quirks {
		if s == q {
			return true
		}
	}
	return false
}

// Vigil returns the device as a vigil.Device with the true values, for
// loading the ground truth directly or comparing with a reconciled device.
func (d *Device) Vigil() *vigil.Device {
	return &vigil.Device{
		AssetTag: d.AssetTag, Serial: d.Serial, Manufacturer: d.Manufacturer, Model: d.Model,
		DeviceType: d.DeviceType, Firmware: d.Firmware, MAC: d.MAC, IP: d.IP, Hostname: d.Hostname,
		Location:  d.Site + " / " + d.Building + " / " + d.Floor + " / " + d.Department + " / " + d.Room,
		OwnerTeam: d.OwnerTeam, StoresEPHI: d.StoresEPHI, SendsEPHI: d.SendsEPHI,
		Criticality: d.Criticality, Lifecycle: d.Lifecycle,
	}
}

// File is one file WriteFiles wrote.
type File struct {
	Name   string `json:"name"`             // relative to the output directory
	Source string `json:"source,omitempty"` // "cmms", "cmdb", "nmap"; "" for the ground truth
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Generate builds a hospital from the options. It is deterministic: the
// same options give the same hospital and, through WriteFiles, the same bytes.
func Generate(opt Options) (*Hospital, error) {
	if opt.Devices == 0 {
		opt.Devices = DefaultDevices
	}
	if opt.Devices < 0 || opt.Devices > MaxDevices {
		return nil, vigil.Errorf(vigil.EINVALID, "gen: devices must be between 1 and %d, got %d", MaxDevices, opt.Devices)
	}
	if opt.Now.IsZero() {
		opt.Now = time.Date(2026, time.November, 30, 8, 0, 0, 0, time.UTC)
	}
	h := &Hospital{Seed: opt.Seed, Now: opt.Now.UTC()}
	b := &builder{
		h:       h,
		rng:     rand.New(rand.NewPCG(uint64(opt.Seed), 0x76696769_6c67656e)),
		catalog: newCatalog(),
		usedMAC: make(map[uint64]bool, opt.Devices),
		usedSN:  make(map[string]bool, opt.Devices),
		hostSeq: make(map[string]int),
	}
	if err := b.build(opt.Devices); err != nil {
		return nil, err
	}
	h.assignCVEs()
	h.Oversight = h.planOversight()
	h.planUnseen()
	return h, nil
}

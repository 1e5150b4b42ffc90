package gen

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	"github.com/vigil-health/vigil"
)

// Site is one hospital campus and its buildings.
type Site struct {
	Name      string      `json:"name"`
	Code      string      `json:"code"`   // short code used in host names and locations
	Domain    string      `json:"domain"` // DNS domain of its hosts
	Block     string      `json:"block"`  // the IPv4 block its networks are cut from
	Buildings []*Building `json:"buildings"`
}

// Building is one building of a site.
type Building struct {
	Name   string   `json:"name"`
	Floors []string `json:"floors"`
}

// Network is one VLAN of one site.
type Network struct {
	Site    string       `json:"site"`
	VLAN    int          `json:"vlan"`
	Name    string       `json:"name"`  // e.g. "CLIN-MONITORING"
	Class   string       `json:"class"` // one of the net* classes
	Prefix  netip.Prefix `json:"prefix"`
	Gateway netip.Addr   `json:"gateway"`
	// Clinical networks carry medical devices; the others are corporate.
	Clinical bool `json:"clinical"`
	// Scanned networks are covered by nmap_scan.xml.
	Scanned bool `json:"scanned"`

	hosts int        // devices placed on it
	next  netip.Addr // next free address
}

// Network classes: what kind of device a VLAN carries.
const (
	netMonitoring  = "clinical-monitoring"
	netInfusion    = "infusion"
	netClinical    = "clinical-devices"
	netImaging     = "imaging"
	netLab         = "laboratory"
	netPharmacy    = "pharmacy"
	netNurseCall   = "nurse-call"
	netClinServers = "clinical-servers"
	netWorkstation = "workstations"
	netPrinters    = "printers"
	netMgmt        = "network-management"
)

// netPlan lists each class's VLAN number, name, whether it is clinical and
// whether the nmap scan covers it (at the main site only).
var netPlan = [...]struct {
	class    string
	vlan     int
	name     string
	clinical bool
	scanned  bool
}{
	{netMonitoring, 110, "CLIN-MONITORING", true, true},
	{netInfusion, 120, "CLIN-INFUSION", true, false},
	{netClinical, 130, "CLIN-DEVICES", true, false},
	{netImaging, 140, "CLIN-IMAGING", true, true},
	{netLab, 150, "CLIN-LAB", true, false},
	{netPharmacy, 160, "CLIN-PHARMACY", true, false},
	{netNurseCall, 170, "FAC-NURSECALL", false, false},
	{netClinServers, 180, "DC-CLINICAL-APPS", true, true},
	{netWorkstation, 200, "CORP-WORKSTATIONS", false, true},
	{netPrinters, 210, "CORP-PRINTERS", false, true},
	{netMgmt, 250, "NET-MGMT", false, true},
}

// department is a clinical or support department at one site.
type department struct {
	code     string // used in host names
	name     string
	site     int // index into Hospital.Sites
	building int // index into Site.Buildings
	floors   []string
	room     string // room name style: "num", "or", "bay", "rack", "office"
}

// newSites returns the two sites and their departments.
func newSites() ([]*Site, []*department) {
	sites := []*Site{
		{Name: "St. Brigid Medical Center", Code: "SBMC", Domain: "stbrigid.org", Block: "10.32.0.0/11",
			Buildings: []*Building{
				{Name: "Main Tower", Floors: []string{"B1", "1", "2", "3", "4", "5", "6", "7", "8"}},
				{Name: "East Pavilion", Floors: []string{"1", "2", "3"}},
				{Name: "Cancer Center", Floors: []string{"1", "2"}},
				{Name: "Data Center Annex", Floors: []string{"1"}},
			}},
		{Name: "Riverside Community Hospital", Code: "RCH", Domain: "riverside.stbrigid.org", Block: "10.64.0.0/11",
			Buildings: []*Building{
				{Name: "Main Building", Floors: []string{"B", "1", "2", "3"}},
				{Name: "Medical Office Building", Floors: []string{"1", "2"}},
			}},
	}
	depts := []*department{
		{"ed", "Emergency Department", 0, 0, []string{"1"}, "bay"},
		{"rad", "Radiology", 0, 0, []string{"1"}, "num"},
		{"lab", "Clinical Laboratory", 0, 0, []string{"2"}, "num"},
		{"or", "Surgical Services", 0, 0, []string{"3"}, "or"},
		{"icu", "Intensive Care Unit", 0, 0, []string{"4"}, "num"},
		{"nicu", "NICU", 0, 0, []string{"5"}, "num"},
		{"ld", "Labor & Delivery", 0, 0, []string{"5"}, "num"},
		{"ms", "Med-Surg", 0, 0, []string{"6", "7", "8"}, "num"},
		{"rx", "Pharmacy", 0, 0, []string{"B1"}, "num"},
		{"card", "Cardiology", 0, 1, []string{"2"}, "num"},
		{"dial", "Dialysis", 0, 1, []string{"1"}, "num"},
		{"adm", "Administration", 0, 1, []string{"3"}, "office"},
		{"onc", "Oncology", 0, 2, []string{"1", "2"}, "num"},
		{"dc", "IT Data Center", 0, 3, []string{"1"}, "rack"},
		{"ed", "Emergency Department", 1, 0, []string{"1"}, "bay"},
		{"rad", "Radiology", 1, 0, []string{"1"}, "num"},
		{"lab", "Clinical Laboratory", 1, 0, []string{"1"}, "num"},
		{"rx", "Pharmacy", 1, 0, []string{"1"}, "num"},
		{"or", "Surgical Services", 1, 0, []string{"2"}, "or"},
		{"icu", "Intensive Care Unit", 1, 0, []string{"2"}, "num"},
		{"ms", "Med-Surg", 1, 0, []string{"3"}, "num"},
		{"ld", "Labor & Delivery", 1, 0, []string{"3"}, "num"},
		{"dc", "IT Data Center", 1, 0, []string{"B"}, "rack"},
		{"adm", "Administration", 1, 1, []string{"2"}, "office"},
		{"dial", "Dialysis", 1, 1, []string{"1"}, "num"},
		{"card", "Cardiology", 1, 1, []string{"2"}, "num"},
	}
	return sites, depts
}

// roomName returns a room of the department on the floor, in the style the
// department uses.
func roomName(d *department, floor string, n int) string {
	switch d.room {
	case "bay":
		return fmt.Sprintf("ED Bay %d", 1+n%40)
	case "or":
		return fmt.Sprintf("OR %02d", 1+n%16)
	case "rack":
		return fmt.Sprintf("Rack %c%02d", 'A'+byte(n%6), 1+n%24)
	}
	prefix := ""
	switch d.building {
	case 1:
		prefix = "E"
	case 2:
		prefix = "C"
	}
	if d.site == 1 && d.building == 1 {
		prefix = "MOB "
	}
	f := floor
	if f == "B1" || f == "B" {
		f = "0"
	}
	return fmt.Sprintf("%s%s%02d", prefix, f, 1+n%60)
}

// planNetworks cuts one network per used class out of each site's block,
// sized for the devices placed on it with room to grow, largest first so
// that every prefix stays aligned.
func planNetworks(sites []*Site, counts map[[2]int]int) ([]*Network, error) {
	var nets []*Network
	for si, s := range sites {
		var siteNets []*Network
		block := netip.MustParsePrefix(s.Block)
		type want struct {
			plan int
			bits int
		}
		var wants []want
		for pi := range netPlan {
			n := counts[[2]int{si, pi}]
			if n == 0 {
				continue
			}
			bits := 24
			for (1<<(32-bits))-16 < n+n/4 {
				bits--
			}
			wants = append(wants, want{pi, bits})
		}
		slices.SortStableFunc(wants, func(a, b want) int { return cmp.Compare(a.bits, b.bits) })
		cur := block.Addr().As4()
		end := uint32(1) << (32 - block.Bits())
		base := be32(cur)
		off := uint32(0)
		for _, w := range wants {
			size := uint32(1) << (32 - w.bits)
			if off+size > end {
				return nil, vigil.Errorf(vigil.EINVALID, "gen: too many devices for the IP plan of %s", s.Name)
			}
			addr := addr4(base + off)
			off += size
			p := netPlan[w.plan]
			n := &Network{
				Site: s.Name, VLAN: p.vlan, Name: p.name, Class: p.class,
				Prefix:   netip.PrefixFrom(addr, w.bits),
				Gateway:  addr4(base + off - size + 1),
				Clinical: p.clinical, Scanned: p.scanned && si == 0,
			}
			n.next = addr4(base + off - size + 10)
			siteNets = append(siteNets, n)
		}
		slices.SortFunc(siteNets, func(a, b *Network) int { return cmp.Compare(a.VLAN, b.VLAN) })
		nets = append(nets, siteNets...)
	}
	return nets, nil
}

// take returns the next free address of the network.
func (n *Network) take() netip.Addr {
	a := n.next
	n.next = a.Next()
	n.hosts++
	return a
}

func be32(b [4]byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func addr4(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// VigilSites returns the site hierarchy as vigil.Sites, parents before
// children: hospitals, their buildings, floors and the departments on each
// floor. IDs are numbered from 1 in that order and ParentID refers to them;
// a store that assigns its own IDs must map them.
func (h *Hospital) VigilSites() []*vigil.Site {
	var out []*vigil.Site
	add := func(parent int64, kind vigil.SiteKind, name string) int64 {
		s := &vigil.Site{ID: int64(len(out) + 1), ParentID: parent, Kind: kind, Name: name, CreatedAt: h.Now}
		out = append(out, s)
		return s.ID
	}
	_, depts := newSites()
	for si, s := range h.Sites {
		hid := add(0, vigil.SiteHospital, s.Name)
		for bi, b := range s.Buildings {
			bid := add(hid, vigil.SiteBuilding, b.Name)
			for _, f := range b.Floors {
				fid := add(bid, vigil.SiteFloor, "Floor "+f)
				for _, d := range depts {
					if d.site == si && d.building == bi && slices.Contains(d.floors, f) {
						add(fid, vigil.SiteDepartment, d.name)
					}
				}
			}
		}
	}
	return out
}

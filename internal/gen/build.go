package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/vigil-health/vigil"
)

// builder holds the state of one Generate call.
type builder struct {
	h       *Hospital
	rng     *rand.Rand
	catalog []*model
	depts   []*department
	usedMAC map[uint64]bool
	usedSN  map[string]bool
	hostSeq map[string]int
	ceSeq   int
	itSeq   int
}

// build makes n devices, places them, plans the networks and derives what
// each source reports.
func (b *builder) build(n int) error {
	b.h.Sites, b.depts = newSites()
	models := b.chooseModels(n)
	b.h.Devices = make([]*Device, len(models))
	counts := make(map[[2]int]int)
	netIndex := make(map[string]int, len(netPlan))
	for i, p := range netPlan {
		netIndex[p.class] = i
	}
	for i, m := range models {
		d := b.place(i, m)
		b.h.Devices[i] = d
		if b.onNetwork(d) {
			counts[[2]int{d.dept.site, netIndex[m.net]}]++
		}
	}
	nets, err := planNetworks(b.h.Sites, counts)
	if err != nil {
		return err
	}
	b.h.Networks = nets
	byKey := make(map[string]*Network, len(nets))
	for _, nw := range nets {
		byKey[nw.Site+"|"+nw.Class] = nw
	}
	for _, d := range b.h.Devices {
		b.identify(d)
		if b.onNetwork(d) {
			nw := byKey[d.Site+"|"+d.m.net]
			d.net = nw
			d.IP = nw.take().String()
			d.VLAN = nw.VLAN
			d.Ports = d.m.ports
			if d.m.os != nil {
				d.OS = d.m.os.label
			}
		}
	}
	b.assignSources()
	b.h.cmms = b.cmmsRows()
	b.h.cmdb = b.cmdbRows()
	b.h.scan = b.scanRows()
	for _, d := range b.h.Devices {
		sort.Strings(d.Sources)
		sort.Strings(d.Quirks)
	}
	return nil
}

// chooseModels picks n models: about 1% unmanaged hosts, one of every
// managed model when n allows, the rest by weight; then shuffles them so
// that IDs say nothing about the type.
func (b *builder) chooseModels(n int) []*model {
	var managed, unmanaged []*model
	total := 0
	for _, m := range b.catalog {
		if m.weight == 0 {
			unmanaged = append(unmanaged, m)
			continue
		}
		managed = append(managed, m)
		total += m.weight
	}
	u := n / 100
	if u == 0 && n >= 20 {
		u = 1
	}
	out := make([]*model, 0, n)
	for i := 0; i < u; i++ {
		out = append(out, unmanaged[i%len(unmanaged)])
	}
	if n-u >= 2*len(managed) {
		out = append(out, managed...)
	}
	cum := make([]int, len(managed))
	acc := 0
	for i, m := range managed {
		acc += m.weight
		cum[i] = acc
	}
	for len(out) < n {
		r := b.rng.IntN(total)
		i := sort.SearchInts(cum, r+1)
		out = append(out, managed[i])
	}
	b.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// place creates the device for model m at a site, department and room, with
// its lifecycle state.
func (b *builder) place(i int, m *model) *Device {
	site := 0
	if b.rng.IntN(100) >= 70 {
		site = 1
	}
	dept := b.pickDept(m, site)
	if dept == nil {
		dept = b.pickDept(m, 1-site)
	}
	floor := dept.floors[b.rng.IntN(len(dept.floors))]
	s := b.h.Sites[dept.site]
	d := &Device{
		ID: fmt.Sprintf("DEV-%06d", i+1), Manufacturer: m.maker, Model: m.name, DeviceType: m.typ, Role: roleOf(m.typ),
		Site: s.Name, Building: s.Buildings[dept.building].Name, Floor: floor,
		Department: dept.name, Room: roomName(dept, floor, b.rng.IntN(1000)),
		OwnerTeam: m.owner, StoresEPHI: m.stores, SendsEPHI: m.sends, Criticality: m.crit,
		Lifecycle: vigil.LifecycleInService, Sources: []string{},
		m: m, dept: dept,
	}
	if m.weight > 0 {
		switch r := b.rng.IntN(100); {
		case r < 86:
		case r < 91:
			d.Lifecycle = vigil.LifecycleMaintenance
		case r < 95:
			d.Lifecycle = vigil.LifecycleRetired
		case r < 98:
			d.Lifecycle = vigil.LifecycleReceived
		default:
			d.Lifecycle = vigil.LifecycleProcurement
		}
	}
	return d
}

// pickDept returns one of the model's departments at the site, or nil.
func (b *builder) pickDept(m *model, site int) *department {
	var cands []*department
	for _, code := range m.depts {
		for _, d := range b.depts {
			if d.site == site && d.code == code {
				cands = append(cands, d)
			}
		}
	}
	if len(cands) == 0 {
		return nil
	}
	return cands[b.rng.IntN(len(cands))]
}

// onNetwork reports whether the device is connected: a model with a
// network interface, in service or in maintenance.
func (b *builder) onNetwork(d *Device) bool {
	return d.m.net != "" && (d.Lifecycle == vigil.LifecycleInService || d.Lifecycle == vigil.LifecycleMaintenance)
}

// identify gives the device its serial, firmware, MAC, host name and asset tag.
func (b *builder) identify(d *Device) {
	m := d.m
	for {
		d.Serial = b.fill(m.serial)
		k := m.maker + "|" + d.Serial
		if !b.usedSN[k] {
			b.usedSN[k] = true
			break
		}
	}
	if n := len(m.firmware); n > 0 {
		i := n - 1
		switch r := b.rng.IntN(100); {
		case r < 55:
		case r < 90 && n > 1:
			i = n - 2
		default:
			i = b.rng.IntN(n)
		}
		d.Firmware = m.firmware[i]
	}
	if len(m.ouis) > 0 {
		oui := m.ouis[b.rng.IntN(len(m.ouis))]
		for {
			v := uint64(oui)<<24 | uint64(b.rng.Uint32()&0xFFFFFF)
			if !b.usedMAC[v] {
				b.usedMAC[v] = true
				d.MAC = formatMAC(v, ':', false)
				break
			}
		}
	}
	if m.net != "" {
		s := b.h.Sites[d.dept.site]
		key := s.Code + "|" + m.tag
		b.hostSeq[key]++
		d.Hostname = fmt.Sprintf("%s-%s-%s%04d", strings.ToLower(s.Code), d.dept.code, m.tag, b.hostSeq[key])
	}
	switch {
	case m.weight == 0:
	case m.ce:
		b.ceSeq += 1 + b.rng.IntN(3)
		d.AssetTag = fmt.Sprintf("CE%06d", 100000+b.ceSeq)
	default:
		b.itSeq += 1 + b.rng.IntN(2)
		d.AssetTag = fmt.Sprintf("IT%07d", 2000000+b.itSeq)
	}
}

// fill expands a serial pattern: '#' a digit, '@' an upper-case letter,
// '%' an upper-case hex digit; anything else is literal.
func (b *builder) fill(pattern string) string {
	const letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
	const hex = "0123456789ABCDEF"
	out := make([]byte, len(pattern))
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '#':
			out[i] = byte('0' + b.rng.IntN(10))
		case '@':
			out[i] = letters[b.rng.IntN(len(letters))]
		case '%':
			out[i] = hex[b.rng.IntN(16)]
		default:
			out[i] = c
		}
	}
	return string(out)
}

// assignSources decides which sources list each device: about 85% of
// connected clinical devices are in both inventories, some only in the
// CMMS, some only in the CMDB and a few in neither.
func (b *builder) assignSources() {
	for _, d := range b.h.Devices {
		m := d.m
		switch {
		case m.weight == 0:
		case m.ce && m.net != "":
			switch r := b.rng.IntN(100); {
			case r < 85:
				d.Sources = append(d.Sources, SourceCMMS, SourceCMDB)
			case r < 93:
				d.Sources = append(d.Sources, SourceCMMS)
			case r < 98:
				d.Sources = append(d.Sources, SourceCMDB)
			}
		case m.ce:
			d.Sources = append(d.Sources, SourceCMMS)
		default:
			if b.rng.IntN(100) < 97 {
				d.Sources = append(d.Sources, SourceCMDB)
			}
		}
		if d.net != nil && d.net.Scanned && b.rng.IntN(100) < 96 {
			d.Sources = append(d.Sources, SourceNmap)
		}
	}
}

// unseenPermille is how many of every 1,000 connected devices in service
// that the CMDB lists have been off the network for weeks.
const unseenPermille = 15

// planUnseen picks the connected devices that have been off the network
// for weeks (Device.Unseen) and takes them out of the scan, once the
// vendors' remote sessions are planned: a device a session reaches is on
// the network. It draws from its own generator so that every other draw
// stays as it was.
func (h *Hospital) planUnseen() {
	rng := rand.New(rand.NewPCG(uint64(h.Seed), 0x756e7365656e))
	reached := map[string]bool{}
	for _, s := range h.Oversight.Sessions {
		reached[s.DeviceID] = true
	}
	for _, d := range h.Devices {
		// Only the CMDB ties a device to the network (the CMMS has no
		// MAC, address or host name): a device it does not list cannot
		// be called stale.
		if d.net == nil || d.Lifecycle != vigil.LifecycleInService || !d.InSource(SourceCMDB) {
			continue
		}
		if rng.IntN(1000) < unseenPermille && !reached[d.ID] {
			d.Unseen = true
			d.Sources = slices.DeleteFunc(d.Sources, func(s string) bool { return s == SourceNmap })
		}
	}
	h.scan.hosts = slices.DeleteFunc(h.scan.hosts, func(x *scanHost) bool { return x.d.Unseen })
}

// quirk records an injected disagreement on the device.
func (d *Device) quirk(source, kind string) { d.Quirks = append(d.Quirks, source+":"+kind) }

// chance reports true with probability permille/1000.
func (b *builder) chance(permille int) bool { return b.rng.IntN(1000) < permille }

// pick returns the first choice with probability firstPct percent and
// otherwise one of the others.
func (b *builder) pick(choices []string, firstPct int) string {
	if len(choices) == 1 || b.rng.IntN(100) < firstPct {
		return choices[0]
	}
	return choices[1+b.rng.IntN(len(choices)-1)]
}

// formatMAC renders a 48-bit MAC with the separator, in upper or lower case;
// sep '.' gives Cisco's dotted form.
func formatMAC(v uint64, sep byte, upper bool) string {
	digits := "0123456789abcdef"
	if upper {
		digits = "0123456789ABCDEF"
	}
	var h [12]byte
	for i := 11; i >= 0; i-- {
		h[i] = digits[v&0xF]
		v >>= 4
	}
	var sb strings.Builder
	if sep == '.' {
		sb.Write(h[0:4])
		sb.WriteByte('.')
		sb.Write(h[4:8])
		sb.WriteByte('.')
		sb.Write(h[8:12])
		return sb.String()
	}
	for i := 0; i < 12; i += 2 {
		if i > 0 {
			sb.WriteByte(sep)
		}
		sb.Write(h[i : i+2])
	}
	return sb.String()
}

// macValue parses a lower-case colon MAC into its 48-bit value.
func macValue(mac string) uint64 {
	var v uint64
	for i := 0; i < len(mac); i++ {
		c := mac[i]
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | uint64(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | uint64(c-'a'+10)
		}
	}
	return v
}

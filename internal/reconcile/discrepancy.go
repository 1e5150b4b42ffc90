package reconcile

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// DiscrepancyOptions set the clock and thresholds of Result.Discrepancies.
type DiscrepancyOptions struct {
	Now       time.Time // the transaction's time; zero means no stale check
	StaleDays int       // days without a discovery sighting before stale; 0 means 30
	// DeviceType, when set, names the taxonomy type that classification
	// gives one inventory record: from its device_type wording, else from
	// its model, manufacturer, host name and MAC; "" when it gives none.
	// Two device_type wordings whose records it types alike ("Medical
	// Device" on an Aisys CS2, "Anesthesia Units") are not a field
	// conflict. Discrepancies calls it from two goroutines at once.
	DeviceType func(r *vigil.Record) string
}

// The kinds' places in vigil.DiscrepancyKinds, the report order.
var (
	rankMissing   = vigil.DiscrepancyMissingFromSource.Rank()
	rankUnmanaged = vigil.DiscrepancyUnmanaged.Rank()
	rankStale     = vigil.DiscrepancyStale.Rank()
	rankField     = vigil.DiscrepancyFieldConflict.Rank()
	rankDuplicate = vigil.DiscrepancyDuplicate.Rank()
	rankIdentity  = vigil.DiscrepancyIdentityConflict.Rank()
)

// kindSlots is room for every kind's rank, the unknown kind's included.
const kindSlots = 8

// Discrepancies lists every disagreement between the sources, sorted by kind
// (vigil.DiscrepancyKinds order), device id and field. Only inventory
// sources are compared with each other; scanners and the passive capture
// decide unmanaged and stale. See docs/reconciliation.md for each rule. It
// needs the Result that Resolve returned, not one decoded from JSON.
//
// Discrepancies that say the same thing share their Values maps and
// Sources slices (every "listed by cmms; missing from cmdb" has the same
// map): treat them as read-only.
func (res *Result) Discrepancies(opt DiscrepancyOptions) []vigil.Discrepancy {
	x := res.discContext(opt)
	// Two passes over two halves of the devices at once. The first counts
	// each half's discrepancies of each kind and finds the fields in
	// conflict, the expensive part; the second writes each discrepancy
	// straight into its place in the report.
	spans := halves(len(res.Devices))
	ws := make([]*discWorker, len(spans))
	conflicts := make([]uint64, len(res.Devices)) // per device, the fields in conflict
	each(spans, func(i int, s span) {
		w := newDiscWorker(x)
		for j, d := range res.Devices[s.lo:s.hi] {
			conflicts[s.lo+j] = w.count(d)
		}
		ws[i] = w
	})
	identity := res.identityDiscrepancies()
	total := len(identity)
	for _, w := range ws {
		for _, n := range w.counts {
			total += n
		}
	}
	out := make([]vigil.Discrepancy, total)
	var kindStart [kindSlots + 1]int
	at := 0
	for k := range len(kindStart) - 1 {
		kindStart[k] = at
		for _, w := range ws {
			w.next[k] = at
			at += w.counts[k]
		}
		if k == rankIdentity { // after what the devices gave: none
			copy(out[at:], identity)
			at += len(identity)
		}
	}
	kindStart[len(kindStart)-1] = at
	each(spans, func(i int, s span) {
		w := ws[i]
		w.out = out
		for j, d := range res.Devices[s.lo:s.hi] {
			w.write(d, conflicts[s.lo+j])
		}
	})
	for k := range len(kindStart) - 1 {
		// Sorted already unless Devices was reordered, or for the
		// identity conflicts; a stable sort keeps today's order.
		if part := out[kindStart[k]:kindStart[k+1]]; !slices.IsSortedFunc(part, compareDiscrepancies) {
			slices.SortStableFunc(part, compareDiscrepancies)
		}
	}
	return out
}

// discContext prepares what every discrepancy worker of one call shares.
func (res *Result) discContext(opt DiscrepancyOptions) *discContext {
	if opt.StaleDays <= 0 {
		opt.StaleDays = 30
	}
	x := &discContext{res: res, opt: opt, limit: time.Duration(opt.StaleDays) * 24 * time.Hour,
		small: len(res.metas) <= 64, assetOK: make([]bool, len(res.metas))}
	present := make([]bool, len(res.metas))
	for _, s := range res.src {
		present[s] = true
	}
	for si, s := range res.metas {
		if present[si] && s.inventory() {
			x.allInv = append(x.allInv, s.name)
		} else if present[si] && s.discovery() {
			x.allDisc = append(x.allDisc, s.name)
		}
		x.assetOK[si] = len(res.assetFrom) == 0 || res.assetFrom[s.name]
	}
	x.allInv = slices.Clip(x.allInv) // shared by the reports: appending must copy
	x.never = make(map[string]string, len(x.allDisc))
	for _, s := range x.allDisc {
		x.never[s] = "never"
	}
	x.neverDetail = fmt.Sprintf("never seen by a discovery source (%s)", strings.Join(x.allDisc, ", "))
	x.now = opt.Now.UTC().Format(time.RFC3339)

	return x
}

// identityDiscrepancies returns the identity-conflict queue as
// discrepancies, in report order (device, field, then queue order).
func (res *Result) identityDiscrepancies() []vigil.Discrepancy {
	var identity []vigil.Discrepancy
	if len(res.Conflicts) > 0 {
		byID := func(id int64) *Device { // Devices are sorted by id
			i, ok := slices.BinarySearchFunc(res.Devices, id, func(d *Device, id int64) int { return cmp.Compare(d.ID, id) })
			if ok {
				return res.Devices[i]
			}
			return nil
		}
		if !slices.IsSortedFunc(res.Devices, func(a, b *Device) int { return cmp.Compare(a.ID, b.ID) }) {
			m := make(map[int64]*Device, len(res.Devices))
			for _, d := range res.Devices {
				m[d.ID] = d
			}
			byID = func(id int64) *Device { return m[id] }
		}
		identity = make([]vigil.Discrepancy, len(res.Conflicts))
		for i, c := range res.Conflicts {
			identity[i] = identityConflict(c, byID(c.A.Device))
		}
	}
	slices.SortStableFunc(identity, compareDiscrepancies) // report order
	return identity
}

// EachDiscrepancy calls fn with every discrepancy Discrepancies lists,
// device by device in Devices order (each device's in report order), then
// the identity conflicts, stopping at fn's first error. It holds only one
// device's discrepancies at a time, so memory stays flat however many there
// are: a store writing them one by one needs nothing more. It runs on the
// calling goroutine.
//
// fn must not keep d: it is reused. As with Discrepancies, d's Values and
// Sources may be shared with other discrepancies: treat them as read-only.
func (res *Result) EachDiscrepancy(opt DiscrepancyOptions, fn func(d *vigil.Discrepancy) error) error {
	w := newDiscWorker(res.discContext(opt))
	w.stream = true
	var saved []string
	for _, d := range res.Devices {
		w.saved = saved[:0]
		conflicts := w.count(d)
		saved = w.saved
		w.out = w.out[:0]
		w.write(d, conflicts)
		for i := range w.out {
			if err := fn(&w.out[i]); err != nil {
				return err
			}
		}
	}
	for _, d := range res.identityDiscrepancies() {
		if err := fn(&d); err != nil {
			return err
		}
	}
	return nil
}

// compareDiscrepancies orders two discrepancies of one kind.
func compareDiscrepancies(a, b vigil.Discrepancy) int {
	if a.Device.ID != b.Device.ID {
		return cmp.Compare(a.Device.ID, b.Device.ID)
	}
	return strings.Compare(a.Field, b.Field)
}

// discContext is what the workers of one Discrepancies call share; they
// only read it.
type discContext struct {
	res             *Result
	opt             DiscrepancyOptions
	limit           time.Duration
	small           bool // at most 64 sources: sets of sources fit a uint64
	assetOK         []bool
	allInv, allDisc []string
	never           map[string]string // stale values of a device no discovery source saw
	neverDetail     string
	now             string
}

// srcRecords are one source's records of one device.
type srcRecords struct {
	src    uint16
	recs   []int32   // indices into Result.inputs, in order
	last   time.Time // newest observation
	latest int32     // the first record with the newest observation
}

// discWorker finds the discrepancies of some devices: first it counts
// them, then it writes them into the report. Its caches share what many
// devices say alike.
type discWorker struct {
	*discContext
	counts    [kindSlots]int      // how many of each kind rank the devices have
	next      [kindSlots]int      // where the next of each kind rank goes in out
	out       []vigil.Discrepancy // the report, shared with the other worker; or
	stream    bool                // (EachDiscrepancy) one device's, in the order written
	recs      []int32
	inv, disc []srcRecords
	fv        [][]string // per inventory source of a device, the latest record's values by field index
	saved     []string   // count's values of the fields in conflict, for write
	buf       []byte

	missing   map[uint64]missingShared // by inventory sources
	unmanaged map[uint64]unmanagedShared
	staleSrcs map[uint64][]string          // by inventory sources
	staleVals map[string]map[string]string // by discovery sources and their last sightings
	lastSeen  map[int64]string             // stale detail by the second of the last sighting
	stamps    map[int64]string             // RFC 3339 by second
	fieldSrcs map[uint64][]string          // by sources
	dupSrcs   map[uint16][]string          // by source
}

type missingShared struct {
	values map[string]string
	detail string
}

type unmanagedShared struct {
	sources []string
	detail  string
}

func newDiscWorker(x *discContext) *discWorker {
	return &discWorker{discContext: x,
		missing: map[uint64]missingShared{}, unmanaged: map[uint64]unmanagedShared{},
		staleSrcs: map[uint64][]string{}, staleVals: map[string]map[string]string{},
		lastSeen: map[int64]string{}, stamps: map[int64]string{},
		fieldSrcs: map[uint64][]string{}, dupSrcs: map[uint16][]string{}}
}

// group sorts a device's records by source into w.inv and w.disc, sources
// in name order and each source's records in order.
func (w *discWorker) group(d *Device) {
	res := w.res
	w.recs = append(w.recs[:0], d.members...)
	recs := w.recs
	for i := 1; i < len(recs); i++ { // a handful of records: insertion sort
		for j := i; j > 0 && res.src[recs[j]] < res.src[recs[j-1]]; j-- {
			recs[j], recs[j-1] = recs[j-1], recs[j]
		}
	}
	w.inv, w.disc = w.inv[:0], w.disc[:0]
	for i := 0; i < len(recs); {
		s, j := res.src[recs[i]], i+1
		for j < len(recs) && res.src[recs[j]] == s {
			j++
		}
		g := srcRecords{src: s, recs: recs[i:j:j], latest: recs[i], last: res.inputs[recs[i]].Record.ObservedAt}
		for _, m := range recs[i+1 : j] {
			if t := res.inputs[m].Record.ObservedAt; t.After(g.last) {
				g.last, g.latest = t, m
			}
		}
		switch meta := res.metas[s]; {
		case meta.inventory():
			w.inv = append(w.inv, g)
		case meta.discovery():
			w.disc = append(w.disc, g)
		}
		i = j
	}
}

// count counts the discrepancies of one device and returns the fields on
// which its inventory sources disagree.
func (w *discWorker) count(d *Device) uint64 {
	w.group(d)
	if len(w.inv) == 0 {
		if len(w.disc) > 0 {
			w.counts[rankUnmanaged]++
		}
		return 0
	}
	if len(w.inv) < len(w.allInv) {
		w.counts[rankMissing]++
	}
	if _, stale := w.stale(d); stale {
		w.counts[rankStale]++
	}
	conflicts := w.fieldConflicts()
	w.counts[rankField] += bits.OnesCount64(conflicts)
	for _, fi := range fieldsByName { // keep the values for write, in its order
		if conflicts&(1<<fi) != 0 {
			for i := range w.inv {
				w.saved = append(w.saved, w.fv[i][fi])
			}
		}
	}
	for _, s := range w.inv {
		if len(s.recs) > 1 {
			w.counts[rankDuplicate]++
		}
	}
	return conflicts
}

// put returns the place of the next discrepancy of a kind rank.
func (w *discWorker) put(rank int) *vigil.Discrepancy {
	if w.stream {
		w.out = append(w.out, vigil.Discrepancy{})
		return &w.out[len(w.out)-1]
	}
	p := &w.out[w.next[rank]]
	w.next[rank]++
	return p
}

// write writes the discrepancies of one device that count counted.
func (w *discWorker) write(d *Device, conflicts uint64) {
	w.group(d)
	ref := vigil.RefOf(&d.Device)
	if len(w.inv) == 0 {
		if len(w.disc) > 0 {
			u := w.unmanagedOf()
			*w.put(rankUnmanaged) = vigil.Discrepancy{Kind: vigil.DiscrepancyUnmanaged, Device: ref, Sources: u.sources, Detail: u.detail}
		}
		return
	}
	if len(w.inv) < len(w.allInv) {
		m := w.missingOf()
		*w.put(rankMissing) = vigil.Discrepancy{Kind: vigil.DiscrepancyMissingFromSource, Device: ref, Values: m.values,
			Sources: w.allInv, Detail: m.detail}
	}
	if last, stale := w.stale(d); stale {
		*w.put(rankStale) = vigil.Discrepancy{Kind: vigil.DiscrepancyStale, Device: ref, Values: w.staleValues(),
			Sources: w.staleSources(), Detail: w.staleDetail(last)}
	}
	for _, fi := range fieldsByName { // the report's order
		if conflicts&(1<<fi) != 0 {
			w.fieldConflict(ref, fi, w.saved[:len(w.inv)])
			w.saved = w.saved[len(w.inv):]
		}
	}
	for _, s := range w.inv {
		if len(s.recs) > 1 {
			w.duplicate(ref, s)
		}
	}
}

// setOf returns the set of the groups' sources, and false when a source
// number does not fit.
func (w *discWorker) setOf(gs []srcRecords) (uint64, bool) {
	var set uint64
	if !w.small {
		return 0, false
	}
	for _, g := range gs {
		set |= 1 << g.src
	}
	return set, true
}

func (w *discWorker) names(gs []srcRecords) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = w.res.metas[g.src].name
	}
	return out
}

func (w *discWorker) unmanagedOf() unmanagedShared {
	set, ok := w.setOf(w.disc)
	if u, found := w.unmanaged[set]; ok && found {
		return u
	}
	n := w.names(w.disc)
	u := unmanagedShared{sources: n, detail: "seen on the network by " + strings.Join(n, ", ") + " but listed in no inventory"}
	if ok {
		w.unmanaged[set] = u
	}
	return u
}

func (w *discWorker) missingOf() missingShared {
	set, ok := w.setOf(w.inv)
	if m, found := w.missing[set]; ok && found {
		return m
	}
	vals := make(map[string]string, len(w.allInv))
	var have, lack []string
	for _, s := range w.allInv {
		if slices.ContainsFunc(w.inv, func(g srcRecords) bool { return w.res.metas[g.src].name == s }) {
			vals[s] = "present"
			have = append(have, s)
		} else {
			vals[s] = "missing"
			lack = append(lack, s)
		}
	}
	m := missingShared{values: vals, detail: "listed by " + strings.Join(have, ", ") + "; missing from " + strings.Join(lack, ", ")}
	if ok {
		w.missing[set] = m
	}
	return m
}

// stamp formats a time as the reports do; only its second matters.
func (w *discWorker) stamp(t time.Time) string {
	sec := t.Unix()
	if s, ok := w.stamps[sec]; ok {
		return s
	}
	s := t.UTC().Format(time.RFC3339)
	w.stamps[sec] = s
	return s
}

// stale reports whether an inventoried device that should be on the
// network was seen by no discovery source within opt.StaleDays of opt.Now,
// and when it last was.
func (w *discWorker) stale(d *Device) (last time.Time, stale bool) {
	if len(w.allDisc) == 0 || w.opt.Now.IsZero() || !expectedOnNetwork(d) {
		return last, false
	}
	for _, s := range w.disc {
		if s.last.After(last) {
			last = s.last
		}
	}
	return last, last.IsZero() || w.opt.Now.Sub(last) > w.limit
}

// expectedOnNetwork reports whether discovery should see the device: its
// sources give it a MAC, an IP address or a host name, and its lifecycle does not say
// it is not deployed yet (procurement, received) or no longer (retired,
// decommissioned). A device with no network interface, or one in a
// storeroom, is never seen, and calling it stale would say nothing.
func expectedOnNetwork(d *Device) bool {
	switch d.Lifecycle {
	case vigil.LifecycleProcurement, vigil.LifecycleReceived, vigil.LifecycleRetired, vigil.LifecycleDecommissioned:
		return false
	}
	return d.MAC != "" || d.IP != "" || d.Hostname != ""
}

// staleDetail explains a stale discrepancy.
func (w *discWorker) staleDetail(last time.Time) string {
	if last.IsZero() {
		return w.neverDetail
	}
	sec := last.Unix()
	detail, ok := w.lastSeen[sec]
	if !ok {
		detail = fmt.Sprintf("last seen by a discovery source %s, more than %d days before %s",
			w.stamp(last), w.opt.StaleDays, w.now)
		w.lastSeen[sec] = detail
	}
	return detail
}

// staleValues maps every discovery source to the last time it saw the
// device, or "never".
func (w *discWorker) staleValues() map[string]string {
	if len(w.disc) == 0 {
		return w.never
	}
	w.buf = w.buf[:0]
	for _, s := range w.disc {
		w.buf = binary.LittleEndian.AppendUint16(w.buf, s.src)
		w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(s.last.Unix()))
	}
	if v, ok := w.staleVals[string(w.buf)]; ok {
		return v
	}
	vals := make(map[string]string, len(w.allDisc))
	for _, s := range w.allDisc {
		vals[s] = "never"
	}
	for _, s := range w.disc {
		vals[w.res.metas[s.src].name] = w.stamp(s.last)
	}
	w.staleVals[string(w.buf)] = vals
	return vals
}

// staleSources lists the device's inventory sources and every discovery
// source, sorted.
func (w *discWorker) staleSources() []string {
	set, ok := w.setOf(w.inv)
	if s, found := w.staleSrcs[set]; ok && found {
		return s
	}
	srcs := append(w.names(w.inv), w.allDisc...)
	slices.Sort(srcs)
	srcs = srcs[:len(srcs):len(srcs)]
	if ok {
		w.staleSrcs[set] = srcs
	}
	return srcs
}

// fieldConflicts returns the fields on which the inventory sources listing
// the device disagree, comparing normalised values. A source that lists the
// device twice speaks with its newest record. Asset tags are compared only
// among the sources whose tags are hospital-wide (Config.AssetTagSources).
func (w *discWorker) fieldConflicts() uint64 {
	if len(w.inv) < 2 {
		return 0
	}
	present := w.readLatest() // only the fields some source gave need comparing
	var conflicts uint64
	for fi, f := range vigil.Fields {
		if present&(1<<fi) == 0 {
			continue
		}
		first, firstNorm := "", ""
		for i := range w.inv {
			v := w.fv[i][fi]
			switch {
			case v == "" || v == first:
			case first == "":
				first = v
			default:
				if firstNorm == "" {
					firstNorm = normalValue(f, first)
				}
				if normalValue(f, v) != firstNorm {
					conflicts |= 1 << fi
				}
			}
			if conflicts&(1<<fi) != 0 {
				break
			}
		}
		if fi == fx.deviceType && conflicts&(1<<fi) != 0 && w.sameType() {
			conflicts &^= 1 << fi
		}
	}
	return conflicts
}

// sameType reports whether opt.DeviceType gives one taxonomy type to the
// latest record of every inventory source that words the device's type:
// then their wordings differ, but not what they say the device is.
func (w *discWorker) sameType() bool {
	if w.opt.DeviceType == nil {
		return false
	}
	typ := ""
	for i, s := range w.inv {
		if w.fv[i][fx.deviceType] == "" {
			continue
		}
		t := w.opt.DeviceType(w.res.inputs[s.latest].Record)
		if t == "" || (typ != "" && t != typ) {
			return false
		}
		typ = t
	}
	return typ != ""
}

// readLatest reads the map of each inventory source's latest record once,
// into w.fv, and returns the fields they hold.
func (w *discWorker) readLatest() (present uint64) {
	for len(w.fv) < len(w.inv) {
		w.fv = append(w.fv, make([]string, len(vigil.Fields)))
	}
	for i, s := range w.inv {
		fv := w.fv[i]
		clear(fv)
		for _, p := range w.res.inputs[s.latest].Record.Fields.List() {
			f, v := p.Name, p.Value
			fi, ok := fieldIndex(f)
			if !ok {
				continue
			}
			present |= 1 << fi
			if fi == fx.assetTag && !w.assetOK[s.src] {
				continue
			}
			fv[fi] = strings.TrimSpace(v)
		}
	}
	return present
}

// fieldConflict writes the conflict on field fi, given the value of each
// inventory source.
func (w *discWorker) fieldConflict(ref vigil.DeviceRef, fi int, values []string) {
	vals := make(map[string]string, len(w.inv))
	var set uint64
	for i, s := range w.inv {
		if v := values[i]; v != "" {
			vals[w.res.metas[s.src].name] = v
			set |= 1 << (s.src & 63)
		}
	}
	*w.put(rankField) = vigil.Discrepancy{Kind: vigil.DiscrepancyFieldConflict, Device: ref, Field: vigil.Fields[fi],
		Values: vals, Sources: w.fieldSources(set, values)}
}

// fieldSources lists the inventory sources that gave a value, in order.
func (w *discWorker) fieldSources(set uint64, values []string) []string {
	if s, ok := w.fieldSrcs[set]; ok && w.small {
		return s
	}
	var srcs []string
	for i, s := range w.inv {
		if values[i] != "" {
			srcs = append(srcs, w.res.metas[s.src].name)
		}
	}
	srcs = srcs[:len(srcs):len(srcs)]
	if w.small {
		w.fieldSrcs[set] = srcs
	}
	return srcs
}

// duplicate flags an inventory source that lists the device more than once,
// naming the records and the fields in which they differ.
func (w *discWorker) duplicate(ref vigil.DeviceRef, s srcRecords) {
	name := w.res.metas[s.src].name
	srcs, ok := w.dupSrcs[s.src]
	if !ok {
		srcs = []string{name}
		w.dupSrcs[s.src] = srcs
	}
	b := w.buf[:0]
	b = append(b, name...)
	b = append(b, " lists this device "...)
	b = strconv.AppendInt(b, int64(len(s.recs)), 10)
	b = append(b, " times: "...)
	for i, m := range s.recs {
		if i > 0 {
			b = append(b, ", "...)
		}
		in := &w.res.inputs[m]
		if o := in.Record.Origin.String(); o != "" {
			b = append(b, o...)
		} else {
			b = strconv.AppendInt(append(b, "ref "...), in.Ref, 10)
		}
	}
	differ, partial := w.listingDiffers(s.recs)
	if len(differ) > 0 {
		b = append(b, "; they differ in "...)
		b = appendJoined(b, differ)
	}
	if len(partial) > 0 {
		b = append(b, "; only some give "...)
		b = appendJoined(b, partial)
	}
	w.buf = b
	*w.put(rankDuplicate) = vigil.Discrepancy{Kind: vigil.DiscrepancyDuplicate, Device: ref, Sources: srcs, Detail: string(b)}
}

// listingDiffers compares the records one source lists a device by: the
// fields they give different values (compared as normalValue does), and
// those some give and others leave empty, each in field-name order.
func (w *discWorker) listingDiffers(recs []int32) (differ, partial []string) {
	for _, fi := range fieldsByName {
		f := vigil.Fields[fi]
		first, given, missing, diff := "", 0, false, false
		for _, m := range recs {
			v := strings.TrimSpace(w.res.inputs[m].Record.Get(f))
			if v == "" {
				missing = true
				continue
			}
			n := normalValue(f, v)
			if given == 0 {
				first = n
			} else if n != first {
				diff = true
			}
			given++
		}
		switch {
		case diff:
			differ = append(differ, f)
		case given > 0 && missing:
			partial = append(partial, f)
		}
	}
	return differ, partial
}

// appendJoined appends the words comma separated.
func appendJoined(b []byte, words []string) []byte {
	for i, x := range words {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, x...)
	}
	return b
}

// normalValue is the form in which two values of a field are compared: case
// and spacing never matter, nor the spelling of a MAC or an IP, the domain of
// a host name, a "v" before a firmware version, or a manufacturer's
// corporate suffix.
func normalValue(field, v string) string {
	var n string
	switch field {
	case vigil.FieldMAC:
		n = normMAC(v)
	case vigil.FieldIP:
		n = normIP(v)
	case vigil.FieldHostname:
		n = normHost(v)
	case vigil.FieldSerial, vigil.FieldAssetTag:
		n = normTag(v)
	case vigil.FieldManufacturer:
		n = mfrKey(v)
	case vigil.FieldStoresEPHI, vigil.FieldSendsEPHI:
		n = strconv.FormatBool(truthy(v))
	case vigil.FieldFirmware:
		n = strings.ToLower(strings.Join(strings.Fields(v), " "))
		n = strings.TrimPrefix(strings.TrimPrefix(n, "version "), "v")
	}
	if n == "" {
		n = strings.ToLower(strings.Join(strings.Fields(v), " "))
	}
	return n
}

// identityConflict reports one entry of the conflict queue.
func identityConflict(c vigil.Conflict, d *Device) vigil.Discrepancy {
	ref := vigil.DeviceRef{ID: c.A.Device}
	if d != nil {
		ref = vigil.RefOf(&d.Device)
	}
	out := vigil.Discrepancy{Kind: vigil.DiscrepancyIdentityConflict, Device: ref}
	keyA, keyB := c.A.Source, c.B.Source
	if keyA == keyB {
		// Two records of one source, told apart by where each was read: a
		// ref may be a stand-in the caller gave a record not stored yet.
		keyA, keyB = keyA+" ("+recordLabel(c.A)+")", keyB+" ("+recordLabel(c.B)+")"
		if keyA == keyB {
			keyA, keyB = fmt.Sprintf("%s (ref %d)", c.A.Source, c.A.Ref), fmt.Sprintf("%s (ref %d)", c.B.Source, c.B.Ref)
		}
	}
	var contra []string
	if len(c.Contradict) > 0 {
		out.Field = c.Contradict[0].Field
		out.Values = map[string]string{keyA: c.Contradict[0].A, keyB: c.Contradict[0].B}
		for _, x := range c.Contradict {
			contra = append(contra, x.Field)
		}
	}
	var agreed []string
	for _, a := range c.Agree {
		agreed = append(agreed, a.Field+" "+a.Value)
	}
	out.Sources = sortedKeys(map[string]bool{c.A.Source: true, c.B.Source: true})
	out.Detail = fmt.Sprintf("records %s and %s share %s but differ on %s; kept apart as devices %d and %d until someone decides",
		originOr(c.A), originOr(c.B), strings.Join(agreed, ", "), strings.Join(contra, ", "), c.A.Device, c.B.Device)
	return out
}

func originOr(c vigil.ConflictRecord) string {
	if o := c.Origin.String(); o != "" {
		return o
	}
	return fmt.Sprintf("%s ref %d", c.Source, c.Ref)
}

// recordLabel names a record of a conflict by its origin, else its ref.
func recordLabel(c vigil.ConflictRecord) string {
	if o := c.Origin.String(); o != "" {
		return o
	}
	return fmt.Sprintf("ref %d", c.Ref)
}

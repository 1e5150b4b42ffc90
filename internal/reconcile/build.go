package reconcile

import (
	"cmp"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vigil-health/vigil"
)

// finish turns the union-find forest into devices with ids, fields,
// provenance, and the conflict queue.
func (r *resolver) finish(cfg Config, metas []*sourceMeta) *Result {
	// Clusters in the order of their first record; records stay in order.
	// All clusters share one backing array.
	n := len(r.in)
	clusterOf := make([]int32, n) // record → cluster
	rootCluster := make([]int32, n)
	for i := range rootCluster {
		rootCluster[i] = -1
	}
	var size []int32
	for i := range r.in {
		root := r.find(int32(i))
		c := rootCluster[root]
		if c < 0 {
			c = int32(len(size))
			rootCluster[root] = c
			size = append(size, 0)
		}
		clusterOf[i] = c
		size[c]++
	}
	rootCluster = nil
	clusters := make([][]int32, len(size))
	start := make([]int32, len(size)) // each cluster's offset in backing
	backing := make([]int32, n)
	off := int32(0)
	for c, k := range size {
		start[c] = off
		clusters[c] = backing[off : off : off+k]
		off += k
	}
	for i, c := range clusterOf {
		clusters[c] = append(clusters[c], int32(i))
	}
	conf := make([]float64, len(clusters))
	links := make([]uint8, len(clusters))
	for c, members := range clusters {
		root := r.find(members[0])
		conf[c], links[c] = r.cl[root].conf, r.cl[root].links
	}
	ids, changes, next := r.assignIDs(clusters, cfg.NextID)

	res := &Result{IDChanges: changes, NextID: next, inputs: r.in, src: r.src, metas: metas}
	res.Conflicts = r.finishConflicts(func(i int32) int64 { return ids[clusterOf[i]] })
	// The identifiers are no longer needed: let the collector have them
	// before the devices take their memory.
	r.ids, r.cl, r.parent, r.cannot, r.conflicts = nil, nil, nil, nil, nil
	clusterOf = nil

	// Devices sorted by id, each built straight into its place.
	order := make([]int32, len(clusters))
	for c := range order {
		order[c] = int32(c)
	}
	byID := func(a, b int32) int { return cmp.Compare(ids[a], ids[b]) }
	if !slices.IsSortedFunc(order, byID) {
		slices.SortFunc(order, byID)
	}
	devs := make([]Device, len(clusters))
	res.Devices = make([]*Device, len(clusters))
	refs := make([]int64, n) // every device's Members, laid out like backing
	each(halves(len(order)), func(_ int, s span) {
		b := newBuilder(r, cfg, metas)
		for pos := s.lo; pos < s.hi; pos++ {
			c := order[pos]
			k := int(start[c])
			d := &devs[pos]
			b.device(d, clusters[c], refs[k:k+len(clusters[c]):k+len(clusters[c])])
			d.ID = ids[c]
			d.Confidence = conf[c]
			d.Linked = linkNames(links[c])
			res.Devices[pos] = d
		}
	})
	return res
}

// span is a range [lo, hi) of some work.
type span struct{ lo, hi int }

// halves splits [0, n) in two when there is enough work and a second
// processor to share it, else returns it whole.
func halves(n int) []span {
	if n < 4096 || runtime.GOMAXPROCS(0) < 2 {
		return []span{{0, n}}
	}
	return []span{{0, n / 2}, {n / 2, n}}
}

// each calls work on every span at once, giving each its index. Each call
// must write only its own part of any shared output.
func each(spans []span, work func(i int, s span)) {
	var wg sync.WaitGroup
	for i := 1; i < len(spans); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work(i, spans[i])
		}()
	}
	work(0, spans[0])
	wg.Wait()
}

// slab hands out small slices carved from large shared arrays, so that
// 100,000 devices need a few dozen allocations instead of 100,000. Each
// slice has its length as capacity: appending to one copies it.
type slab[T any] struct {
	free []T
}

// slabChunk is how many elements each array of a slab holds.
const slabChunk = 4096

func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return []T{}
	}
	if len(s.free) < n {
		s.free = make([]T, max(n, slabChunk))
	}
	out := s.free[:n:n]
	s.free = s.free[n:]
	return out
}

// builder builds devices; each goroutine has its own.
type builder struct {
	in      []Input
	src     []uint16
	metas   []*sourceMeta
	rk      *ranker
	detail  ProvenanceDetail
	buckets [][]candidate // per vigil.Fields index, candidates in record order
	chosen  []string      // per vigil.Fields index, the device's chosen values
	sets    map[uint64][]string

	provs  slab[vigil.FieldProvenance]
	values slab[vigil.SourceValue]
	strs   slab[string]
}

func newBuilder(r *resolver, cfg Config, metas []*sourceMeta) *builder {
	return &builder{in: r.in, src: r.src, metas: metas, rk: newRanker(cfg.Precedence, metas), detail: cfg.Provenance,
		buckets: make([][]candidate, len(vigil.Fields)), chosen: make([]string, len(vigil.Fields)),
		sets: make(map[uint64][]string)}
}

// device builds one device from its records into d; refs receives the
// records' refs. It reads each record's map once.
func (b *builder) device(d *Device, members []int32, refs []int64) {
	d.members, d.Members = members, refs
	buckets := b.buckets
	for fi := range buckets {
		buckets[fi] = buckets[fi][:0]
	}
	var set uint64
	nvals := 0
	for i, m := range members {
		in := &b.in[m]
		refs[i] = in.Ref
		for _, p := range in.Record.Fields.List() {
			f, v := p.Name, p.Value
			fi, ok := fieldIndex(f)
			if !ok || v == "" {
				continue
			}
			set |= 1 << fi
			nvals++
			buckets[fi] = append(buckets[fi], candidate{value: v, in: m, src: b.src[m]})
		}
	}
	d.Sources = b.sources(members)
	d.FirstSeen, d.LastSeen = b.span(members)

	nfields := bits.OnesCount64(set)
	d.fields = set | madeByResolve
	var provs []vigil.FieldProvenance
	var values []vigil.SourceValue
	switch b.detail {
	case ProvenanceAll:
		provs, values = b.provs.take(nfields), b.values.take(nvals)
	case ProvenanceChosen:
		provs = b.provs.take(nfields)
	default:
		d.chosen = b.strs.take(nfields)
	}
	chosen := b.chosen
	clear(chosen)
	k := 0
	for fi, f := range vigil.Fields {
		cands := buckets[fi]
		if len(cands) == 0 {
			continue
		}
		best, why := b.rk.choose(fi, cands, b.in)
		win := &cands[best]
		chosen[fi] = win.value
		if d.chosen != nil {
			d.chosen[k] = win.value
		} else {
			p := &provs[k]
			p.Field, p.Value, p.Source, p.Reason = f, win.value, b.metas[win.src].name, why
			if values != nil {
				vs := values[:len(cands):len(cands)]
				values = values[len(cands):]
				for j := range cands {
					c, in := &cands[j], &b.in[cands[j].in]
					vs[j] = vigil.SourceValue{Source: b.metas[c.src].name, Ref: in.Ref, Value: c.value, ObservedAt: in.Record.ObservedAt}
				}
				p.Values = vs
			}
		}
		k++
	}
	d.Provenance = provs
	setFields(&d.Device, chosen)
}

// sources returns the names of the members' sources, sorted; devices with
// the same sources share one slice.
func (b *builder) sources(members []int32) []string {
	var set uint64
	for _, m := range members {
		s := b.src[m]
		if s >= 64 {
			return b.sourcesSlow(members)
		}
		set |= 1 << s
	}
	if names, ok := b.sets[set]; ok {
		return names
	}
	names := make([]string, 0, bits.OnesCount64(set))
	for s := uint16(0); s < 64; s++ {
		if set&(1<<s) != 0 {
			names = append(names, b.metas[s].name)
		}
	}
	b.sets[set] = names
	return names
}

// sourcesSlow is sources for a device with a source numbered 64 or more.
func (b *builder) sourcesSlow(members []int32) []string {
	var srcs []uint16
	for _, m := range members {
		if !slices.Contains(srcs, b.src[m]) {
			srcs = append(srcs, b.src[m])
		}
	}
	slices.Sort(srcs) // numbers are in name order
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = b.metas[s].name
	}
	return names
}

// fx holds the index in vigil.Fields of each field setFields reads.
var fx = struct {
	assetTag, serial, manufacturer, model, deviceType, firmware, mac, ip, hostname, ownerTeam, location,
	site, building, floor, department, room, storesEPHI, sendsEPHI, criticality, lifecycle int
}{
	fieldPos[vigil.FieldAssetTag], fieldPos[vigil.FieldSerial], fieldPos[vigil.FieldManufacturer], fieldPos[vigil.FieldModel],
	fieldPos[vigil.FieldDeviceType], fieldPos[vigil.FieldFirmware], fieldPos[vigil.FieldMAC], fieldPos[vigil.FieldIP],
	fieldPos[vigil.FieldHostname], fieldPos[vigil.FieldOwnerTeam], fieldPos[vigil.FieldLocation],
	fieldPos[vigil.FieldSite], fieldPos[vigil.FieldBuilding], fieldPos[vigil.FieldFloor], fieldPos[vigil.FieldDepartment],
	fieldPos[vigil.FieldRoom], fieldPos[vigil.FieldStoresEPHI], fieldPos[vigil.FieldSendsEPHI],
	fieldPos[vigil.FieldCriticality], fieldPos[vigil.FieldLifecycle],
}

// setFields copies the chosen values, indexed like vigil.Fields, into the
// domain device.
func setFields(d *vigil.Device, v []string) {
	d.AssetTag = v[fx.assetTag]
	d.Serial = v[fx.serial]
	d.Manufacturer = v[fx.manufacturer]
	d.Model = v[fx.model]
	d.DeviceType = v[fx.deviceType]
	d.Firmware = v[fx.firmware]
	d.MAC = v[fx.mac]
	d.IP = v[fx.ip]
	d.Hostname = v[fx.hostname]
	d.OwnerTeam = v[fx.ownerTeam]
	d.Location = v[fx.location]
	if d.Location == "" {
		var b strings.Builder
		for _, f := range [...]int{fx.site, fx.building, fx.floor, fx.department, fx.room} {
			if v[f] == "" {
				continue
			}
			if b.Len() > 0 {
				b.WriteString(" / ")
			}
			b.WriteString(v[f])
		}
		d.Location = b.String()
	}
	d.StoresEPHI = truthy(v[fx.storesEPHI])
	d.SendsEPHI = truthy(v[fx.sendsEPHI])
	if c := vigil.Criticality(strings.ToLower(v[fx.criticality])); c.Valid() {
		d.Criticality = c
	}
	if l := vigil.Lifecycle(strings.ToLower(v[fx.lifecycle])); l.Valid() {
		d.Lifecycle = l
	}
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "y", "1", "x":
		return true
	}
	return false
}

// finishConflicts names the devices on each side of each contradiction,
// drops repeats of one pair of devices and adds what the two records share.
func (r *resolver) finishConflicts(devOf func(int32) int64) []vigil.Conflict {
	out := make([]vigil.Conflict, 0, len(r.conflicts))
	seen := make(map[[2]int64]bool, len(r.conflicts))
	for _, rc := range r.conflicts {
		da, db := devOf(rc.a), devOf(rc.b)
		key := [2]int64{min(da, db), max(da, db)}
		if da == db || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, vigil.Conflict{
			A:          r.conflictRecord(rc.a, da),
			B:          r.conflictRecord(rc.b, db),
			Agree:      agree(&r.ids[rc.a], &r.ids[rc.b]),
			Contradict: rc.contradict,
		})
	}
	return out
}

func (r *resolver) conflictRecord(i int32, dev int64) vigil.ConflictRecord {
	in := &r.in[i]
	key := string(recordKey(nil, in.Source, &r.ids[i], in.Record.Origin))
	return vigil.ConflictRecord{Ref: in.Ref, Source: in.Source, Key: key, Device: dev, Origin: in.Record.Origin}
}

// agree lists the identifiers two records share.
func agree(a, b *idents) []vigil.Identifier {
	var out []vigil.Identifier
	add := func(field, x, y string) {
		if x != "" && x == y {
			out = append(out, vigil.Identifier{Field: field, Value: x})
		}
	}
	add(vigil.FieldMAC, a.mac, b.mac)
	if a.mfr == "" || b.mfr == "" || a.mfr == b.mfr {
		add(vigil.FieldSerial, a.serial, b.serial)
	}
	add(vigil.FieldAssetTag, a.asset, b.asset)
	add(vigil.FieldHostname, a.host, b.host)
	add(vigil.FieldIP, a.ip, b.ip)
	return out
}

// span returns the first and last observation of a cluster's records.
func (b *builder) span(members []int32) (first, last time.Time) {
	for _, m := range members {
		t := b.in[m].Record.ObservedAt
		if t.IsZero() {
			continue
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return first, last
}

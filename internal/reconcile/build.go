package reconcile

import (
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// finish turns the union-find forest into devices with ids, fields,
// provenance, and the conflict queue.
func (r *resolver) finish(cfg Config, sources map[string]*sourceMeta) *Result {
	// Clusters in the order of their first record; records stay in order.
	rootAt := make(map[int32]int)
	var clusters [][]int32
	for i := range r.in {
		root := r.find(int32(i))
		ci, ok := rootAt[root]
		if !ok {
			ci = len(clusters)
			rootAt[root] = ci
			clusters = append(clusters, nil)
		}
		clusters[ci] = append(clusters[ci], int32(i))
	}
	ids, changes, next := r.assignIDs(clusters, cfg.NextID)

	res := &Result{IDChanges: changes, NextID: next, inputs: r.in, sources: sources}
	rk := newRanker(cfg.Precedence, sources)
	devOf := make([]int64, len(r.in))
	res.Devices = make([]*Device, len(clusters))
	for ci, members := range clusters {
		root := r.find(members[0])
		d := r.device(rk, members)
		d.ID = ids[ci]
		d.Confidence = r.cl[root].conf
		d.Linked = linkNames(r.cl[root].links)
		for _, m := range members {
			devOf[m] = d.ID
		}
		res.Devices[ci] = d
	}
	sort.Slice(res.Devices, func(i, j int) bool { return res.Devices[i].ID < res.Devices[j].ID })
	res.Conflicts = r.finishConflicts(devOf)
	return res
}

// device builds one device from its records. It reads each record's map
// once and allocates once per device for all provenance values: at 300,000
// records this is most of the work.
func (r *resolver) device(rk *ranker, members []int32) *Device {
	d := &Device{members: members, Members: make([]int64, len(members))}
	var srcs []string
	buckets := r.buckets // per vigil.Fields index, candidates in record order
	for fi := range buckets {
		buckets[fi] = buckets[fi][:0]
	}
	nvals, nfields := 0, 0
	for i, m := range members {
		in := &r.in[m]
		d.Members[i] = in.Ref
		if !slices.Contains(srcs, in.Source) {
			srcs = append(srcs, in.Source)
		}
		for f, v := range in.Record.Fields {
			fi, ok := r.fieldIdx[f]
			if !ok || v == "" {
				continue
			}
			if len(buckets[fi]) == 0 {
				nfields++
			}
			nvals++
			buckets[fi] = append(buckets[fi], candidate{source: in.Source, ref: in.Ref, value: v, at: in.Record.ObservedAt})
		}
	}
	slices.Sort(srcs)
	d.Sources = srcs
	d.FirstSeen, d.LastSeen = r.span(members)

	values := make([]SourceValue, 0, nvals)
	d.Provenance = make([]FieldProvenance, 0, nfields)
	chosen := r.chosen
	clear(chosen)
	for fi, f := range vigil.Fields {
		cands := buckets[fi]
		if len(cands) == 0 {
			continue
		}
		best, why := rk.choose(f, cands)
		start := len(values)
		for _, c := range cands {
			values = append(values, SourceValue{Source: c.source, Ref: c.ref, Value: c.value, ObservedAt: c.at})
		}
		d.Provenance = append(d.Provenance, FieldProvenance{Field: f, Value: cands[best].value, Source: cands[best].source,
			Reason: why, Values: values[start:len(values):len(values)]})
		chosen[fi] = cands[best].value
	}
	setFields(&d.Device, func(field string) string { return chosen[r.fieldIdx[field]] })
	return d
}

// setFields copies the chosen values into the domain device.
func setFields(d *vigil.Device, get func(field string) string) {
	d.AssetTag = get(vigil.FieldAssetTag)
	d.Serial = get(vigil.FieldSerial)
	d.Manufacturer = get(vigil.FieldManufacturer)
	d.Model = get(vigil.FieldModel)
	d.DeviceType = get(vigil.FieldDeviceType)
	d.Firmware = get(vigil.FieldFirmware)
	d.MAC = get(vigil.FieldMAC)
	d.IP = get(vigil.FieldIP)
	d.Hostname = get(vigil.FieldHostname)
	d.OwnerTeam = get(vigil.FieldOwnerTeam)
	d.Location = get(vigil.FieldLocation)
	if d.Location == "" {
		var parts []string
		for _, f := range []string{vigil.FieldSite, vigil.FieldBuilding, vigil.FieldFloor, vigil.FieldDepartment, vigil.FieldRoom} {
			if v := get(f); v != "" {
				parts = append(parts, v)
			}
		}
		d.Location = strings.Join(parts, " / ")
	}
	d.StoresEPHI = truthy(get(vigil.FieldStoresEPHI))
	d.SendsEPHI = truthy(get(vigil.FieldSendsEPHI))
	if c := vigil.Criticality(strings.ToLower(get(vigil.FieldCriticality))); c.Valid() {
		d.Criticality = c
	}
	if l := vigil.Lifecycle(strings.ToLower(get(vigil.FieldLifecycle))); l.Valid() {
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
func (r *resolver) finishConflicts(devOf []int64) []Conflict {
	out := make([]Conflict, 0, len(r.conflicts))
	seen := make(map[[2]int64]bool, len(r.conflicts))
	for _, rc := range r.conflicts {
		da, db := devOf[rc.a], devOf[rc.b]
		key := [2]int64{min(da, db), max(da, db)}
		if da == db || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, Conflict{
			A:          r.conflictRecord(rc.a, da),
			B:          r.conflictRecord(rc.b, db),
			Agree:      agree(&r.ids[rc.a], &r.ids[rc.b]),
			Contradict: rc.contradict,
		})
	}
	return out
}

func (r *resolver) conflictRecord(i int32, dev int64) ConflictRecord {
	in := &r.in[i]
	return ConflictRecord{Ref: in.Ref, Source: in.Source, Key: RecordKey(in.Source, in.Record), Device: dev, Origin: in.Record.Origin}
}

// agree lists the identifiers two records share.
func agree(a, b *idents) []Identifier {
	var out []Identifier
	add := func(field, x, y string) {
		if x != "" && x == y {
			out = append(out, Identifier{field, x})
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
func (r *resolver) span(members []int32) (first, last time.Time) {
	for _, m := range members {
		t := r.in[m].Record.ObservedAt
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

package reconcile

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// DiscrepancyOptions set the clock and thresholds of Result.Discrepancies.
type DiscrepancyOptions struct {
	Now       time.Time // the transaction's time; zero means no stale check
	StaleDays int       // days without a discovery sighting before stale; 0 means 30
}

// Discrepancies lists every disagreement between the sources, sorted by kind
// (vigil.DiscrepancyKinds order), device id and field. Only inventory
// sources are compared with each other; scanners and the passive capture
// decide unmanaged and stale. See docs/reconciliation.md for each rule. It
// needs the Result that Resolve returned, not one decoded from JSON.
func (res *Result) Discrepancies(opt DiscrepancyOptions) []vigil.Discrepancy {
	if opt.StaleDays <= 0 {
		opt.StaleDays = 30
	}
	invSet, discSet := make(map[string]bool), make(map[string]bool)
	for i := range res.inputs {
		s := res.sources[res.inputs[i].Source]
		if s == nil {
			continue
		}
		if s.inventory() {
			invSet[s.name] = true
		} else if s.discovery() {
			discSet[s.name] = true
		}
	}
	allInv, allDisc := sortedKeys(invSet), sortedKeys(discSet)

	var out []vigil.Discrepancy
	byID := make(map[int64]*Device, len(res.Devices))
	for _, d := range res.Devices {
		byID[d.ID] = d
		out = res.deviceDiscrepancies(out, d, allInv, allDisc, opt)
	}
	for _, c := range res.Conflicts {
		out = append(out, identityConflict(c, byID[c.A.Device]))
	}
	// Sort indices, not the large structs.
	idx := make([]int32, len(out))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(i, j int32) int {
		a, b := &out[i], &out[j]
		if c := a.Kind.Rank() - b.Kind.Rank(); c != 0 {
			return c
		}
		if a.Device.ID != b.Device.ID {
			return cmp.Compare(a.Device.ID, b.Device.ID)
		}
		return strings.Compare(a.Field, b.Field)
	})
	sorted := make([]vigil.Discrepancy, len(out))
	for i, j := range idx {
		sorted[i] = out[j]
	}
	return sorted
}

// srcRecords are one source's records of one device.
type srcRecords struct {
	source string
	recs   []*Input
	last   time.Time // newest observation, for discovery sources
}

// addRecord adds a record to its source's group, kept sorted by source name;
// devices have a handful of records so slices beat maps here.
func addRecord(list []srcRecords, in *Input) []srcRecords {
	for i := range list {
		if list[i].source == in.Source {
			list[i].recs = append(list[i].recs, in)
			if in.Record.ObservedAt.After(list[i].last) {
				list[i].last = in.Record.ObservedAt
			}
			return list
		}
	}
	list = append(list, srcRecords{source: in.Source, recs: []*Input{in}, last: in.Record.ObservedAt})
	slices.SortFunc(list, func(a, b srcRecords) int { return strings.Compare(a.source, b.source) })
	return list
}

func names(list []srcRecords) []string {
	out := make([]string, len(list))
	for i := range list {
		out[i] = list[i].source
	}
	return out
}

// deviceDiscrepancies appends the discrepancies of one device.
func (res *Result) deviceDiscrepancies(out []vigil.Discrepancy, d *Device, allInv, allDisc []string, opt DiscrepancyOptions) []vigil.Discrepancy {
	ref := vigil.RefOf(&d.Device)
	var inv, disc []srcRecords
	for _, m := range d.members {
		in := &res.inputs[m]
		switch s := res.sources[in.Source]; {
		case s.inventory():
			inv = addRecord(inv, in)
		case s.discovery():
			disc = addRecord(disc, in)
		}
	}
	if len(inv) == 0 {
		if len(disc) > 0 {
			n := names(disc)
			out = append(out, vigil.Discrepancy{Kind: vigil.DiscrepancyUnmanaged, Device: ref, Sources: n,
				Detail: "seen on the network by " + strings.Join(n, ", ") + " but listed in no inventory"})
		}
		return out
	}
	if len(inv) < len(allInv) {
		vals := make(map[string]string, len(allInv))
		var have, lack []string
		for _, s := range allInv {
			if slices.ContainsFunc(inv, func(x srcRecords) bool { return x.source == s }) {
				vals[s] = "present"
				have = append(have, s)
			} else {
				vals[s] = "missing"
				lack = append(lack, s)
			}
		}
		out = append(out, vigil.Discrepancy{Kind: vigil.DiscrepancyMissingFromSource, Device: ref, Values: vals,
			Sources: allInv, Detail: "listed by " + strings.Join(have, ", ") + "; missing from " + strings.Join(lack, ", ")})
	}
	if len(allDisc) > 0 && !opt.Now.IsZero() {
		out = staleCheck(out, ref, inv, disc, allDisc, opt)
	}
	out = fieldConflicts(out, ref, inv, res.assetFrom, res.fieldIdx)
	for _, s := range inv {
		if len(s.recs) > 1 {
			where := make([]string, len(s.recs))
			for i, in := range s.recs {
				where[i] = fmt.Sprintf("ref %d", in.Ref)
				if o := in.Record.Origin.String(); o != "" {
					where[i] = o
				}
			}
			out = append(out, vigil.Discrepancy{Kind: vigil.DiscrepancyDuplicate, Device: ref, Sources: []string{s.source},
				Detail: fmt.Sprintf("%s lists this device %d times: %s", s.source, len(s.recs), strings.Join(where, ", "))})
		}
	}
	return out
}

// staleCheck flags an inventoried device no discovery source has seen
// within opt.StaleDays of opt.Now.
func staleCheck(out []vigil.Discrepancy, ref vigil.DeviceRef, inv, disc []srcRecords, allDisc []string, opt DiscrepancyOptions) []vigil.Discrepancy {
	var last time.Time
	for _, s := range disc {
		if s.last.After(last) {
			last = s.last
		}
	}
	limit := time.Duration(opt.StaleDays) * 24 * time.Hour
	if !last.IsZero() && opt.Now.Sub(last) <= limit {
		return out
	}
	vals := make(map[string]string, len(allDisc))
	for _, s := range allDisc {
		vals[s] = "never"
	}
	for _, s := range disc {
		vals[s.source] = s.last.UTC().Format(time.RFC3339)
	}
	srcs := append(names(inv), allDisc...)
	sort.Strings(srcs)
	detail := fmt.Sprintf("never seen by a discovery source (%s)", strings.Join(allDisc, ", "))
	if !last.IsZero() {
		detail = fmt.Sprintf("last seen by a discovery source %s, more than %d days before %s",
			last.UTC().Format(time.RFC3339), opt.StaleDays, opt.Now.UTC().Format(time.RFC3339))
	}
	return append(out, vigil.Discrepancy{Kind: vigil.DiscrepancyStale, Device: ref, Values: vals, Sources: srcs, Detail: detail})
}

// fieldConflicts flags each field on which the inventory sources listing
// the device disagree, comparing normalised values. A source that lists the
// device twice speaks with its newest record. Asset tags are compared only
// among the sources whose tags are hospital-wide (assetFrom; empty: all).
func fieldConflicts(out []vigil.Discrepancy, ref vigil.DeviceRef, inv []srcRecords, assetFrom map[string]bool, fieldIdx map[string]int) []vigil.Discrepancy {
	if len(inv) < 2 {
		return out
	}
	// Only the fields some source gave need comparing.
	present := make([]bool, len(vigil.Fields))
	latest := make([]*vigil.Record, len(inv))
	for i, s := range inv {
		best := s.recs[0]
		for _, in := range s.recs[1:] {
			if in.Record.ObservedAt.After(best.Record.ObservedAt) {
				best = in
			}
		}
		latest[i] = best.Record
		for f := range best.Record.Fields {
			if fi, ok := fieldIdx[f]; ok {
				present[fi] = true
			}
		}
	}
	value := func(i int, f string) string {
		if f == vigil.FieldAssetTag && len(assetFrom) > 0 && !assetFrom[inv[i].source] {
			return ""
		}
		return strings.TrimSpace(latest[i].Fields[f])
	}
	for fi, f := range vigil.Fields {
		if !present[fi] {
			continue
		}
		first, firstNorm, differ := "", "", false
		for i := range latest {
			v := value(i, f)
			switch {
			case v == "" || v == first:
			case first == "":
				first = v
			default:
				if firstNorm == "" {
					firstNorm = normalValue(f, first)
				}
				differ = differ || normalValue(f, v) != firstNorm
			}
		}
		if !differ {
			continue
		}
		vals := make(map[string]string, len(inv))
		var srcs []string
		for i := range latest {
			if v := value(i, f); v != "" {
				vals[inv[i].source] = v
				srcs = append(srcs, inv[i].source)
			}
		}
		out = append(out, vigil.Discrepancy{Kind: vigil.DiscrepancyFieldConflict, Device: ref, Field: f,
			Values: vals, Sources: srcs})
	}
	return out
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
		n = fmt.Sprint(truthy(v))
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
func identityConflict(c Conflict, d *Device) vigil.Discrepancy {
	ref := vigil.DeviceRef{ID: c.A.Device}
	if d != nil {
		ref = vigil.RefOf(&d.Device)
	}
	out := vigil.Discrepancy{Kind: vigil.DiscrepancyIdentityConflict, Device: ref}
	keyA, keyB := c.A.Source, c.B.Source
	if keyA == keyB {
		keyA, keyB = fmt.Sprintf("%s (ref %d)", keyA, c.A.Ref), fmt.Sprintf("%s (ref %d)", keyB, c.B.Ref)
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

func originOr(c ConflictRecord) string {
	if o := c.Origin.String(); o != "" {
		return o
	}
	return fmt.Sprintf("%s ref %d", c.Source, c.Ref)
}

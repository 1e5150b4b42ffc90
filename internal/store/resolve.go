package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// loadCurrentRecords reads every current record version of every source.
func (tx *Tx) loadCurrentRecords(ctx context.Context) ([]*currentRecord, error) {
	rows, err := tx.query(ctx, `SELECT r.id, r.source_id, s.name, s.kind, r.record_key, r.fields, r.observed_at, r.device_id
		FROM source_records r JOIN sources s ON s.id = r.source_id WHERE r.valid_to IS NULL ORDER BY r.id`)
	if err != nil {
		return nil, dbErr("reading records", err)
	}
	defer rows.Close()
	var out []*currentRecord
	for rows.Next() {
		c := &currentRecord{rec: &vigil.Record{}}
		var kind string
		var dev sql.NullInt64
		if err := rows.Scan(&c.id, &c.sourceID, &c.source, &kind, &c.key, &c.fields, &c.observed, &dev); err != nil {
			return nil, dbErr("reading records", err)
		}
		c.kind, c.deviceID = vigil.SourceKind(kind), dev.Int64
		if err := json.Unmarshal([]byte(c.fields), &c.rec.Fields); err != nil {
			return nil, dbErr("reading records", err)
		}
		c.rec.ObservedAt = parseTime(c.observed)
		out = append(out, c)
	}
	return out, dbErr("reading records", rows.Err())
}

// cluster is a set of records resolved to one device.
type cluster struct {
	members []*currentRecord
}

// resolveClusters groups records that share a strong identifier (MAC,
// manufacturer+serial, asset tag).
func resolveClusters(recs []*currentRecord) []*cluster {
	parent := make([]int, len(recs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	owner := map[string]int{}
	link := func(i int, key string) {
		if j, ok := owner[key]; ok {
			a, b := find(i), find(j)
			if a != b {
				parent[max(a, b)] = min(a, b)
			}
			return
		}
		owner[key] = i
	}
	for i, c := range recs {
		f := c.rec.Fields
		if m := f[vigil.FieldMAC]; m != "" {
			link(i, "mac:"+m)
		}
		if s := f[vigil.FieldSerial]; s != "" {
			link(i, "sn:"+strings.ToLower(f[vigil.FieldManufacturer])+"/"+strings.ToLower(s))
		}
		if t := f[vigil.FieldAssetTag]; t != "" {
			link(i, "tag:"+strings.ToLower(t))
		}
	}
	byRoot := map[int]*cluster{}
	var out []*cluster
	for i, c := range recs {
		r := find(i)
		cl := byRoot[r]
		if cl == nil {
			cl = &cluster{}
			byRoot[r] = cl
			out = append(out, cl)
		}
		cl.members = append(cl.members, c)
	}
	return out
}

// kindRank orders sources for the default precedence: what people maintain
// beats what the network shows, except for the fields the network knows best.
func kindRank(k vigil.SourceKind) int {
	switch k {
	case vigil.SourceManual:
		return 0
	case vigil.SourceInventory:
		return 1
	case vigil.SourceScanner:
		return 2
	}
	return 3
}

// chooseField picks a field's value among a cluster's records: the newest
// observation for firmware, IP and last-seen style fields, otherwise the
// highest-precedence source, newest first within one rank.
func chooseField(members []*currentRecord, field string) string {
	newestWins := field == vigil.FieldFirmware || field == vigil.FieldIP
	var best *currentRecord
	for _, m := range members {
		v := m.rec.Fields[field]
		if v == "" {
			continue
		}
		if best == nil {
			best = m
			continue
		}
		if newestWins {
			if m.observed > best.observed {
				best = m
			}
			continue
		}
		if r, br := kindRank(m.kind), kindRank(best.kind); r < br || r == br && m.observed > best.observed {
			best = m
		}
	}
	if best == nil {
		return ""
	}
	return best.rec.Fields[field]
}

// buildDevice resolves a cluster's fields into a device state.
func (tx *Tx) buildDevice(ctx context.Context, cl *cluster, sites *siteCache) (*vigil.Device, error) {
	m := cl.members
	d := &vigil.Device{
		AssetTag: chooseField(m, vigil.FieldAssetTag), Serial: chooseField(m, vigil.FieldSerial),
		Manufacturer: chooseField(m, vigil.FieldManufacturer), Model: chooseField(m, vigil.FieldModel),
		DeviceType: chooseField(m, vigil.FieldDeviceType), Firmware: chooseField(m, vigil.FieldFirmware),
		MAC: chooseField(m, vigil.FieldMAC), IP: chooseField(m, vigil.FieldIP), Hostname: chooseField(m, vigil.FieldHostname),
		OwnerTeam:   chooseField(m, vigil.FieldOwnerTeam),
		StoresEPHI:  chooseField(m, vigil.FieldStoresEPHI) == "true",
		SendsEPHI:   chooseField(m, vigil.FieldSendsEPHI) == "true",
		Criticality: vigil.Criticality(chooseField(m, vigil.FieldCriticality)),
		Lifecycle:   vigil.Lifecycle(chooseField(m, vigil.FieldLifecycle)),
	}
	if !d.Criticality.Valid() {
		d.Criticality = vigil.CriticalityUnknown
	}
	if !d.Lifecycle.Valid() {
		d.Lifecycle = ""
	}
	var parts []string
	for _, f := range []string{vigil.FieldBuilding, vigil.FieldFloor, vigil.FieldDepartment, vigil.FieldRoom} {
		if v := chooseField(m, f); v != "" {
			parts = append(parts, v)
		}
	}
	d.Location = strings.Join(parts, " / ")
	if d.Location == "" {
		d.Location = chooseField(m, vigil.FieldLocation)
	}
	if site := chooseField(m, vigil.FieldSite); site != "" {
		id, err := sites.hospital(ctx, tx, site)
		if err != nil {
			return nil, err
		}
		d.SiteID = id
	}
	for _, r := range m {
		t := r.rec.ObservedAt
		if d.FirstSeen.IsZero() || t.Before(d.FirstSeen) {
			d.FirstSeen = t
		}
		if t.After(d.LastSeen) {
			d.LastSeen = t
		}
	}
	return d, nil
}

// siteCache creates hospital sites on first use within a transaction.
type siteCache struct{ ids map[string]int64 }

func (c *siteCache) hospital(ctx context.Context, tx *Tx, name string) (int64, error) {
	if id, ok := c.ids[name]; ok {
		return id, nil
	}
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM sites WHERE parent_id = 0 AND kind = ? AND name = ?`, string(vigil.SiteHospital), name).Scan(&id)
	if err == sql.ErrNoRows {
		err = tx.queryRow(ctx, `INSERT INTO sites (parent_id, kind, name, created_at) VALUES (0, ?, ?, ?) RETURNING id`, string(vigil.SiteHospital), name, fmtTime(tx.now)).Scan(&id)
	}
	if err != nil {
		return 0, dbErr("recording a site", err)
	}
	c.ids[name] = id
	return id, nil
}

// deviceState is the part of a device that is versioned.
func deviceState(d *vigil.Device) string {
	c := *d
	c.CreatedAt, c.UpdatedAt = time.Time{}, time.Time{}
	b, _ := json.Marshal(&c)
	return string(b)
}

// changedFields names the fields that differ between two device states.
func changedFields(a, b *vigil.Device) []string {
	var out []string
	pairs := []struct {
		name string
		x, y any
	}{
		{"asset_tag", a.AssetTag, b.AssetTag}, {"serial", a.Serial, b.Serial}, {"manufacturer", a.Manufacturer, b.Manufacturer},
		{"model", a.Model, b.Model}, {"device_type", a.DeviceType, b.DeviceType}, {"firmware", a.Firmware, b.Firmware},
		{"mac", a.MAC, b.MAC}, {"ip", a.IP, b.IP}, {"hostname", a.Hostname, b.Hostname}, {"site_id", a.SiteID, b.SiteID},
		{"location", a.Location, b.Location}, {"owner_team", a.OwnerTeam, b.OwnerTeam}, {"stores_ephi", a.StoresEPHI, b.StoresEPHI},
		{"sends_ephi", a.SendsEPHI, b.SendsEPHI}, {"criticality", a.Criticality, b.Criticality}, {"lifecycle", a.Lifecycle, b.Lifecycle},
	}
	for _, p := range pairs {
		if p.x != p.y {
			out = append(out, p.name)
		}
	}
	sort.Strings(out)
	return out
}

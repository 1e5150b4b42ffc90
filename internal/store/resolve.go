package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// storedRecord is a stored record version as reconciliation reads it.
type storedRecord struct {
	id       int64
	source   string
	kind     vigil.SourceKind
	deviceID int64
	rec      vigil.Record
}

// loadCurrentRecords reads every current record version of every source.
func (tx *Tx) loadCurrentRecords(ctx context.Context) ([]storedRecord, error) {
	return tx.loadRecords(ctx, `r.valid_to IS NULL`)
}

// loadRecords reads the record versions matching a condition on r, in id
// order. A daily sync reads every current record, so each row costs only
// its record: source names are shared, and the stored fields are decoded
// only when the snapshot did not just give the same ones (tx.unchanged).
func (tx *Tx) loadRecords(ctx context.Context, cond string, args ...any) ([]storedRecord, error) {
	type source struct {
		name string
		kind vigil.SourceKind
	}
	sources := map[int64]source{}
	rows, err := tx.query(ctx, `SELECT id, name, kind FROM sources`)
	if err != nil {
		return nil, dbErr("reading records", err)
	}
	for rows.Next() {
		var id int64
		var s source
		if err := rows.Scan(&id, &s.name, &s.kind); err != nil {
			rows.Close()
			return nil, dbErr("reading records", err)
		}
		sources[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbErr("reading records", err)
	}
	rows, err = tx.query(ctx, `SELECT r.id, r.source_id, r.fields, r.observed_at, r.device_id
		FROM source_records r WHERE `+cond+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, dbErr("reading records", err)
	}
	defer rows.Close()
	var out []storedRecord
	for rows.Next() {
		var c storedRecord
		var sourceID int64
		var dev sql.NullInt64
		var fields, observed sql.RawBytes // valid until Next: copied if kept
		if err := rows.Scan(&c.id, &sourceID, &fields, &observed, &dev); err != nil {
			return nil, dbErr("reading records", err)
		}
		src := sources[sourceID]
		c.source, c.kind, c.deviceID = src.name, src.kind, dev.Int64
		if f, ok := tx.unchanged[c.id]; ok {
			c.rec.Fields = f // equal to the stored copy: its encoding matched
		} else if c.rec.Fields, err = decodeFlat(string(fields)); err != nil {
			return nil, dbErr("reading records", err)
		}
		c.rec.ObservedAt = parseTime(string(observed))
		out = append(out, c)
	}
	return out, dbErr("reading records", rows.Err())
}

// siteCache creates hospital sites on first use within a transaction.
type siteCache struct {
	ids    map[string]int64
	places map[string]int64 // parent, kind and name of a site below a hospital -> id
	all    map[string]int64 // lower-case names and initials of every hospital, loaded on first use
}

func (c *siteCache) hospital(ctx context.Context, tx *Tx, name string) (int64, error) {
	if id, ok := c.ids[name]; ok {
		return id, nil
	}
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM sites WHERE parent_id = 0 AND kind = ? AND name = ?`, string(vigil.SiteHospital), name).Scan(&id)
	if err == sql.ErrNoRows {
		err = tx.queryRow(ctx, `INSERT INTO sites (parent_id, kind, name, created_at) VALUES (0, ?, ?, ?) RETURNING id`, string(vigil.SiteHospital), name, tx.nowText()).Scan(&id)
	}
	if err != nil {
		return 0, dbErr("recording a site", err)
	}
	c.ids[name] = id
	c.all = nil // reload names and initials, the new site among them
	return id, nil
}

// place returns the most specific site below a hospital that the path of
// building, floor, department and room names, creating the rows on first
// use; empty levels are skipped. It returns 0 when the path is empty.
func (c *siteCache) place(ctx context.Context, tx *Tx, hospital int64, path [4]string) (int64, error) {
	parent := hospital
	kinds := [4]vigil.SiteKind{vigil.SiteBuilding, vigil.SiteFloor, vigil.SiteDepartment, vigil.SiteRoom}
	for i, name := range path {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		key := fmt.Sprintf("%d\x00%s\x00%s", parent, kinds[i], strings.ToLower(name))
		if id, ok := c.places[key]; ok {
			parent = id
			continue
		}
		var id int64
		err := tx.queryRow(ctx, `SELECT id FROM sites WHERE parent_id = ? AND kind = ? AND name = ?`, parent, string(kinds[i]), name).Scan(&id)
		if err == sql.ErrNoRows {
			err = tx.queryRow(ctx, `INSERT INTO sites (parent_id, kind, name, created_at) VALUES (?, ?, ?, ?) RETURNING id`, parent, string(kinds[i]), name, tx.nowText()).Scan(&id)
		}
		if err != nil {
			return 0, dbErr("recording a site", err)
		}
		c.places[key] = id
		parent = id
	}
	if parent == hospital {
		return 0, nil
	}
	return parent, nil
}

// byLocation finds the hospital a free-text location starts with, by name
// or by its initials ("SBMC / Main Tower / Floor 3" is St. Brigid Medical
// Center), as IT systems often abbreviate. It returns 0 when none fits.
func (c *siteCache) byLocation(ctx context.Context, tx *Tx, location string) (int64, error) {
	first, _, _ := strings.Cut(location, "/")
	first = strings.ToLower(strings.TrimSpace(first))
	if first == "" {
		return 0, nil
	}
	if c.all == nil {
		rows, err := tx.query(ctx, `SELECT id, name FROM sites WHERE parent_id = 0`)
		if err != nil {
			return 0, dbErr("reading sites", err)
		}
		c.all = map[string]int64{}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return 0, dbErr("reading sites", err)
			}
			c.all[strings.ToLower(name)] = id
			var initials strings.Builder
			for _, w := range strings.Fields(name) {
				initials.WriteString(strings.ToLower(w[:1]))
			}
			c.all[initials.String()] = id
		}
		rows.Close()
	}
	return c.all[first], nil
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
		{"mac", a.MAC, b.MAC}, {"ip", a.IP, b.IP}, {"hostname", a.Hostname, b.Hostname}, {"site_id", a.SiteID, b.SiteID}, {"place_id", a.PlaceID, b.PlaceID},
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

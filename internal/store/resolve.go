package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// loadCurrentRecords reads every current record version of every source.
func (tx *Tx) loadCurrentRecords(ctx context.Context) ([]*currentRecord, error) {
	return tx.loadRecords(ctx, `r.valid_to IS NULL`)
}

// loadRecords reads the record versions matching a condition on r.
func (tx *Tx) loadRecords(ctx context.Context, cond string, args ...any) ([]*currentRecord, error) {
	rows, err := tx.query(ctx, `SELECT r.id, r.source_id, s.name, s.kind, r.record_key, r.fields, r.observed_at, r.device_id
		FROM source_records r JOIN sources s ON s.id = r.source_id WHERE `+cond+` ORDER BY r.id`, args...)
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

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

const deviceColumns = `id, asset_tag, serial, manufacturer, model, device_type, firmware, mac, ip, hostname,
	site_id, place_id, location, owner_team, stores_ephi, sends_ephi, criticality, lifecycle, first_seen, last_seen, created_at, updated_at`

func scanDevice(s scanner) (*vigil.Device, error) {
	var d vigil.Device
	var stores, sends int
	var crit, life, first, last, created, updated string
	if err := s.Scan(&d.ID, &d.AssetTag, &d.Serial, &d.Manufacturer, &d.Model, &d.DeviceType, &d.Firmware, &d.MAC, &d.IP, &d.Hostname,
		&d.SiteID, &d.PlaceID, &d.Location, &d.OwnerTeam, &stores, &sends, &crit, &life, &first, &last, &created, &updated); err != nil {
		return nil, err
	}
	d.StoresEPHI, d.SendsEPHI = stores != 0, sends != 0
	d.Criticality, d.Lifecycle = vigil.Criticality(crit), vigil.Lifecycle(life)
	d.FirstSeen, d.LastSeen, d.CreatedAt, d.UpdatedAt = parseTime(first), parseTime(last), parseTime(created), parseTime(updated)
	return &d, nil
}

// FindDeviceByID returns one device, including one no source lists any more.
func (db *DB) FindDeviceByID(ctx context.Context, id int64) (*vigil.Device, error) {
	d, err := scanDevice(db.queryRow(ctx, `SELECT `+deviceColumns+` FROM devices WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no device %d", id)
	}
	return d, dbErr("reading a device", err)
}

// FindDevices returns the devices matching f, ordered by id, and the number
// matching before paging. With f.AsOf it rebuilds the inventory as it stood
// at that time from the device history.
func (db *DB) FindDevices(ctx context.Context, f vigil.DeviceFilter) ([]*vigil.Device, int, error) {
	if f.AsOf != nil {
		return db.findDevicesAsOf(ctx, f)
	}
	where, args := deviceWhere(f)
	count := `SELECT COUNT(*) FROM devices` + where
	if len(args) == 0 && where == liveOnly {
		// The whole inventory: all devices less the removed ones, read
		// from the indexes' page counts (migration 0020), not the rows.
		count = `SELECT (SELECT COUNT(*) FROM devices) - (SELECT COUNT(*) FROM devices WHERE removed_at IS NOT NULL)`
	}
	var total int
	if err := db.queryRow(ctx, count, args...).Scan(&total); err != nil {
		return nil, 0, dbErr("listing devices", err)
	}
	var out []*vigil.Device
	err := db.scanDevices(ctx, where, args, f, func(d *vigil.Device) error {
		out = append(out, d)
		return nil
	})
	return out, total, err
}

// ScanDevices hands fn the devices FindDevices lists, one at a time as they
// are read, stopping at fn's first error: an export of every device needs
// no more memory than one.
func (db *DB) ScanDevices(ctx context.Context, f vigil.DeviceFilter, fn func(*vigil.Device) error) error {
	if f.AsOf != nil {
		devs, _, err := db.findDevicesAsOf(ctx, f)
		if err != nil {
			return err
		}
		for _, d := range devs {
			if err := fn(d); err != nil {
				return err
			}
		}
		return nil
	}
	where, args := deviceWhere(f)
	return db.scanDevices(ctx, where, args, f, fn)
}

func (db *DB) scanDevices(ctx context.Context, where string, args []any, f vigil.DeviceFilter, fn func(*vigil.Device) error) error {
	rows, err := db.query(ctx, `SELECT `+deviceColumns+` FROM devices`+where+` ORDER BY id`+limitClause(f.Offset, f.Limit), args...)
	if err != nil {
		return dbErr("listing devices", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return dbErr("listing devices", err)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return dbErr("listing devices", rows.Err())
}

// liveOnly is deviceWhere's clause for a filter that names nothing.
const liveOnly = " WHERE removed_at IS NULL"

func deviceWhere(f vigil.DeviceFilter) (string, []any) {
	conds := []string{"removed_at IS NULL"}
	var args []any
	if f.ID != nil {
		conds, args = append(conds, "id = ?"), append(args, *f.ID)
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(q) + "%"
		var ors []string
		for _, c := range []string{"asset_tag", "serial", "manufacturer", "model", "device_type", "mac", "ip", "hostname", "location"} {
			ors = append(ors, "LOWER("+c+`) LIKE ? ESCAPE '\'`)
			args = append(args, like)
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	if f.DeviceType != "" {
		conds, args = append(conds, "device_type = ?"), append(args, f.DeviceType)
	}
	if f.SiteID != nil {
		conds, args = append(conds, "site_id = ?"), append(args, *f.SiteID)
	}
	if f.Criticality != "" {
		conds, args = append(conds, "criticality = ?"), append(args, string(f.Criticality))
	}
	if f.Source != "" {
		conds = append(conds, "id IN (SELECT device_id FROM source_records r JOIN sources s ON s.id = r.source_id WHERE r.valid_to IS NULL AND s.name = ?)")
		args = append(args, f.Source)
	}
	if f.Discrepancy != "" {
		conds = append(conds, "id IN (SELECT device_id FROM discrepancies WHERE kind = ?)")
		args = append(args, string(f.Discrepancy))
	}
	if f.EPHI != nil {
		if *f.EPHI {
			conds = append(conds, "(stores_ephi = 1 OR sends_ephi = 1)")
		} else {
			conds = append(conds, "(stores_ephi = 0 AND sends_ephi = 0)")
		}
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// findDevicesAsOf loads the device versions valid at f.AsOf and filters them
// in memory with the same rules as the live query.
func (db *DB) findDevicesAsOf(ctx context.Context, f vigil.DeviceFilter) ([]*vigil.Device, int, error) {
	at := fmtTime(*f.AsOf)
	rows, err := db.query(ctx, `SELECT state FROM device_versions WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?) ORDER BY device_id`, at, at)
	if err != nil {
		return nil, 0, dbErr("rebuilding the inventory", err)
	}
	defer rows.Close()
	var all []*vigil.Device
	for rows.Next() {
		var state string
		if err := rows.Scan(&state); err != nil {
			return nil, 0, dbErr("rebuilding the inventory", err)
		}
		var d vigil.Device
		if err := json.Unmarshal([]byte(state), &d); err != nil {
			return nil, 0, dbErr("rebuilding the inventory", err)
		}
		if matchDevice(&d, f) {
			all = append(all, &d)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, dbErr("rebuilding the inventory", err)
	}
	// Devices that never changed have no version: their row is their state
	// since they were created.
	rows2, err := db.query(ctx, `SELECT `+deviceColumns+` FROM devices d WHERE created_at <= ?
		AND NOT EXISTS (SELECT 1 FROM device_versions v WHERE v.device_id = d.id) ORDER BY id`, at)
	if err != nil {
		return nil, 0, dbErr("rebuilding the inventory", err)
	}
	defer rows2.Close()
	for rows2.Next() {
		d, err := scanDevice(rows2)
		if err != nil {
			return nil, 0, dbErr("rebuilding the inventory", err)
		}
		if matchDevice(d, f) {
			all = append(all, d)
		}
	}
	if err := rows2.Err(); err != nil {
		return nil, 0, dbErr("rebuilding the inventory", err)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	total := len(all)
	if f.Limit > 0 {
		lo := min(max(f.Offset, 0), total)
		all = all[lo:min(lo+f.Limit, total)]
	}
	return all, total, nil
}

func matchDevice(d *vigil.Device, f vigil.DeviceFilter) bool {
	if f.ID != nil && d.ID != *f.ID || f.DeviceType != "" && d.DeviceType != f.DeviceType ||
		f.SiteID != nil && d.SiteID != *f.SiteID || f.Criticality != "" && d.Criticality != f.Criticality ||
		f.EPHI != nil && d.HasEPHI() != *f.EPHI {
		return false
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		for _, s := range []string{d.AssetTag, d.Serial, d.Manufacturer, d.Model, d.DeviceType, d.MAC, d.IP, d.Hostname, d.Location} {
			if strings.Contains(strings.ToLower(s), q) {
				return true
			}
		}
		return false
	}
	return true
}

// CountDevices summarises the inventory, now or as of a past time.
func (db *DB) CountDevices(ctx context.Context, asOf *time.Time) (*vigil.DeviceCounts, error) {
	var devs []*vigil.Device
	if asOf != nil {
		var err error
		if devs, _, err = db.FindDevices(ctx, vigil.DeviceFilter{AsOf: asOf}); err != nil {
			return nil, err
		}
	} else {
		// The live inventory is counted by the database: one row per
		// combination of what is counted, rather than every device.
		rows, err := db.query(ctx, `SELECT device_type, site_id, criticality, stores_ephi, sends_ephi, COUNT(*) FROM devices
			WHERE removed_at IS NULL GROUP BY device_type, site_id, criticality, stores_ephi, sends_ephi`)
		if err != nil {
			return nil, dbErr("counting devices", err)
		}
		defer rows.Close()
		type group struct {
			d vigil.Device
			n int
		}
		var groups []group
		for rows.Next() {
			var g group
			var crit string
			var stores, sends int
			if err := rows.Scan(&g.d.DeviceType, &g.d.SiteID, &crit, &stores, &sends, &g.n); err != nil {
				return nil, dbErr("counting devices", err)
			}
			g.d.Criticality, g.d.StoresEPHI, g.d.SendsEPHI = vigil.Criticality(crit), stores != 0, sends != 0
			groups = append(groups, g)
		}
		if err := rows.Err(); err != nil {
			return nil, dbErr("counting devices", err)
		}
		return db.countDevices(ctx, func(add func(d *vigil.Device, n int)) {
			for i := range groups {
				add(&groups[i].d, groups[i].n)
			}
		})
	}
	return db.countDevices(ctx, func(add func(d *vigil.Device, n int)) {
		for _, d := range devs {
			add(d, 1)
		}
	})
}

// countDevices sums the counts each has for its devices, naming the sites.
func (db *DB) countDevices(ctx context.Context, each func(add func(d *vigil.Device, n int))) (*vigil.DeviceCounts, error) {
	sites, err := db.FindSites(ctx)
	if err != nil {
		return nil, err
	}
	siteName := map[int64]string{}
	for _, s := range sites {
		siteName[s.ID] = s.Name
	}
	c := &vigil.DeviceCounts{ByType: map[string]int{}, BySite: map[string]int{}, ByCriticality: map[string]int{}}
	each(func(d *vigil.Device, n int) {
		c.Total += n
		if d.HasEPHI() {
			c.EPHI += n
		}
		c.ByType[orUnknown(d.DeviceType)] += n
		c.BySite[orUnknown(siteName[d.SiteID])] += n
		c.ByCriticality[orUnknown(string(d.Criticality))] += n
	})
	return c, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// DeviceFacts returns every value every source gave for the device, current
// and superseded, newest first.
func (db *DB) DeviceFacts(ctx context.Context, deviceID int64) ([]*vigil.Fact, error) {
	rows, err := db.query(ctx, `SELECT r.id, s.name, r.fields, r.observed_at, r.valid_from, r.valid_to
		FROM source_records r JOIN sources s ON s.id = r.source_id WHERE r.device_id = ? ORDER BY r.valid_from DESC, r.id DESC`, deviceID)
	if err != nil {
		return nil, dbErr("reading device facts", err)
	}
	defer rows.Close()
	var out []*vigil.Fact
	for rows.Next() {
		var id int64
		var src, fields, observed, from string
		var to sql.NullString
		if err := rows.Scan(&id, &src, &fields, &observed, &from, &to); err != nil {
			return nil, dbErr("reading device facts", err)
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(fields), &m); err != nil {
			return nil, dbErr("reading device facts", err)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			out = append(out, &vigil.Fact{ID: id, DeviceID: deviceID, Source: src, Field: k, Value: m[k],
				ObservedAt: parseTime(observed), RecordedAt: parseTime(from), SupersededAt: nullTime(to)})
		}
	}
	return out, dbErr("reading device facts", rows.Err())
}

// FindSites lists every site.
func (db *DB) FindSites(ctx context.Context) ([]*vigil.Site, error) {
	rows, err := db.query(ctx, `SELECT id, parent_id, kind, name, created_at, blocks FROM sites ORDER BY id`)
	if err != nil {
		return nil, dbErr("listing sites", err)
	}
	defer rows.Close()
	var out []*vigil.Site
	for rows.Next() {
		var s vigil.Site
		var kind, created, blocks string
		if err := rows.Scan(&s.ID, &s.ParentID, &kind, &s.Name, &created, &blocks); err != nil {
			return nil, dbErr("listing sites", err)
		}
		if blocks != "" {
			s.Blocks = strings.Split(blocks, ",")
		}
		s.Kind, s.CreatedAt = vigil.SiteKind(kind), parseTime(created)
		out = append(out, &s)
	}
	return out, dbErr("listing sites", rows.Err())
}

// FindSources lists the sources that have been imported.
func (db *DB) FindSources(ctx context.Context) ([]*vigil.Source, error) {
	rows, err := db.query(ctx, `SELECT id, name, kind, role, created_at FROM sources ORDER BY name`)
	if err != nil {
		return nil, dbErr("listing sources", err)
	}
	defer rows.Close()
	var out []*vigil.Source
	for rows.Next() {
		var s vigil.Source
		var kind, created string
		if err := rows.Scan(&s.ID, &s.Name, &kind, &s.Role, &created); err != nil {
			return nil, dbErr("listing sources", err)
		}
		s.Kind, s.CreatedAt = vigil.SourceKind(kind), parseTime(created)
		out = append(out, &s)
	}
	return out, dbErr("listing sources", rows.Err())
}

package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// StoredRecord is a stored record version as reconciliation reads it.
type StoredRecord struct {
	ID       int64            // the version's id
	Source   string           // its source's name
	Kind     vigil.SourceKind // its source's kind
	DeviceID int64            // the device it resolved to last, 0 if none
	Record   vigil.Record
}

// CurrentRecords returns every stored current record version of every
// source, in id order. Those of the sources whose snapshots st staged are
// the ones the snapshots repeated; only the other sources' are read. The
// staged new versions are not among them (see Staged.At).
func (tx *Tx) CurrentRecords(ctx context.Context, st *Staged) ([]StoredRecord, error) {
	if err := tx.lockInventory(ctx); err != nil {
		return nil, err
	}
	var kept []StoredRecord
	var diffed []any
	if st != nil {
		kept, diffed = st.kept, st.diffed
		st.kept, st.diffed = nil, nil
	}
	cond, args := `r.valid_to IS NULL`, diffed
	if len(args) > 0 {
		cond += ` AND r.source_id NOT IN (?` + strings.Repeat(", ?", len(args)-1) + `)`
	}
	out, err := tx.loadRecords(ctx, kept, cond, args...)
	if err != nil {
		return nil, err
	}
	if !slices.IsSortedFunc(out, compareStored) {
		slices.SortFunc(out, compareStored)
	}
	return out, nil
}

func compareStored(a, b StoredRecord) int { return cmp.Compare(a.ID, b.ID) }

// loadRecords appends to out the record versions matching a condition on
// r, in id order. A daily sync may read every current record, so each row
// costs only its record: source names are shared.
func (tx *Tx) loadRecords(ctx context.Context, out []StoredRecord, cond string, args ...any) ([]StoredRecord, error) {
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
	rows, err = tx.query(ctx, `SELECT r.id, r.source_id, r.fields, r.observed_at, r.device_id, r.origin
		FROM source_records r WHERE `+cond+` ORDER BY r.id`, args...)
	if err != nil {
		return nil, dbErr("reading records", err)
	}
	defer rows.Close()
	origins := originParser{}
	for rows.Next() {
		var c StoredRecord
		var sourceID int64
		var dev sql.NullInt64
		var fields, observed, origin sql.RawBytes // valid until Next: copied if kept
		if err := rows.Scan(&c.ID, &sourceID, &fields, &observed, &dev, &origin); err != nil {
			return nil, dbErr("reading records", err)
		}
		src := sources[sourceID]
		c.Source, c.Kind, c.DeviceID = src.name, src.kind, dev.Int64
		if c.Record.Fields, err = decodeFlat(string(fields)); err != nil {
			return nil, dbErr("reading records", err)
		}
		c.Record.ObservedAt = parseTime(string(observed))
		c.Record.Origin = origins.parse(origin)
		out = append(out, c)
	}
	return out, dbErr("reading records", rows.Err())
}

// siteCache remembers the sites a transaction created or read.
type siteCache struct {
	ids    map[string]int64
	places map[string]int64 // parent, kind and name of a site below a hospital -> id
	all    map[string]int64 // lower-case names and initials of every hospital, loaded on first use
	blocks []siteBlock      // every hospital's address blocks, loaded on first use; nil until then
}

// siteBlock is one address block a hospital declares.
type siteBlock struct {
	prefix netip.Prefix
	site   int64
}

// HospitalSite returns the id of the hospital site of that name, creating
// it on first use.
func (tx *Tx) HospitalSite(ctx context.Context, name string) (int64, error) {
	c := tx.siteCache()
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

// PlaceSite returns the most specific site below a hospital that the path
// of building, floor, department and room names, creating the rows on first
// use; empty levels are skipped. It returns 0 when the path is empty.
func (tx *Tx) PlaceSite(ctx context.Context, hospital int64, path [4]string) (int64, error) {
	c := tx.siteCache()
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

// HospitalByLocation finds the hospital a free-text location starts with,
// by name or by its initials ("SBMC / Main Tower / Floor 3" is St. Brigid
// Medical Center), as IT systems often abbreviate. It returns 0 when none
// fits.
func (tx *Tx) HospitalByLocation(ctx context.Context, location string) (int64, error) {
	c := tx.siteCache()
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

func (tx *Tx) siteCache() *siteCache {
	if tx.sites == nil {
		tx.sites = &siteCache{ids: map[string]int64{}, places: map[string]int64{}}
	}
	return tx.sites
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

// originParser reads stored origins (Origin.String) back, sharing the file
// and sheet names of many records: a daily sync reads hundreds of thousands
// of origins from a few files.
type originParser map[string]string

func (p originParser) intern(b []byte) string {
	if s, ok := p[string(b)]; ok {
		return s
	}
	s := string(b)
	p[s] = s
	return s
}

// parse returns the origin whose String is text; text it cannot split
// becomes the File of an origin, which prints as itself.
func (p originParser) parse(text []byte) vigil.Origin {
	colon := bytes.LastIndexByte(text, ':')
	if colon > 0 {
		if n, err := strconv.Atoi(string(text[colon+1:])); err == nil && n > 0 {
			head := text[:colon]
			var o vigil.Origin
			if open := bytes.LastIndexByte(head, '['); open > 0 && head[len(head)-1] == ']' {
				o = vigil.Origin{File: p.intern(head[:open]), Sheet: p.intern(head[open+1 : len(head)-1]), Row: n}
			} else {
				o = vigil.Origin{File: p.intern(head), Line: n}
			}
			if o.String() == string(text) {
				return o
			}
		}
	}
	return vigil.Origin{File: string(text)}
}

// SetSiteBlocks replaces the address blocks of the hospital site named site
// and audits the change. A block may belong to one hospital only.
func (tx *Tx) SetSiteBlocks(ctx context.Context, actor *vigil.User, site string, blocks []string) error {
	ps, err := vigil.ParseBlocks(blocks)
	if err != nil {
		return err
	}
	var id int64
	err = tx.QueryRowContext(ctx, tx.db.dialect.rebind(`SELECT id FROM sites WHERE parent_id = 0 AND LOWER(name) = ?`), strings.ToLower(strings.TrimSpace(site))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return vigil.Errorf(vigil.ENOTFOUND, "no hospital site %q", site)
	} else if err != nil {
		return dbErr("reading sites", err)
	}
	rows, err := tx.query(ctx, `SELECT id, name, blocks FROM sites WHERE parent_id = 0 AND id <> ? AND blocks <> ''`, id)
	if err != nil {
		return dbErr("reading sites", err)
	}
	for rows.Next() {
		var other int64
		var name, theirs string
		if err := rows.Scan(&other, &name, &theirs); err != nil {
			rows.Close()
			return dbErr("reading sites", err)
		}
		for _, b := range strings.Split(theirs, ",") {
			q, err := netip.ParsePrefix(b)
			if err != nil {
				continue
			}
			for _, p := range ps {
				if p.Overlaps(q) {
					rows.Close()
					return vigil.Errorf(vigil.ECONFLICT, "address block %s overlaps %s of site %q", p, q, name)
				}
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("reading sites", err)
	}
	text := make([]string, len(ps))
	for i, p := range ps {
		text[i] = p.String()
	}
	if _, err := tx.exec(ctx, `UPDATE sites SET blocks = ? WHERE id = ?`, strings.Join(text, ","), id); err != nil {
		return dbErr("saving site blocks", err)
	}
	tx.siteCache().blocks = nil
	return dbErr("saving site blocks", tx.audit(ctx, actor, "site.blocks", "site", id, map[string]any{"site": site, "blocks": text}))
}

// HospitalByAddress returns the hospital whose declared address block holds
// ip, the most specific block winning, or 0.
func (tx *Tx) HospitalByAddress(ctx context.Context, ip string) (int64, error) {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return 0, nil
	}
	c := tx.siteCache()
	if c.blocks == nil {
		c.blocks = []siteBlock{}
		rows, err := tx.query(ctx, `SELECT id, blocks FROM sites WHERE parent_id = 0 AND blocks <> ''`)
		if err != nil {
			return 0, dbErr("reading sites", err)
		}
		for rows.Next() {
			var id int64
			var blocks string
			if err := rows.Scan(&id, &blocks); err != nil {
				rows.Close()
				return 0, dbErr("reading sites", err)
			}
			for _, b := range strings.Split(blocks, ",") {
				if p, err := netip.ParsePrefix(b); err == nil {
					c.blocks = append(c.blocks, siteBlock{p, id})
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, dbErr("reading sites", err)
		}
	}
	a = a.Unmap()
	best, bits := int64(0), -1
	for _, b := range c.blocks {
		if b.prefix.Contains(a) && b.prefix.Bits() > bits {
			best, bits = b.site, b.prefix.Bits()
		}
	}
	return best, nil
}

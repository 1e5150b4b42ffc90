package store

import (
	"context"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// This file reads what an evaluation weighs, as Vigil knew it at a time:
// which sources listed each device, the network findings and the flows
// recorded by then.

// SourceListing is a source that lists a device.
type SourceListing struct {
	DeviceID int64
	Source   vigil.Source // name, kind and the role set for it ("" when none)
}

// FindSourceListings returns, for every device, the sources whose records
// of it were current at asOf (now when nil), each source once, in no fixed
// order. A record's device is the one the latest resolution gave it.
func (db *DB) FindSourceListings(ctx context.Context, asOf *time.Time) ([]SourceListing, error) {
	sources := map[int64]vigil.Source{}
	rows, err := db.query(ctx, `SELECT id, name, kind, role FROM sources`)
	if err != nil {
		return nil, dbErr("reading source listings", err)
	}
	for rows.Next() {
		var id int64
		var s vigil.Source
		var kind string
		if err := rows.Scan(&id, &s.Name, &kind, &s.Role); err != nil {
			rows.Close()
			return nil, dbErr("reading source listings", err)
		}
		s.Kind = vigil.SourceKind(kind)
		sources[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, dbErr("reading source listings", err)
	}
	// Integers only, neither joined nor sorted: a hospital has a few
	// hundred thousand current records.
	q := `SELECT device_id, source_id FROM source_records WHERE device_id IS NOT NULL AND `
	var args []any
	if asOf != nil {
		at := fmtTime(*asOf)
		q += `valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)`
		args = append(args, at, at)
	} else {
		q += `valid_to IS NULL`
	}
	if rows, err = db.query(ctx, q, args...); err != nil {
		return nil, dbErr("reading source listings", err)
	}
	defer rows.Close()
	type pair struct{ device, source int64 }
	seen := map[pair]bool{}
	var out []SourceListing
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.device, &p.source); err != nil {
			return nil, dbErr("reading source listings", err)
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		out = append(out, SourceListing{DeviceID: p.device, Source: sources[p.source]})
	}
	return out, dbErr("reading source listings", rows.Err())
}

// FindFindings returns the network findings in force at asOf (now when nil):
// recorded by a run before then and not superseded by a later one. DeviceID
// is left 0: the caller matches them to devices as of its own date.
func (db *DB) FindFindings(ctx context.Context, asOf *time.Time) ([]*vigil.DeviceFinding, error) {
	q := `SELECT f.device_key, f.mac, f.ip, f.code, f.detail, f.seen_at FROM network_findings f`
	var args []any
	if asOf != nil {
		at := fmtTime(*asOf)
		q += ` JOIN discovery_runs r ON r.id = f.run_id WHERE r.recorded_at <= ? AND (f.valid_to IS NULL OR f.valid_to > ?)`
		args = append(args, at, at)
	} else {
		q += ` WHERE f.valid_to IS NULL`
	}
	rows, err := db.query(ctx, q+` ORDER BY f.device_key, f.code, f.id`, args...)
	if err != nil {
		return nil, dbErr("reading findings", err)
	}
	defer rows.Close()
	var out []*vigil.DeviceFinding
	for rows.Next() {
		var f vigil.DeviceFinding
		var seen string
		if err := rows.Scan(&f.DeviceKey, &f.MAC, &f.IP, &f.Code, &f.Detail, &seen); err != nil {
			return nil, dbErr("reading findings", err)
		}
		f.SeenAt = parseTime(seen)
		out = append(out, &f)
	}
	return out, dbErr("reading findings", rows.Err())
}

// ScanFlows hands fn every flow recorded by a discovery run before asOf (all
// when nil).
func (db *DB) ScanFlows(ctx context.Context, asOf *time.Time, fn func(*vigil.FlowSummary) error) error {
	where, args := ``, []any(nil)
	if asOf != nil {
		where, args = `WHERE run_id IN (SELECT id FROM discovery_runs WHERE recorded_at <= ?)`, []any{fmtTime(*asOf)}
	}
	flows, err := db.findFlows(ctx, where+` ORDER BY id`, args...)
	if err != nil {
		return err
	}
	for _, f := range flows {
		if err := fn(f); err != nil {
			return err
		}
	}
	return nil
}

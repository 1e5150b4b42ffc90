package store

import (
	"context"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// FindDevicesByIDs returns the devices with the given ids, removed ones
// included, by id; an id with no device is left out. Pages use it to name
// the devices their rows point at.
func (db *DB) FindDevicesByIDs(ctx context.Context, ids []int64) (map[int64]*vigil.Device, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	out := make(map[int64]*vigil.Device, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), bulkRows)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := db.query(ctx, `SELECT `+deviceColumns+` FROM devices WHERE id IN (?`+strings.Repeat(", ?", n-1)+`)`, args...)
		if err != nil {
			return nil, dbErr("reading devices", err)
		}
		for rows.Next() {
			d, err := scanDevice(rows)
			if err != nil {
				rows.Close()
				return nil, dbErr("reading devices", err)
			}
			out[d.ID] = d
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, dbErr("reading devices", err)
		}
		ids = ids[n:]
	}
	return out, nil
}

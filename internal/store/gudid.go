package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// gudidKey is how a DI is looked up: upper case, without HIBCC's '+' or
// ISBT 128's "=/" (the reader and the UDI parser write DIs so already).
func gudidKey(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "=/")
	return strings.TrimPrefix(s, "+")
}

// SaveGUDID stores GUDID device records; see ImportGUDID.
func (db *DB) SaveGUDID(ctx context.Context, actor *vigil.User, file string, devs []*vigil.GUDIDDevice) (*vigil.GUDIDImportResult, error) {
	return db.ImportGUDID(ctx, actor, file, func(put func(*vigil.GUDIDDevice) error) error {
		for _, g := range devs {
			if err := put(g); err != nil {
				return err
			}
		}
		return nil
	})
}

// ImportGUDID stores the GUDID device records read gives to put, keyed by
// primary DI, each package DI pointing at its record, and audits the
// import with its counts: a record whose primary DI is new is added, one
// that differs replaces the stored one, one that is the same is left. It
// is one transaction however many records the stream holds: a file that
// fails part way (read returns an error) stores nothing.
func (db *DB) ImportGUDID(ctx context.Context, actor *vigil.User, file string, read func(put func(*vigil.GUDIDDevice) error) error) (*vigil.GUDIDImportResult, error) {
	const op = "storing GUDID records"
	res := &vigil.GUDIDImportResult{File: file}
	err := db.Update(ctx, func(tx *Tx) error {
		put := func(g *vigil.GUDIDDevice) error {
			res.Records++
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := g.Validate(); err != nil {
				return err
			}
			key := gudidKey(g.PrimaryDI)
			cp := *g
			cp.PrimaryDI, cp.ImportedAt = key, tx.now
			var old string
			err := tx.queryRow(ctx, `SELECT data FROM gudid_devices WHERE primary_di = ?`, key).Scan(&old)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				res.Added++
			case err != nil:
				return dbErr(op, err)
			default:
				var prev vigil.GUDIDDevice
				if json.Unmarshal([]byte(old), &prev) == nil {
					prev.ImportedAt = cp.ImportedAt
					if sameGUDID(&prev, &cp) {
						res.Unchanged++
						return nil
					}
				}
				res.Updated++
				if _, err := tx.exec(ctx, `DELETE FROM gudid_dis WHERE primary_di = ?`, key); err != nil {
					return dbErr(op, err)
				}
				if _, err := tx.exec(ctx, `DELETE FROM gudid_devices WHERE primary_di = ?`, key); err != nil {
					return dbErr(op, err)
				}
			}
			data, err := json.Marshal(&cp)
			if err != nil {
				return dbErr(op, err)
			}
			if _, err := tx.exec(ctx, `INSERT INTO gudid_devices (primary_di, company, model, imported_at, data) VALUES (?, ?, ?, ?, ?)`,
				key, cp.Company, cp.Model, fmtTime(cp.ImportedAt), string(data)); err != nil {
				return dbErr(op, err)
			}
			for _, di := range append([]string{key}, cp.PackageDIs...) {
				// A package DI another record already claims keeps its
				// first claim: GUDID gives each DI to one record.
				if _, err := tx.exec(ctx, `INSERT INTO gudid_dis (di, primary_di) VALUES (?, ?) ON CONFLICT (di) DO NOTHING`, gudidKey(di), key); err != nil {
					return dbErr(op, err)
				}
			}
			return nil
		}
		if err := read(put); err != nil {
			return err
		}
		return dbErr(op, tx.audit(ctx, actor, "gudid.import", "gudid", file, res))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// sameGUDID reports whether two records say the same.
func sameGUDID(a, b *vigil.GUDIDDevice) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// FindGUDID returns the GUDID record a DI names, its primary DI or one of
// its package DIs, or ENOTFOUND.
func (db *DB) FindGUDID(ctx context.Context, di string) (*vigil.GUDIDDevice, error) {
	var data string
	err := db.queryRow(ctx, `SELECT d.data FROM gudid_dis i JOIN gudid_devices d ON d.primary_di = i.primary_di WHERE i.di = ?`, gudidKey(di)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no GUDID record for device identifier %s", gudidKey(di))
	} else if err != nil {
		return nil, dbErr("reading a GUDID record", err)
	}
	g := &vigil.GUDIDDevice{}
	if err := json.Unmarshal([]byte(data), g); err != nil {
		return nil, dbErr("reading a GUDID record", err)
	}
	return g, nil
}

// CountGUDID returns how many GUDID device records are stored.
func (db *DB) CountGUDID(ctx context.Context) (int, error) {
	var n int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM gudid_devices`).Scan(&n); err != nil {
		return 0, dbErr("counting GUDID records", err)
	}
	return n, nil
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"

	vigil "github.com/vigil-health/vigil"
)

// SaveVendor adds a vendor (ID 0) or rewrites it, with its aliases, and
// audits the change; v.ID, AddedBy and the times are set. A name or alias
// that is already another vendor's is a conflict.
func (tx *Tx) SaveVendor(ctx context.Context, actor *vigil.User, v *vigil.Vendor) error {
	if err := v.Validate(); err != nil {
		return err
	}
	keys := []string{vigil.VendorKey(v.Name)}
	for _, a := range v.Aliases {
		keys = append(keys, vigil.VendorKey(a))
	}
	for _, k := range keys {
		var other int64
		err := tx.queryRow(ctx, `SELECT id FROM vendors WHERE name_key = ? AND id <> ?
			UNION SELECT vendor_id FROM vendor_aliases WHERE alias_key = ? AND vendor_id <> ?`, k, v.ID, k, v.ID).Scan(&other)
		if err == nil {
			return vigil.Errorf(vigil.ECONFLICT, "the name %q is already vendor %d's", k, other)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return dbErr("saving a vendor", err)
		}
	}
	action := "vendor.update"
	v.UpdatedAt = tx.now
	if v.ID == 0 {
		action, v.AddedBy, v.AddedAt = "vendor.add", actorName(actor), tx.now
	}
	data, err := json.Marshal(v)
	if err != nil {
		return dbErr("saving a vendor", err)
	}
	if v.ID == 0 {
		err = tx.queryRow(ctx, `INSERT INTO vendors (name_key, name, kind, data, added_at, updated_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			keys[0], v.Name, string(v.Kind), string(data), tx.nowText(), tx.nowText()).Scan(&v.ID)
	} else {
		var res sql.Result
		res, err = tx.exec(ctx, `UPDATE vendors SET name_key = ?, name = ?, kind = ?, data = ?, updated_at = ? WHERE id = ?`,
			keys[0], v.Name, string(v.Kind), string(data), tx.nowText(), v.ID)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return vigil.Errorf(vigil.ENOTFOUND, "no vendor %d", v.ID)
			}
			_, err = tx.exec(ctx, `DELETE FROM vendor_aliases WHERE vendor_id = ?`, v.ID)
		}
	}
	if err != nil {
		return dbErr("saving a vendor", err)
	}
	for _, k := range keys[1:] {
		if _, err := tx.exec(ctx, `INSERT INTO vendor_aliases (alias_key, vendor_id) VALUES (?, ?)`, k, v.ID); err != nil {
			return dbErr("saving a vendor", err)
		}
	}
	return dbErr("saving a vendor", tx.audit(ctx, actor, action, "vendor", v.ID, map[string]any{
		"name": v.Name, "kind": v.Kind, "aliases": v.Aliases, "models": len(v.Models), "contacts": len(v.Contacts)}))
}

// VendorByName returns the vendor whose name or alias is name (compared by
// vigil.VendorKey) inside the transaction, or ENOTFOUND.
func (tx *Tx) VendorByName(ctx context.Context, name string) (*vigil.Vendor, error) {
	return vendorByName(tx.queryRow(ctx, vendorByNameSQL, vigil.VendorKey(name), vigil.VendorKey(name)), name)
}

// FindVendorByName returns the vendor whose name or alias is name, or
// ENOTFOUND.
func (db *DB) FindVendorByName(ctx context.Context, name string) (*vigil.Vendor, error) {
	return vendorByName(db.queryRow(ctx, vendorByNameSQL, vigil.VendorKey(name), vigil.VendorKey(name)), name)
}

const vendorByNameSQL = `SELECT id, data FROM vendors WHERE name_key = ? OR id IN (SELECT vendor_id FROM vendor_aliases WHERE alias_key = ?)`

func vendorByName(row *sql.Row, name string) (*vigil.Vendor, error) {
	v, err := scanVendor(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no vendor named %q", name)
	}
	return v, dbErr("reading a vendor", err)
}

// FindVendor returns one vendor, or ENOTFOUND.
func (db *DB) FindVendor(ctx context.Context, id int64) (*vigil.Vendor, error) {
	v, err := scanVendor(db.queryRow(ctx, `SELECT id, data FROM vendors WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no vendor %d", id)
	}
	return v, dbErr("reading a vendor", err)
}

// FindVendors lists every vendor by name.
func (db *DB) FindVendors(ctx context.Context) ([]*vigil.Vendor, error) {
	rows, err := db.query(ctx, `SELECT id, data FROM vendors ORDER BY name_key, id`)
	out, err := collectWithID(rows, err, func(v *vigil.Vendor, id int64) { v.ID = id })
	return out, dbErr("reading vendors", err)
}

// AddBAA stores a new version of a vendor's business associate agreement,
// superseding the previous one, and audits it; b.ID, Version, Supersedes,
// AddedBy and AddedAt are set.
func (tx *Tx) AddBAA(ctx context.Context, actor *vigil.User, b *vigil.BAA) error {
	if err := b.Validate(); err != nil {
		return err
	}
	if err := tx.vendorExists(ctx, b.VendorID, b.EvidenceID); err != nil {
		return err
	}
	var prev sql.NullInt64
	var version sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MAX(id), MAX(version) FROM vendor_baas WHERE vendor_id = ?`, b.VendorID).Scan(&prev, &version); err != nil {
		return dbErr("adding a BAA", err)
	}
	b.Version, b.Supersedes = int(version.Int64)+1, prev.Int64
	b.AddedBy, b.AddedAt = actorName(actor), tx.now
	data, err := json.Marshal(b)
	if err != nil {
		return dbErr("adding a BAA", err)
	}
	if err := tx.queryRow(ctx, `INSERT INTO vendor_baas (vendor_id, version, supersedes, due, evidence_id, data, added_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		b.VendorID, b.Version, b.Supersedes, fmtTime(b.Due()), b.EvidenceID, string(data), tx.nowText()).Scan(&b.ID); err != nil {
		return dbErr("adding a BAA", err)
	}
	return dbErr("adding a BAA", tx.audit(ctx, actor, "vendor.baa", "vendor", b.VendorID, map[string]any{
		"baa_id": b.ID, "version": b.Version, "supersedes": b.Supersedes, "signed": b.Signed, "due": b.Due(), "evidence_id": b.EvidenceID}))
}

// AddCertification stores a vendor's certification or report and audits
// it; c.ID, AddedBy and AddedAt are set.
func (tx *Tx) AddCertification(ctx context.Context, actor *vigil.User, c *vigil.Certification) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := tx.vendorExists(ctx, c.VendorID, c.EvidenceID); err != nil {
		return err
	}
	c.AddedBy, c.AddedAt = actorName(actor), tx.now
	data, err := json.Marshal(c)
	if err != nil {
		return dbErr("adding a certification", err)
	}
	if err := tx.queryRow(ctx, `INSERT INTO vendor_certifications (vendor_id, kind, expires, evidence_id, data, added_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		c.VendorID, string(c.Kind), fmtTime(c.Expires), c.EvidenceID, string(data), tx.nowText()).Scan(&c.ID); err != nil {
		return dbErr("adding a certification", err)
	}
	return dbErr("adding a certification", tx.audit(ctx, actor, "vendor.certification", "vendor", c.VendorID, map[string]any{
		"certification_id": c.ID, "kind": c.Kind, "issuer": c.Issuer, "expires": c.Expires, "evidence_id": c.EvidenceID}))
}

// vendorExists checks that a vendor exists and, when evidenceID is not 0,
// that the evidence does.
func (tx *Tx) vendorExists(ctx context.Context, vendorID, evidenceID int64) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM vendors WHERE id = ?`, vendorID).Scan(&n); err != nil {
		return dbErr("reading a vendor", err)
	} else if n == 0 {
		return vigil.Errorf(vigil.ENOTFOUND, "no vendor %d", vendorID)
	}
	if evidenceID == 0 {
		return nil
	}
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM evidence WHERE id = ?`, evidenceID).Scan(&n); err != nil {
		return dbErr("reading evidence", err)
	} else if n == 0 {
		return vigil.Errorf(vigil.ENOTFOUND, "no evidence %d", evidenceID)
	}
	return nil
}

// FindBAAs lists every version of the BAAs of a vendor (of every vendor
// when vendorID is 0), by vendor and version.
func (db *DB) FindBAAs(ctx context.Context, vendorID int64) ([]*vigil.BAA, error) {
	q, args := `SELECT id, data FROM vendor_baas`, []any{}
	if vendorID != 0 {
		q, args = q+` WHERE vendor_id = ?`, append(args, vendorID)
	}
	rows, err := db.query(ctx, q+` ORDER BY vendor_id, version`, args...)
	out, err := collectWithID(rows, err, func(b *vigil.BAA, id int64) { b.ID = id })
	return out, dbErr("reading BAAs", err)
}

// FindCertifications lists the certifications of a vendor (of every vendor
// when vendorID is 0), by vendor, kind and expiry.
func (db *DB) FindCertifications(ctx context.Context, vendorID int64) ([]*vigil.Certification, error) {
	q, args := `SELECT id, data FROM vendor_certifications`, []any{}
	if vendorID != 0 {
		q, args = q+` WHERE vendor_id = ?`, append(args, vendorID)
	}
	rows, err := db.query(ctx, q+` ORDER BY vendor_id, kind, expires, id`, args...)
	out, err := collectWithID(rows, err, func(c *vigil.Certification, id int64) { c.ID = id })
	return out, dbErr("reading certifications", err)
}

func scanVendor(row *sql.Row) (*vigil.Vendor, error) {
	var id int64
	var data string
	if err := row.Scan(&id, &data); err != nil {
		return nil, err
	}
	v := &vigil.Vendor{}
	if err := json.Unmarshal([]byte(data), v); err != nil {
		return nil, err
	}
	v.ID = id // the document may have been written before its row had an id
	return v, nil
}

// collectWithID decodes rows of an id and a JSON document, as query
// returned them, into a list, setting each one's id.
func collectWithID[T any](rows *sql.Rows, err error, setID func(*T, int64)) ([]*T, error) {
	out := []*T{}
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var data string
		if err := rows.Scan(&id, &data); err != nil {
			return out, err
		}
		v := new(T)
		if err := json.Unmarshal([]byte(data), v); err != nil {
			return out, err
		}
		setID(v, id)
		out = append(out, v)
	}
	return out, rows.Err()
}

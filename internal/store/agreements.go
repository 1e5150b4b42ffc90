package store

import (
	"context"

	vigil "github.com/vigil-health/vigil"
)

// FindBAAs is DB.FindBAAs inside the transaction.
func (tx *Tx) FindBAAs(ctx context.Context, vendorID int64) ([]*vigil.BAA, error) {
	rows, err := tx.query(ctx, `SELECT id, data FROM vendor_baas WHERE vendor_id = ? ORDER BY version`, vendorID)
	out, err := collectWithID(rows, err, func(b *vigil.BAA, id int64) { b.ID = id })
	return out, dbErr("reading BAAs", err)
}

// FindCertifications is DB.FindCertifications inside the transaction.
func (tx *Tx) FindCertifications(ctx context.Context, vendorID int64) ([]*vigil.Certification, error) {
	rows, err := tx.query(ctx, `SELECT id, data FROM vendor_certifications WHERE vendor_id = ? ORDER BY kind, expires, id`, vendorID)
	out, err := collectWithID(rows, err, func(c *vigil.Certification, id int64) { c.ID = id })
	return out, dbErr("reading certifications", err)
}

package store

import (
	"context"
	"encoding/json"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// SaveModelSupport stores new end-of-life dates for a manufacturer and
// model and audits them; m.ID, m.SetBy and m.SetAt are set. The service
// decides the spelling a maker is kept under.
func (tx *Tx) SaveModelSupport(ctx context.Context, actor *vigil.User, m *vigil.ModelSupport) error {
	const op = "storing end-of-support dates"
	if err := m.Validate(); err != nil {
		return err
	}
	m.SetBy, m.SetAt = actorName(actor), tx.now
	data, err := json.Marshal(m)
	if err != nil {
		return dbErr(op, err)
	}
	if err := tx.queryRow(ctx, `INSERT INTO model_support (maker_key, model_key, set_at, data) VALUES (?, ?, ?, ?) RETURNING id`,
		mds2Key(m.Manufacturer), mds2Key(m.Model), fmtTime(m.SetAt), string(data)).Scan(&m.ID); err != nil {
		return dbErr(op, err)
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	return dbErr(op, tx.audit(ctx, actor, "model.support", "model_support", m.ID, map[string]any{
		"manufacturer": m.Manufacturer, "model": m.Model, "end_of_sale": day(m.EndOfSale),
		"end_of_support": day(m.EndOfSupport), "end_of_patches": day(m.EndOfPatches), "source": m.Source}))
}

// FindModelSupport returns the dates in force for every manufacturer and
// model at asOf (now when nil): the newest row of each set by then.
func (db *DB) FindModelSupport(ctx context.Context, asOf *time.Time) ([]*vigil.ModelSupport, error) {
	q, args := `SELECT id, data FROM model_support s WHERE s.id = (SELECT MAX(n.id) FROM model_support n
		WHERE n.maker_key = s.maker_key AND n.model_key = s.model_key`, []any{}
	if asOf != nil {
		q, args = q+` AND n.set_at <= ?`, append(args, fmtTime(*asOf))
	}
	rows, err := db.query(ctx, q+`) ORDER BY s.maker_key, s.model_key`, args...)
	out, err := collectWithID(rows, err, func(m *vigil.ModelSupport, id int64) { m.ID = id })
	return out, dbErr("reading end-of-support dates", err)
}

// FindModelSupport is FindModelSupport inside the transaction, now.
func (tx *Tx) FindModelSupport(ctx context.Context) ([]*vigil.ModelSupport, error) {
	rows, err := tx.query(ctx, `SELECT id, data FROM model_support s WHERE s.id = (SELECT MAX(n.id) FROM model_support n
		WHERE n.maker_key = s.maker_key AND n.model_key = s.model_key) ORDER BY s.maker_key, s.model_key`)
	out, err := collectWithID(rows, err, func(m *vigil.ModelSupport, id int64) { m.ID = id })
	return out, dbErr("reading end-of-support dates", err)
}

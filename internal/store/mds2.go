package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// mds2Key is how forms are keyed: lower case, spaces collapsed. The loose
// match of manufacturers (vigil.SameMaker) is the service's, which hands
// the spelling to store under.
func mds2Key(s string) string { return vigil.MDS2ModelKey(s) }

// SaveMDS2 stores a form as the next version of its manufacturer and model
// and audits it; f.ID, f.Version, f.ImportedAt and f.ImportedBy are set.
func (tx *Tx) SaveMDS2(ctx context.Context, actor *vigil.User, f *vigil.MDS2Form) error {
	const op = "storing an MDS2 form"
	if err := f.Validate(); err != nil {
		return err
	}
	maker, model := mds2Key(f.Manufacturer), mds2Key(f.Model)
	var last sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MAX(version) FROM mds2_forms WHERE maker_key = ? AND model_key = ?`, maker, model).Scan(&last); err != nil {
		return dbErr(op, err)
	}
	f.Version = int(last.Int64) + 1
	f.ImportedAt, f.ImportedBy = tx.now, actorName(actor)
	facts, err := json.Marshal(f.Facts)
	if err != nil {
		return dbErr(op, err)
	}
	data, err := json.Marshal(f)
	if err != nil {
		return dbErr(op, err)
	}
	if err := tx.queryRow(ctx, `INSERT INTO mds2_forms (manufacturer, model, maker_key, model_key, version, description, document_id, release_date, file, imported_at, imported_by, facts, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		f.Manufacturer, f.Model, maker, model, f.Version, f.Description, f.DocumentID, f.ReleaseDate, f.File, fmtTime(f.ImportedAt), f.ImportedBy,
		string(facts), string(data)).Scan(&f.ID); err != nil {
		return dbErr(op, err)
	}
	return dbErr(op, tx.audit(ctx, actor, "mds2.import", "mds2_form", f.ID, map[string]any{
		"manufacturer": f.Manufacturer, "model": f.Model, "version": f.Version, "document_id": f.DocumentID,
		"file": f.File, "questions": len(f.Questions)}))
}

const mds2Columns = `id, manufacturer, model, version, description, document_id, release_date, file, imported_at, imported_by, facts`

// mds2Latest keeps the newest version of each manufacturer and model.
const mds2Latest = ` WHERE version = (SELECT MAX(m.version) FROM mds2_forms m WHERE m.maker_key = mds2_forms.maker_key AND m.model_key = mds2_forms.model_key)`

func mds2Query(all bool) string {
	q := `SELECT ` + mds2Columns + ` FROM mds2_forms`
	if !all {
		q += mds2Latest
	}
	return q + ` ORDER BY maker_key, model_key, version DESC`
}

// FindMDS2Forms lists the stored forms without their questions: the newest
// version of each manufacturer and model, or every version when all is
// set; by manufacturer, model and newest version first.
func (db *DB) FindMDS2Forms(ctx context.Context, all bool) ([]*vigil.MDS2Form, error) {
	rows, err := db.query(ctx, mds2Query(all))
	if err != nil {
		return nil, dbErr("reading MDS2 forms", err)
	}
	return collectMDS2(rows)
}

// FindMDS2FormsAt lists, without their questions, the form in force at
// asOf (now when nil) for each manufacturer and model: the newest version
// imported by then.
func (db *DB) FindMDS2FormsAt(ctx context.Context, asOf *time.Time) ([]*vigil.MDS2Form, error) {
	if asOf == nil {
		return db.FindMDS2Forms(ctx, false)
	}
	at := fmtTime(*asOf)
	rows, err := db.query(ctx, `SELECT `+mds2Columns+` FROM mds2_forms WHERE imported_at <= ? AND version = (SELECT MAX(m.version) FROM mds2_forms m
		WHERE m.maker_key = mds2_forms.maker_key AND m.model_key = mds2_forms.model_key AND m.imported_at <= ?) ORDER BY maker_key, model_key`, at, at)
	if err != nil {
		return nil, dbErr("reading MDS2 forms", err)
	}
	return collectMDS2(rows)
}

// FindMDS2Forms is FindMDS2Forms inside the transaction.
func (tx *Tx) FindMDS2Forms(ctx context.Context, all bool) ([]*vigil.MDS2Form, error) {
	rows, err := tx.query(ctx, mds2Query(all))
	if err != nil {
		return nil, dbErr("reading MDS2 forms", err)
	}
	return collectMDS2(rows)
}

func collectMDS2(rows *sql.Rows) ([]*vigil.MDS2Form, error) {
	defer rows.Close()
	out := []*vigil.MDS2Form{}
	for rows.Next() {
		var f vigil.MDS2Form
		var at, facts string
		if err := rows.Scan(&f.ID, &f.Manufacturer, &f.Model, &f.Version, &f.Description, &f.DocumentID, &f.ReleaseDate, &f.File, &at, &f.ImportedBy, &facts); err != nil {
			return nil, dbErr("reading MDS2 forms", err)
		}
		f.ImportedAt = parseTime(at)
		if err := json.Unmarshal([]byte(facts), &f.Facts); err != nil {
			return nil, dbErr("reading MDS2 forms", err)
		}
		out = append(out, &f)
	}
	return out, dbErr("reading MDS2 forms", rows.Err())
}

// FindMDS2Form returns one stored form with its questions, or ENOTFOUND.
func (db *DB) FindMDS2Form(ctx context.Context, id int64) (*vigil.MDS2Form, error) {
	var data string
	err := db.queryRow(ctx, `SELECT data FROM mds2_forms WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no MDS2 form %d", id)
	} else if err != nil {
		return nil, dbErr("reading an MDS2 form", err)
	}
	f := &vigil.MDS2Form{}
	if err := json.Unmarshal([]byte(data), f); err != nil {
		return nil, dbErr("reading an MDS2 form", err)
	}
	f.ID = id // the document was written before its row had an id
	return f, nil
}

package store

import "context"

// BulkSettings adds one settings row per name through the transaction's
// bulk writer, then counts the settings rows the same transaction sees.
// fail makes fn's error roll the transaction back after that.
func (db *DB) BulkSettings(ctx context.Context, names []string, fail error) (seen int, err error) {
	err = db.inTx(ctx, func(tx *Tx) error {
		b := tx.bulkFor("settings", "name", "value")
		for _, n := range names {
			if err := b.add(ctx, tx, n, "x"); err != nil {
				return err
			}
		}
		if err := tx.flushBulks(ctx); err != nil {
			return err
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM settings`).Scan(&seen); err != nil {
			return err
		}
		return fail
	})
	return seen, err
}

// Checkpoint runs the background checkpoint now and waits for it.
func (db *DB) Checkpoint() {
	if db.ckpt != nil {
		db.ckpt.now()
	}
}

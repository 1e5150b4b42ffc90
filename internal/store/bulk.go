package store

import (
	"context"
	"database/sql"
	"sort"
	"strings"
)

// bulkRows is how many rows one multi-row INSERT carries. SQLite and
// PostgreSQL both allow far more parameters than 64 rows of our widest table.
const bulkRows = 64

// bulk buffers rows for one table and writes them as multi-row INSERTs,
// which costs one statement execution per 64 rows instead of one per row.
// Tx flushes every bulk before it commits.
type bulk struct {
	table string
	cols  []string
	args  []any
	n     int
	full  *sql.Stmt // the prepared statement for a full batch
}

// bulkFor returns the transaction's buffer for table and columns.
func (tx *Tx) bulkFor(table string, cols ...string) *bulk {
	if tx.bulks == nil {
		tx.bulks = map[string]*bulk{}
	}
	key := table + "(" + strings.Join(cols, ",") + ")"
	b := tx.bulks[key]
	if b == nil {
		b = &bulk{table: table, cols: cols}
		tx.bulks[key] = b
		tx.bulkOrder = append(tx.bulkOrder, key)
		// Flush referenced tables first, whatever order they were used in.
		sort.SliceStable(tx.bulkOrder, func(i, j int) bool {
			return tableRank(tx.bulks[tx.bulkOrder[i]].table) < tableRank(tx.bulks[tx.bulkOrder[j]].table)
		})
	}
	return b
}

// tableRank orders tables so that a table comes after those it references.
func tableRank(table string) int {
	switch table {
	case "devices":
		return 0
	case "device_versions", "source_records":
		return 1
	}
	return 2
}

// add buffers one row and writes a batch when it is full. Tables first
// used earlier are flushed first, so a row never lands before a row it
// references.
func (b *bulk) add(ctx context.Context, tx *Tx, vals ...any) error {
	b.args = append(b.args, vals...)
	b.n++
	if b.n < bulkRows {
		return nil
	}
	for _, k := range tx.bulkOrder {
		earlier := tx.bulks[k]
		if earlier == b {
			break
		}
		if err := earlier.flush(ctx, tx); err != nil {
			return err
		}
	}
	return b.flush(ctx, tx)
}

func (b *bulk) statement(rows int) string {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(b.cols)), ", ") + ")"
	for i := 0; i < rows; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	return sb.String()
}

// flush writes the buffered rows.
func (b *bulk) flush(ctx context.Context, tx *Tx) error {
	if b.n == 0 {
		return nil
	}
	var err error
	if b.n == bulkRows {
		if b.full == nil {
			if b.full, err = tx.PrepareContext(ctx, tx.db.dialect.rebind(b.statement(bulkRows))); err != nil {
				return err
			}
		}
		_, err = b.full.ExecContext(ctx, b.args...)
	} else {
		_, err = tx.ExecContext(ctx, tx.db.dialect.rebind(b.statement(b.n)), b.args...)
	}
	b.args, b.n = b.args[:0], 0
	return err
}

// flushBulks writes every buffered row, referenced tables first.
func (tx *Tx) flushBulks(ctx context.Context) error {
	for _, k := range tx.bulkOrder {
		if err := tx.bulks[k].flush(ctx, tx); err != nil {
			return dbErr("writing rows", err)
		}
	}
	return nil
}

func (tx *Tx) closeBulks() {
	for _, b := range tx.bulks {
		if b.full != nil {
			b.full.Close()
		}
	}
	tx.bulks, tx.bulkOrder = nil, nil
}

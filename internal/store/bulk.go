package store

import (
	"context"
	"database/sql"
	"errors"
	"sort"
	"strings"
	"sync"
)

// bulkRows is the most rows one multi-row INSERT carries, and bulkParams
// the most parameters: SQLite allows 32,766 and PostgreSQL 65,535. Large
// statements spread SQLite's per-statement work over many rows.
const (
	bulkRows   = 512
	bulkParams = 12000
)

// nowColumn marks a column, in bulkFor, that takes the transaction's time:
// it is written into the statement instead of bound on every row.
const nowColumn = "=@now"

// bulk buffers rows for one table and writes them as multi-row INSERTs,
// which costs one statement execution per batch (up to bulkRows rows)
// instead of one per row.
// Tx flushes every bulk before it commits.
type bulk struct {
	table string
	cols  []string
	args  []any
	n     int
	rows  int       // rows in a full batch
	full  *sql.Stmt // the prepared statement for a full batch
}

// bulkFor returns the transaction's buffer for table and columns. A column
// named "name" + nowColumn takes the transaction's time and no value in add.
func (tx *Tx) bulkFor(table string, cols ...string) *bulk {
	if tx.bulks == nil {
		tx.bulks = map[string]*bulk{}
	}
	// Called once per row: build the key in a reused buffer, and let the
	// map lookup convert it without allocating.
	kb := append(tx.keyBuf[:0], table...)
	for _, c := range cols {
		kb = append(append(kb, ','), c...)
	}
	tx.keyBuf = kb
	b := tx.bulks[string(kb)]
	if b == nil {
		key := string(kb)
		bound := 0
		for _, c := range cols {
			if !strings.HasSuffix(c, nowColumn) {
				bound++
			}
		}
		b = &bulk{table: table, cols: cols, rows: max(1, min(bulkRows, bulkParams/max(1, bound)))}
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
	if b.n < b.rows {
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

func (b *bulk) statement(tx *Tx, rows int) string {
	var sb strings.Builder
	names, vals := make([]string, len(b.cols)), make([]string, len(b.cols))
	for i, c := range b.cols {
		names[i], vals[i] = c, "?"
		if name, ok := strings.CutSuffix(c, nowColumn); ok {
			// The stored time format has only digits, '-', ':', '.', 'T'
			// and 'Z': safe to write as a literal.
			names[i], vals[i] = name, "'"+tx.nowText()+"'"
		}
	}
	sb.WriteString("INSERT INTO " + b.table + " (" + strings.Join(names, ", ") + ") VALUES ")
	row := "(" + strings.Join(vals, ", ") + ")"
	for i := 0; i < rows; i++ {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	return sb.String()
}

// flush hands the buffered rows to the transaction's writer goroutine.
func (b *bulk) flush(ctx context.Context, tx *Tx) error {
	if b.n == 0 {
		return nil
	}
	job := writeJob{args: b.args}
	if b.n == b.rows {
		if b.full == nil {
			var err error
			if b.full, err = tx.PrepareContext(ctx, tx.db.dialect.rebind(b.statement(tx, b.rows))); err != nil {
				return err
			}
		}
		job.stmt = b.full
	} else {
		job.query = tx.db.dialect.rebind(b.statement(tx, b.n))
	}
	b.n = 0
	b.args = tx.writer().send(job)
	return tx.writer().failed()
}

// flushBulks writes every buffered row, referenced tables first, and waits
// until the database has them.
func (tx *Tx) flushBulks(ctx context.Context) error {
	for _, k := range tx.bulkOrder {
		if err := tx.bulks[k].flush(ctx, tx); err != nil {
			return dbErr("writing rows", err)
		}
	}
	return dbErr("writing rows", tx.drain())
}

func (tx *Tx) closeBulks() {
	if tx.w != nil {
		tx.w.stop()
		tx.w = nil
	}
	for _, b := range tx.bulks {
		if b.full != nil {
			b.full.Close()
		}
	}
	tx.bulks, tx.bulkOrder = nil, nil
}

// rowWriter executes a transaction's multi-row INSERTs on a goroutine of
// its own, in the order they were handed over, so that the database's work
// (SQLite runs in-process) overlaps with the import's own work on a second
// core. Every other statement of the transaction first waits until the
// writer is idle (Tx.drain), so reads see every row added before them and a
// PostgreSQL connection never has two statements in flight.
type rowWriter struct {
	jobs chan writeJob
	free chan []any // argument slices handed back for reuse
	wg   sync.WaitGroup
	done chan struct{}

	mu  sync.Mutex
	err error // the first failure; later jobs are skipped
}

type writeJob struct {
	stmt  *sql.Stmt // a prepared full batch, or
	query string    // a statement for a partial one
	args  []any
}

// writeQueue bounds how many batches may wait: enough to ride out a slow
// page write, little memory.
const writeQueue = 8

func (tx *Tx) writer() *rowWriter {
	if tx.w == nil {
		w := &rowWriter{jobs: make(chan writeJob, writeQueue), free: make(chan []any, writeQueue+2), done: make(chan struct{})}
		go w.run(tx)
		tx.w = w
	}
	return tx.w
}

func (w *rowWriter) run(tx *Tx) {
	defer close(w.done)
	for job := range w.jobs {
		if w.failed() == nil {
			var err error
			// The transaction's context may be gone by now; the
			// transaction itself then fails at commit.
			if job.stmt != nil {
				_, err = job.stmt.Exec(job.args...)
			} else {
				_, err = tx.Exec(job.query, job.args...)
			}
			if err != nil {
				w.mu.Lock()
				if w.err == nil {
					w.err = err
				}
				w.mu.Unlock()
			}
		}
		clear(job.args)
		select {
		case w.free <- job.args[:0]:
		default:
		}
		w.wg.Done()
	}
}

// send queues a job and returns an argument slice to fill next.
func (w *rowWriter) send(job writeJob) []any {
	w.wg.Add(1)
	w.jobs <- job
	select {
	case a := <-w.free:
		return a
	default:
		return make([]any, 0, cap(job.args))
	}
}

func (w *rowWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// stop ends the goroutine. Batches still queued are skipped: a committing
// transaction has drained the queue already, and one being rolled back
// needs none of them.
func (w *rowWriter) stop() {
	w.mu.Lock()
	if w.err == nil {
		w.err = errWriterStopped
	}
	w.mu.Unlock()
	close(w.jobs)
	<-w.done
}

var errWriterStopped = errors.New("the transaction ended before its rows were written")

// drain waits until every queued batch has been executed and returns the
// first failure.
func (tx *Tx) drain() error {
	if tx.w == nil {
		return nil
	}
	tx.w.wg.Wait()
	return tx.w.failed()
}

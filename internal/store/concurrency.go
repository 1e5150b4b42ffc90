package store

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// Vigil's writes were written for SQLite's single writer: the inventory is
// re-resolved as a whole (new device ids follow the largest, the previous
// snapshot of a source is read and diffed), which two transactions must
// not do at once. SQLite serialises them already: the writer is one
// connection and every transaction begins IMMEDIATE, which takes the write
// lock before the first read, across processes too. On PostgreSQL, where
// transactions run side by side at READ COMMITTED, a transaction that
// changes the inventory or writes audit events takes, before anything else,
// a transaction-scoped advisory lock, and an import also locks its source's
// row; every lock is taken in that order (inventory, source, audit head), so
// they cannot deadlock among themselves. Reads take no lock.
const inventoryLock = 7312 // pg_advisory_xact_lock key; 7311 is the migrations'

// lockInventory takes the inventory lock for the rest of the transaction.
func (tx *Tx) lockInventory(ctx context.Context) error {
	if tx.inventoryLocked || tx.db.dialect.name() != "postgres" {
		return nil
	}
	if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(inventoryLock)); err != nil {
		return dbErr("waiting for other changes to the inventory", err)
	}
	tx.inventoryLocked = true
	return nil
}

// maxTxAttempts bounds how often inTx runs a transaction that PostgreSQL
// aborted as a serialization failure or a deadlock.
const maxTxAttempts = 5

// sqlState returns the SQLSTATE of a PostgreSQL error in err's chain, or "".
func sqlState(err error) string {
	var pe interface{ SQLState() string }
	if errors.As(err, &pe) {
		return pe.SQLState()
	}
	return ""
}

// retryable reports a failure that running the transaction again may not
// meet: a serialization failure or a deadlock.
func retryable(err error) bool {
	s := sqlState(err)
	return s == "40001" || s == "40P01"
}

// conflict turns what a concurrent change caused into a conflict (409) for
// the client: a serialization failure still failing after the retries, or a
// unique key another transaction took first.
func conflict(err error) error {
	if err == nil {
		return nil
	}
	switch c := vigil.ErrorCode(err); {
	case c != vigil.EINTERNAL && c != vigil.EUNAVAILABLE:
		return err
	case retryable(err):
		return vigil.WrapError(vigil.ECONFLICT, "the change met others made at the same time; try again", err)
	case sqlState(err) == "23505":
		return vigil.WrapError(vigil.ECONFLICT, "the change conflicts with another made at the same time; try again", err)
	}
	return err
}

// backoff waits before the next attempt: a few milliseconds, growing, with
// jitter so that the transactions that met do not meet again.
func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(attempt*attempt)*5*time.Millisecond + rand.N(10*time.Millisecond)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// analyzeRows is how many records a transaction writes before Analyze
// refreshes the planner's statistics.
const analyzeRows = 1000

// Analyze refreshes, on PostgreSQL, the planner's statistics of the
// inventory's tables when the transaction wrote rows records or more: a
// first load of 50,000 devices otherwise leaves the statistics saying a
// few hundred until autovacuum catches up, and the device list is planned
// as a sort of the whole table (175 ms a page instead of 1 ms). Run inside
// the writing transaction, the statistics commit with the rows. SQLite
// keeps no statistics unless asked and plans these queries by their
// indexes, so it does nothing there.
func (tx *Tx) Analyze(ctx context.Context, rows int) error {
	if rows < analyzeRows || tx.db.dialect.name() != "postgres" {
		return nil
	}
	_, err := tx.exec(ctx, `ANALYZE devices, source_records, discrepancies`)
	return dbErr("refreshing the planner's statistics", err)
}

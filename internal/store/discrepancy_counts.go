package store

import (
	"context"
	"slices"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// dayLayout is how discrepancy_counts stores its days.
const dayLayout = "2006-01-02"

// recordDiscrepancyCounts writes today's count of the current
// discrepancies of each kind, and of those nobody acknowledged, over the
// day's earlier counts. A kind whose counts did not change is not written:
// a resolution that changes nothing writes nothing here either.
func (tx *Tx) recordDiscrepancyCounts(ctx context.Context) error {
	if err := tx.flushBulks(ctx); err != nil {
		return dbErr("counting discrepancies", err)
	}
	now := map[string]kindCounts{}
	for _, k := range vigil.DiscrepancyKinds {
		now[string(k)] = kindCounts{}
	}
	if err := tx.readKindCounts(ctx, now, `SELECT d.kind, COUNT(*), SUM(CASE WHEN a.ack_key IS NULL THEN 1 ELSE 0 END)`+discrepancyFrom+` GROUP BY d.kind`); err != nil {
		return err
	}
	day := tx.now.UTC().Format(dayLayout)
	had := map[string]kindCounts{}
	if err := tx.readKindCounts(ctx, had, `SELECT kind, total, unacked FROM discrepancy_counts WHERE day = ?`, day); err != nil {
		return err
	}
	// A kind counted earlier today and gone since is zero now.
	for kind := range had {
		if _, ok := now[kind]; !ok {
			now[kind] = kindCounts{}
		}
	}
	kinds := make([]string, 0, len(now))
	for kind := range now {
		kinds = append(kinds, kind)
	}
	slices.Sort(kinds)
	for _, kind := range kinds {
		c := now[kind]
		if old, ok := had[kind]; ok && old == c {
			continue
		}
		if _, err := tx.exec(ctx, `INSERT INTO discrepancy_counts (day, kind, total, unacked) VALUES (?, ?, ?, ?)
			ON CONFLICT (day, kind) DO UPDATE SET total = excluded.total, unacked = excluded.unacked`, day, kind, c.total, c.unacked); err != nil {
			return dbErr("counting discrepancies", err)
		}
	}
	return nil
}

// kindCounts are the discrepancies of one kind and those nobody
// acknowledged.
type kindCounts struct{ total, unacked int }

// readKindCounts adds to into the rows of a query answering kind, total
// and unacknowledged.
func (tx *Tx) readKindCounts(ctx context.Context, into map[string]kindCounts, query string, args ...any) error {
	rows, err := tx.query(ctx, query, args...)
	if err != nil {
		return dbErr("counting discrepancies", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var c kindCounts
		if err := rows.Scan(&kind, &c.total, &c.unacked); err != nil {
			return dbErr("counting discrepancies", err)
		}
		into[kind] = c
	}
	return dbErr("counting discrepancies", rows.Err())
}

// DiscrepancyHistory returns the daily counts of discrepancies by kind
// from the day of since on (every day recorded when since is zero), oldest
// first and, within a day, in report order. A day with no resolution has
// no rows: its counts are the previous day's.
func (db *DB) DiscrepancyHistory(ctx context.Context, since time.Time) ([]vigil.DiscrepancyCount, error) {
	from := ""
	if !since.IsZero() {
		from = since.UTC().Format(dayLayout)
	}
	rows, err := db.query(ctx, `SELECT day, kind, total, unacked FROM discrepancy_counts WHERE day >= ? ORDER BY day`, from)
	if err != nil {
		return nil, dbErr("reading discrepancy history", err)
	}
	defer rows.Close()
	var out []vigil.DiscrepancyCount
	for rows.Next() {
		var day, kind string
		var c vigil.DiscrepancyCount
		if err := rows.Scan(&day, &kind, &c.Total, &c.Unacked); err != nil {
			return nil, dbErr("reading discrepancy history", err)
		}
		t, err := time.Parse(dayLayout, day)
		if err != nil {
			return nil, dbErr("reading discrepancy history", err)
		}
		c.Day, c.Kind = t, vigil.DiscrepancyKind(kind)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("reading discrepancy history", err)
	}
	slices.SortStableFunc(out, func(a, b vigil.DiscrepancyCount) int {
		if c := a.Day.Compare(b.Day); c != 0 {
			return c
		}
		return a.Kind.Rank() - b.Kind.Rank()
	})
	return out, nil
}

package store_test

import (
	"context"
	"fmt"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// pgError stands for the driver's error carrying a SQLSTATE.
type pgError string

func (e pgError) Error() string    { return "ERROR: (SQLSTATE " + string(e) + ")" }
func (e pgError) SQLState() string { return string(e) }

// A serialization failure or deadlock runs the transaction again; one that
// persists, or a unique key taken by another transaction, is a conflict
// (409), not an internal error (500).
func TestUpdateRetriesSerializationFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for _, tc := range []struct {
			state    string
			failures int
			want     string
			runs     int
		}{
			{"40001", 2, "", 3},
			{"40P01", 1, "", 2},
			{"40001", 100, vigil.ECONFLICT, 5},
			{"23505", 1, vigil.ECONFLICT, 1},
			{"42P01", 1, vigil.EINTERNAL, 1},
		} {
			runs := 0
			err := db.Update(ctx, func(tx *store.Tx) error {
				runs++
				if runs <= tc.failures {
					return vigil.WrapError(vigil.EINTERNAL, "writing", fmt.Errorf("insert: %w", pgError(tc.state)))
				}
				return tx.Audit(ctx, nil, "test", "test", runs, nil)
			})
			if vigil.ErrorCode(err) != tc.want || runs != tc.runs {
				t.Errorf("SQLSTATE %s failing %d times: %d runs, %v; want %d runs, code %q", tc.state, tc.failures, runs, err, tc.runs, tc.want)
			}
		}
	})
}

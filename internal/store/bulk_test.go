package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func settingsCount(t *testing.T, db *store.DB) int {
	t.Helper()
	n, err := db.BulkSettings(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// The row writer executes batches on its own goroutine; these tests pin
// what the rest of the store relies on: rows are visible to the
// transaction once flushed, a failing batch fails the whole transaction,
// and nothing of a failed transaction remains.
func TestBulkWriter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		before := settingsCount(t, db)
		var names []string
		for i := range 1000 {
			names = append(names, fmt.Sprintf("bulk.test.%04d", i))
		}
		seen, err := db.BulkSettings(ctx, names, nil)
		if err != nil {
			t.Fatal(err)
		}
		if seen != before+len(names) {
			t.Errorf("the transaction saw %d settings after adding %d to %d", seen, len(names), before)
		}

		// A duplicate key in the tenth batch: the error reaches the caller
		// and the batches before it are rolled back.
		var dup []string
		for i := range 1000 {
			dup = append(dup, fmt.Sprintf("bulk.dup.%04d", i))
		}
		dup[700] = dup[3]
		if _, err := db.BulkSettings(ctx, dup, nil); err == nil {
			t.Error("a batch with a duplicate key did not fail the transaction")
		}
		if n := settingsCount(t, db); n != before+len(names) {
			t.Errorf("after a failed batch there are %d settings, want %d", n, before+len(names))
		}

		// A failure after the rows were written rolls them back too.
		var more []string
		for i := range 300 {
			more = append(more, fmt.Sprintf("bulk.late.%04d", i))
		}
		boom := errors.New("boom")
		if _, err := db.BulkSettings(ctx, more, boom); !errors.Is(err, boom) {
			t.Errorf("got %v, want the function's error", err)
		}
		if n := settingsCount(t, db); n != before+len(names) {
			t.Errorf("after a rolled-back transaction there are %d settings, want %d", n, before+len(names))
		}
	})
}

// Commits leave the write-ahead log to the store's background checkpoint;
// closing waits for it, so a closed database is one self-contained file
// holding every commit.
func TestCheckpointOnClose(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vigil.db")
	db, err := store.Open(ctx, store.Config{DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range 5000 {
		names = append(names, fmt.Sprintf("ckpt.%05d", i))
	}
	walSize := func() int64 {
		st, err := os.Stat(path + "-wal")
		if err != nil {
			return 0
		}
		return st.Size()
	}
	var first int64
	for i := 0; i < len(names); i += 500 {
		if _, err := db.BulkSettings(ctx, names[i:i+500], nil); err != nil {
			t.Fatal(err)
		}
		db.Checkpoint()
		if i == 0 {
			first = walSize()
		}
	}
	// Checkpointed after each commit, the log restarts from its beginning
	// at the next one instead of growing by every commit: it never gets
	// longer than it was after the first.
	if n := walSize(); first == 0 || n > first {
		t.Errorf("after 10 checkpointed commits the log is %d bytes; after the first it was %d", n, first)
	}
	want := settingsCount(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		t.Errorf("after Close the write-ahead log still holds %d bytes", st.Size())
	}
	db, err = store.Open(ctx, store.Config{DSN: path})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := settingsCount(t, db); got != want {
		t.Errorf("reopened database has %d settings, want %d", got, want)
	}
}

package store

import (
	"context"
	"database/sql"
	"net/url"
)

// SQLite in WAL mode appends every commit to the write-ahead log and folds
// the log back into the database file in a checkpoint. By default the
// committing connection runs that checkpoint itself, so a large import
// waited, after its data was safely committed, for every page it wrote to
// be copied a second time. Vigil's writer turns automatic checkpoints off;
// a goroutine of the store runs a PASSIVE checkpoint (one that never blocks
// readers or the writer) on a connection of its own after each commit, and
// Close waits for it. Readers see every committed change whether or not it
// has been checkpointed yet.
type checkpointer struct {
	conn *sql.DB
	kick chan chan struct{} // a request; a non-nil channel is closed when it is done
	done chan struct{}
}

func openCheckpointer(ctx context.Context, path string) (*checkpointer, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	c, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	c.SetMaxOpenConns(1)
	if err := c.PingContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	cp := &checkpointer{conn: c, kick: make(chan chan struct{}, 1), done: make(chan struct{})}
	go cp.run()
	return cp, nil
}

func (cp *checkpointer) run() {
	defer close(cp.done)
	for req := range cp.kick {
		// A failed checkpoint loses nothing: the log keeps the pages and
		// the next commit asks again.
		cp.conn.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		if req != nil {
			close(req)
		}
	}
}

// committed asks for a checkpoint; requests made while one runs merge.
func (cp *checkpointer) committed() {
	select {
	case cp.kick <- nil:
	default:
	}
}

// now runs a checkpoint and waits for it.
func (cp *checkpointer) now() {
	done := make(chan struct{})
	cp.kick <- done
	<-done
}

// close waits for a running checkpoint and ends the goroutine.
func (cp *checkpointer) close() error {
	close(cp.kick)
	<-cp.done
	return cp.conn.Close()
}

package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestParseDSN(t *testing.T) {
	for _, tc := range []struct{ in, engine, conn, errPart string }{
		{in: "vigil.db", engine: "sqlite", conn: "vigil.db"},
		{in: "sqlite:/tmp/x.db", engine: "sqlite", conn: "/tmp/x.db"},
		{in: "sqlite:", errPart: "needs a file path"},
		{in: "postgres://u@localhost:5432/db", engine: "postgres", conn: "postgres://u@localhost:5432/db"},
		{in: "postgres://", errPart: "malformed PostgreSQL URL"},
		{in: "mysql://x", errPart: `unsupported scheme "mysql"`},
		{in: "", errPart: "empty"},
	} {
		e, c, err := store.ParseDSN(tc.in)
		if tc.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("ParseDSN(%q) error = %v, want one containing %q", tc.in, err, tc.errPart)
			}
			continue
		}
		if err != nil || e != tc.engine || c != tc.conn {
			t.Errorf("ParseDSN(%q) = %q, %q, %v; want %q, %q", tc.in, e, c, err, tc.engine, tc.conn)
		}
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := db.AppliedMigrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"0001_init", "0002_audit_append_only"}, got[:2]); diff != "" {
			t.Errorf("migrations (-want +got):\n%s", diff)
		}
	})
}

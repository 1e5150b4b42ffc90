package inventory_test

import (
	"sync"
	"testing"

	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
)

// classifier is built once for the test binary: it is immutable.
var classifier = sync.OnceValues(classify.New)

// svc returns the inventory service over db, re-matching through the
// exposure service as the binary wires it.
func svc(tb testing.TB, db *store.DB) *inventory.Service {
	tb.Helper()
	cls, err := classifier()
	if err != nil {
		tb.Fatal(err)
	}
	return inventory.New(db, cls, exposure.New(db, cls))
}

// accounts returns the account service with a cheap password hash.
func accounts(db *store.DB) *account.Service { return account.New(db, true) }

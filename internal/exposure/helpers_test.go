package exposure_test

import (
	"sync"
	"testing"

	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
)

// classifier is built once for the test binary: it is immutable.
var classifier = sync.OnceValues(classify.New)

// services returns the inventory and exposure services over db, wired as the
// binary wires them.
func services(tb testing.TB, db *store.DB) (*inventory.Service, *exposure.Service) {
	tb.Helper()
	cls, err := classifier()
	if err != nil {
		tb.Fatal(err)
	}
	exp := exposure.New(db, cls)
	return inventory.New(db, cls, exp), exp
}

package reconcile

import (
	"testing"

	"github.com/vigil-health/vigil"
)

// TestTableSizes holds the fixed-size tables to the domain's lists: the
// per-kind counters need a slot for every discrepancy kind and the unknown
// one, and a device's field set is a 64-bit mask with one bit reserved.
func TestTableSizes(t *testing.T) {
	if n := len(vigil.DiscrepancyKinds) + 1; n > kindSlots {
		t.Errorf("%d discrepancy kinds and the unknown one do not fit kindSlots = %d", n-1, kindSlots)
	}
	if n := len(vigil.Fields); n > 63 {
		t.Errorf("%d fields do not fit a device's 63-bit field set", n)
	}
}

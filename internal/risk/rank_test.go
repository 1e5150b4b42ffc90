package risk

import (
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

func TestRank(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	as := []Assessment{
		{DeviceID: 1, Score: 90, Open: 3, Decision: vigil.SSVCAttend},
		{DeviceID: 2, Score: 20, Open: 0},
		{DeviceID: 3, Score: 40, Open: 1, KEV: true, KEVDue: now.AddDate(0, 0, -1), Decision: vigil.SSVCAttend},
		{DeviceID: 4, Score: 30, Open: 1, KEV: true, Ransomware: true, KEVDue: now.AddDate(0, 1, 0), Decision: vigil.SSVCAttend},
		{DeviceID: 5, Score: 35, Open: 1, Decision: vigil.SSVCAct},
		{DeviceID: 6, Score: 90, Open: 2, KEV: true, KEVDue: now.AddDate(0, 0, 1), Decision: vigil.SSVCAttend},
		{DeviceID: 7, Score: 35, Open: 0},
	}
	Rank(as, now)
	var ids, tiers []int64
	for _, a := range as {
		ids = append(ids, a.DeviceID)
		tiers = append(tiers, int64(a.Urgency))
	}
	// Act and ransomware first (higher score first), the overdue KEV next,
	// then by score (the KEV due date breaks a tie), and devices with nothing open after those with some.
	if diff := cmp.Diff([]int64{5, 4, 3, 6, 1, 7, 2}, ids); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int64{2, 2, 1, 0, 0, 0, 0}, tiers); diff != "" {
		t.Errorf("urgency (-want +got):\n%s", diff)
	}
}

// TestNoNegativeZero: a device with nothing mitigated shows its
// mitigations' contribution as 0, never -0, which prints "-0.0".
func TestNoNegativeZero(t *testing.T) {
	a := Assess(DeviceContext{Device: &vigil.Device{ID: 1}})
	for _, f := range a.Factors {
		if s := fmtOne(f.Contribution); s == "-0.0" {
			t.Errorf("factor %s: contribution prints %s", f.Name, s)
		}
	}
}

func fmtOne(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

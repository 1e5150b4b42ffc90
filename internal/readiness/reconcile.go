package readiness

import (
	"cmp"
	"slices"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// What a plan change does to an item.
const (
	ChangeOpened   = "opened"
	ChangeReopened = "reopened"
	ChangeUpdated  = "updated"
	ChangeClosed   = "closed"
)

// Change is one item to store: as it should now read (ID 0 for a new
// one), and what happened to it.
type Change struct {
	Item vigil.PlanItem
	What string
}

// Reconcile compares the stored items with the gaps found now, by key: a
// new gap opens an item, a gap whose item was closed reopens it, an open
// item whose gap is gone closes, and an open item whose gap changed (its
// priority, devices, evidence or text) is updated. An owner or due date set
// by hand is kept; otherwise the owner is the gap's and the due date is
// the gap's KEV date or the item's opening plus its priority's window.
// Changes are sorted by key; an item that did not change is not listed.
func Reconcile(stored, gaps []vigil.PlanItem, now time.Time) []Change {
	byKey := make(map[string]*vigil.PlanItem, len(stored))
	for i := range stored {
		byKey[stored[i].Key] = &stored[i]
	}
	var out []Change
	found := map[string]bool{}
	for _, g := range gaps {
		found[g.Key] = true
		old := byKey[g.Key]
		if old == nil {
			g.Status, g.Opened, g.Closed = vigil.PlanOpen, now, time.Time{}
			g.Due = dueOf(g, now)
			out = append(out, Change{Item: g, What: ChangeOpened})
			continue
		}
		it := merge(*old, g)
		switch {
		case old.Status == vigil.PlanClosed:
			it.Status, it.Opened, it.Closed = vigil.PlanOpen, now, time.Time{}
			if !it.DueSet {
				it.Due = dueOf(g, now)
			}
			out = append(out, Change{Item: it, What: ChangeReopened})
		case !same(*old, it):
			out = append(out, Change{Item: it, What: ChangeUpdated})
		}
	}
	for _, old := range stored {
		if old.Status == vigil.PlanOpen && !found[old.Key] {
			old.Status, old.Closed = vigil.PlanClosed, now
			out = append(out, Change{Item: old, What: ChangeClosed})
		}
	}
	slices.SortFunc(out, func(a, b Change) int { return cmp.Compare(a.Item.Key, b.Item.Key) })
	return out
}

// merge is the stored item brought up to its gap, keeping its id, its
// dates and what was set by hand.
func merge(old, g vigil.PlanItem) vigil.PlanItem {
	it := g
	it.ID, it.Status, it.Opened, it.Closed = old.ID, old.Status, old.Opened, old.Closed
	it.OwnerSet, it.DueSet = old.OwnerSet, old.DueSet
	if old.OwnerSet {
		it.Owner = old.Owner
	}
	if old.DueSet {
		it.Due = old.Due
	} else {
		it.Due = dueOf(g, old.Opened)
	}
	return it
}

// dueOf is the gap's KEV due date, else opened plus its priority's window.
func dueOf(g vigil.PlanItem, opened time.Time) time.Time {
	if !g.Due.IsZero() {
		return g.Due
	}
	return opened.Add(DueWindow(g.Priority)).UTC().Truncate(day)
}

// same reports whether two items read the same.
func same(a, b vigil.PlanItem) bool {
	return a.Kind == b.Kind && a.Control == b.Control && a.DeviceID == b.DeviceID && a.Devices == b.Devices &&
		a.Title == b.Title && a.Detail == b.Detail && a.Owner == b.Owner && a.Due.Equal(b.Due) &&
		a.Priority == b.Priority && a.Status == b.Status && slices.Equal(a.Evidence, b.Evidence)
}

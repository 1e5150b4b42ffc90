package web

import (
	"net/http"
	"path"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventory"
)

type conflictRow = *vigil.QueuedConflict

// conflictSide names one record of a conflict as a person reads it: its
// source and where in the source's file it came from.
func conflictSide(side func(conflictRow) vigil.ConflictRecord) func(conflictRow) string {
	return func(c conflictRow) string {
		x := side(c)
		if o := x.Origin.String(); o != "" {
			return x.Source + ", " + o
		}
		return x.Source
	}
}

func sideA(c conflictRow) vigil.ConflictRecord { return c.A }
func sideB(c conflictRow) vigil.ConflictRecord { return c.B }

// conflictColumns are the identity-conflict queue's columns.
var conflictColumns = []column[conflictRow]{
	{Key: "a", Title: "Record A", Text: conflictSide(sideA), Cmp: byString(conflictSide(sideA))},
	{Key: "b", Title: "Record B", Text: conflictSide(sideB), Cmp: byString(conflictSide(sideB))},
	{Key: "agree", Title: "Agree on", Text: func(c conflictRow) string {
		var parts []string
		for _, a := range c.Agree {
			parts = append(parts, fieldTitle(a.Field)+" "+a.Value)
		}
		return strings.Join(parts, "; ")
	}},
	{Key: "contradict", Title: "Contradict on", Text: func(c conflictRow) string {
		var parts []string
		for _, x := range c.Contradict {
			parts = append(parts, fieldTitle(x.Field)+": "+x.A+" ≠ "+x.B)
		}
		return strings.Join(parts, "; ")
	}, Cmp: byNum(func(c conflictRow) int { return len(c.Contradict) })},
}

// conflictPageSize is how many conflicts a page lists.
const conflictPageSize = 50

// conflictRows reads the queue, sorted as p asks, every row of it.
func (s *Server) conflictRows(r *http.Request) ([]conflictRow, listParams, error) {
	p, err := readList(r.URL.Query(), conflictPageSize, conflictColumns)
	if err != nil {
		return nil, p, err
	}
	cs, err := s.db.FindConflicts(r.Context())
	if err != nil {
		return nil, p, err
	}
	sortRows(cs, p, conflictColumns)
	return cs, p, nil
}

type conflictsPage struct {
	pageBase
	Items []conflictItem
	List  listView
	Bulk  bulkForm
}

// conflictItem is one conflict as the page shows it: each record's source
// and origin, and the device it is in now, named in context.
type conflictItem struct {
	Pair       string // the checkbox's value (pairValue)
	A, B       conflictSideView
	Agree      []vigil.Identifier
	Contradict []vigil.Contradiction
	Checked    bool
}

type conflictSideView struct {
	Source, Origin string
	Dev            deviceRef
}

func (s *Server) conflictsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderConflicts(w, r, http.StatusOK, bulkForm{})
}

// renderConflicts draws the page of the queue r asks for; a refused
// decision comes back here with its note, its rows still checked and the
// reason.
func (s *Server) renderConflicts(w http.ResponseWriter, r *http.Request, status int, bulk bulkForm, checked ...string) error {
	cs, p, err := s.conflictRows(r)
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "identity-conflicts", cs, conflictColumns)
	}
	page := pageRows(cs, p)
	ids := make([]int64, 0, 2*len(page))
	for _, c := range page {
		ids = append(ids, c.A.Device, c.B.Device)
	}
	names, err := s.deviceNamer(r.Context(), ids)
	if err != nil {
		return err
	}
	all := r.URL.Query().Get("select") == "page"
	side := func(x vigil.ConflictRecord) conflictSideView {
		o := x.Origin
		o.File = path.Base(o.File) // the file's name; where it was uploaded from says nothing
		if x.Origin.File == "" {
			o.File = ""
		}
		return conflictSideView{Source: x.Source, Origin: o.String(), Dev: names.ref(x.Device, "")}
	}
	items := make([]conflictItem, len(page))
	for i, c := range page {
		v := pairValue(c.KeyA, c.KeyB)
		items[i] = conflictItem{Pair: v, A: side(c.A), B: side(c.B), Agree: c.Agree, Contradict: c.Contradict,
			Checked: all || slices.Contains(checked, v)}
		if items[i].Checked {
			bulk.Checked++
		}
	}
	bulk.Back = listBack(r)
	bulk.SelectURL, bulk.NoneURL = selectLinks(r)
	list := newListView(r, p, len(cs), conflictColumns)
	if u := userFrom(r.Context()); u != nil && u.Role.Can(vigil.PermInventoryWrite) {
		list.Pick = bulk.SelectURL
	}
	s.render(w, r, status, "conflicts", &conflictsPage{pageBase: pageBase{Title: "Identity conflicts", Nav: "discrepancies"},
		Items: items, List: list, Bulk: bulk})
	return nil
}

// decideConflict records one decision, with one note, for every conflict
// checked ("pair", one or more; or the older "a" and "b"), through the
// inventory service, and goes back to the queue. "Same device" with an
// empty note, or no conflict checked, shows the queue again with the reason
// and nothing decided.
func (s *Server) decideConflict(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return vigil.Errorf(vigil.EINVALID, "the form could not be read")
	}
	decision, note := r.PostFormValue("decision"), r.PostFormValue("note")
	back := backTo(r.PostFormValue("back"), "/conflicts")
	values := r.PostForm["pair"]
	pairs := make([]inventory.RecordPair, 0, len(values)+1)
	for _, v := range values {
		a, b, err := parsePair(v)
		if err != nil {
			return err
		}
		pairs = append(pairs, inventory.RecordPair{A: a, B: b})
	}
	if a, b := r.PostFormValue("a"), r.PostFormValue("b"); a != "" || b != "" {
		pairs = append(pairs, inventory.RecordPair{A: a, B: b})
	}
	var err error
	same := decision == "same"
	if !same && decision != "different" {
		err = vigil.Errorf(vigil.EINVALID, "choose same device or different devices")
	} else {
		_, err = s.inv.DecideIdentities(r.Context(), userFrom(r.Context()), pairs, same, note)
	}
	if vigil.ErrorCode(err) == vigil.EINVALID {
		lr, perr := listRequest(r, back)
		if perr != nil {
			return err
		}
		return s.renderConflicts(w, lr, http.StatusBadRequest, bulkForm{Note: note, Error: vigil.ErrorMessage(err) + "; nothing was decided."}, values...)
	} else if err != nil {
		return err
	}
	kind := flashDecidedDiff
	if same {
		kind = flashDecidedSame
	}
	s.redirectFlash(w, r, back, kind, []int{len(pairs)})
	return nil
}

package web

import (
	"fmt"
	"net/http"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

type conflictRow = *vigil.QueuedConflict

func conflictSide(side func(conflictRow) vigil.ConflictRecord) func(conflictRow) string {
	return func(c conflictRow) string {
		x := side(c)
		return fmt.Sprintf("%s, device %d", x.Source, x.Device)
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
			parts = append(parts, a.Field+" "+a.Value)
		}
		return strings.Join(parts, "; ")
	}},
	{Key: "contradict", Title: "Contradict on", Text: func(c conflictRow) string {
		var parts []string
		for _, x := range c.Contradict {
			parts = append(parts, x.Field+": "+x.A+" ≠ "+x.B)
		}
		return strings.Join(parts, "; ")
	}, Cmp: byNum(func(c conflictRow) int { return len(c.Contradict) })},
}

// conflictRows reads the queue, sorted as p asks, every row of it.
func (s *Server) conflictRows(r *http.Request) ([]conflictRow, listParams, error) {
	p, err := readList(r.URL.Query(), 50, conflictColumns)
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
	Items []*vigil.QueuedConflict
	List  listView
}

func (s *Server) conflictsPage(w http.ResponseWriter, r *http.Request) error {
	cs, p, err := s.conflictRows(r)
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "identity-conflicts", cs, conflictColumns)
	}
	list := newListView(r, p, len(cs), conflictColumns)
	list.Extra = []string{"Decision"}
	s.render(w, r, http.StatusOK, "conflicts", &conflictsPage{pageBase: pageBase{Title: "Identity conflicts", Nav: "discrepancies"},
		Items: pageRows(cs, p), List: list})
	return nil
}

func (s *Server) decideConflict(w http.ResponseWriter, r *http.Request) error {
	same := r.PostFormValue("decision") == "same"
	if !same && r.PostFormValue("decision") != "different" {
		return vigil.Errorf(vigil.EINVALID, "choose same or different")
	}
	if _, err := s.inv.DecideIdentity(r.Context(), userFrom(r.Context()), r.PostFormValue("a"), r.PostFormValue("b"), same, r.PostFormValue("note")); err != nil {
		return err
	}
	http.Redirect(w, r, "/conflicts", http.StatusSeeOther)
	return nil
}

package web

import (
	"net/http"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

type sourcesPage struct {
	pageBase
	Sources    []*vigil.Source
	Roles      []vigil.SourceRole
	Precedence []precedenceRow
}

type precedenceRow struct {
	Field   string
	Entries string
}

func (s *Server) sourcesPage(w http.ResponseWriter, r *http.Request) error {
	srcs, err := s.db.FindSources(r.Context())
	if err != nil {
		return err
	}
	p, err := s.db.Precedence(r.Context())
	if err != nil {
		return err
	}
	var rows []precedenceRow
	for _, f := range vigil.Fields {
		if l, ok := p.Fields[f]; ok {
			rows = append(rows, precedenceRow{f, strings.Join(l, ", ")})
		}
	}
	rows = append(rows, precedenceRow{"default", strings.Join(p.Default, ", ")})
	s.render(w, r, http.StatusOK, "sources", &sourcesPage{pageBase: pageBase{Title: "Sources", Nav: "sources"}, Sources: srcs, Roles: vigil.SourceRoles, Precedence: rows})
	return nil
}

func (s *Server) setSourceRole(w http.ResponseWriter, r *http.Request) error {
	name, role := r.PostFormValue("source"), r.PostFormValue("role")
	if err := s.inv.SetSourceRole(r.Context(), userFrom(r.Context()), name, role); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/sources", flashSourceRole, nil, name, role)
	return nil
}

// setPrecedence changes one field's list: "entries" is comma-separated.
func (s *Server) setPrecedence(w http.ResponseWriter, r *http.Request) error {
	p, err := s.db.Precedence(r.Context())
	if err != nil {
		return err
	}
	var entries []string
	for _, e := range strings.Split(r.PostFormValue("entries"), ",") {
		if e = strings.TrimSpace(e); e != "" {
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 {
		return vigil.Errorf(vigil.EINVALID, "list at least one source, role, kind or 'newest'")
	}
	f, what := r.PostFormValue("field"), "every other field"
	if f == "default" {
		p.Default = entries
	} else {
		what = fieldTitle(f)
		if p.Fields == nil {
			p.Fields = map[string][]string{}
		}
		p.Fields[f] = entries
	}
	if err := s.inv.SetPrecedence(r.Context(), userFrom(r.Context()), p); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/sources", flashPrecedence, nil, what)
	return nil
}

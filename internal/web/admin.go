package web

import (
	"net/http"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/password"
)

type auditPage struct {
	pageBase
	Events  []*vigil.AuditEvent
	Checked int
	Break   *vigil.AuditBreak
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	evs, err := s.db.FindAuditEvents(r.Context(), vigil.AuditFilter{ObjectType: r.URL.Query().Get("type"), Limit: 200})
	if err != nil {
		return err
	}
	n, brk, err := s.db.VerifyAuditLog(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "audit", &auditPage{pageBase: pageBase{Title: "Audit trail", Nav: "audit"}, Events: evs, Checked: n, Break: brk})
	return nil
}

type accountPage struct {
	pageBase
	NewToken string
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "account", &accountPage{pageBase: pageBase{Title: "Account", Nav: "account"}})
	return nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	secret, _, err := s.db.CreateAPIToken(r.Context(), userFrom(r.Context()), r.PostFormValue("name"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "account", &accountPage{pageBase: pageBase{Title: "Account", Nav: "account"}, NewToken: secret})
	return nil
}

type usersPage struct {
	pageBase
	Users       []*vigil.User
	Roles       []vigil.Role
	Created     string
	NewPassword string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, "", "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, created, pw string) error {
	us, err := s.db.FindUsers(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "users", &usersPage{pageBase: pageBase{Title: "Users", Nav: "users"}, Users: us, Roles: vigil.Roles, Created: created, NewPassword: pw})
	return nil
}

// addUser creates a user with a generated password when none is given and
// returns the password to show once.
func (s *Server) addUser(r *http.Request, name, role, pw string) (*vigil.User, string, error) {
	u := &vigil.User{Name: strings.TrimSpace(name), Role: vigil.Role(role)}
	if pw == "" {
		var err error
		if pw, err = password.Generate(20); err != nil {
			return nil, "", vigil.WrapError(vigil.EINTERNAL, "could not generate a password", err)
		}
	}
	if err := s.db.CreateUser(r.Context(), userFrom(r.Context()), u, pw); err != nil {
		return nil, "", err
	}
	return u, pw, nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	u, pw, err := s.addUser(r, r.PostFormValue("name"), r.PostFormValue("role"), "")
	if err != nil {
		return err
	}
	return s.renderUsers(w, r, u.Name, pw)
}

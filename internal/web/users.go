package web

import (
	"net/http"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/password"
)

type usersPage struct {
	pageBase
	Users       []*vigil.User
	Roles       []vigil.Role
	Created     string
	NewPassword string
	Notice      string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, "", "", "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, created, pw, notice string) error {
	us, err := s.users.FindUsers(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "users", &usersPage{pageBase: pageBase{Title: "Users", Nav: "users"}, Users: us, Roles: vigil.Roles, Created: created, NewPassword: pw, Notice: notice})
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
	if err := s.acct.CreateUser(r.Context(), userFrom(r.Context()), u, pw); err != nil {
		return nil, "", err
	}
	return u, pw, nil
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	u, pw, err := s.addUser(r, r.PostFormValue("name"), r.PostFormValue("role"), "")
	if err != nil {
		return err
	}
	return s.renderUsers(w, r, u.Name, pw, "")
}

func (s *Server) setUserRole(w http.ResponseWriter, r *http.Request) error {
	name, role := r.PathValue("name"), vigil.Role(r.PostFormValue("role"))
	if err := s.acct.SetRole(r.Context(), userFrom(r.Context()), name, role); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/users", flashUserRole, nil, name, string(role))
	return nil
}

func (s *Server) setUserDisabled(w http.ResponseWriter, r *http.Request) error {
	name, disabled := r.PathValue("name"), r.PostFormValue("disabled") == "1"
	if err := s.acct.SetDisabled(r.Context(), userFrom(r.Context()), name, disabled); err != nil {
		return err
	}
	kind := flashUserEnabled
	if disabled {
		kind = flashUserDisabled
	}
	s.redirectFlash(w, r, "/users", kind, nil, name)
	return nil
}

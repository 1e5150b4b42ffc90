package web

import (
	"net/http"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
)

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, userFrom(r.Context()))
	return nil
}

func (s *Server) apiUsers(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[*vigil.User](r, maxLimit, nil)
	if err != nil {
		return err
	}
	us, err := s.users.FindUsers(r.Context())
	if err != nil {
		return err
	}
	writeRows(w, "users", us, p, nil, nil)
	return nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name     string `json:"name"`
		Role     string `json:"role"`
		Password string `json:"password"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	u, pw, err := s.addUser(r, in.Name, in.Role, in.Password)
	if err != nil {
		return err
	}
	out := map[string]any{"user": u}
	if in.Password == "" {
		out["password"] = pw
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// apiCreateToken issues a token: {"name": N, "expires_in_days": D,
// "read_only": B, "user": U}. Only an admin names another user.
func (s *Server) apiCreateToken(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name     string `json:"name"`
		Days     int    `json:"expires_in_days"`
		ReadOnly bool   `json:"read_only"`
		User     string `json:"user"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	var ttl time.Duration
	if in.Days != 0 {
		var err error
		if ttl, err = tokenDays(strconv.Itoa(in.Days)); err != nil {
			return err
		}
	}
	secret, t, err := s.acct.CreateToken(r.Context(), userFrom(r.Context()), account.TokenRequest{Name: in.Name, TTL: ttl, ReadOnly: in.ReadOnly, User: in.User})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"token": t, "secret": secret})
	return nil
}

// apiTokens lists the caller's tokens; ?all=1 lists everyone's (admins).
func (s *Server) apiTokens(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[*vigil.APIToken](r, maxLimit, nil)
	if err != nil {
		return err
	}
	ts, err := s.acct.ListTokens(r.Context(), userFrom(r.Context()), r.URL.Query().Get("all") == "1")
	if err != nil {
		return err
	}
	writeRows(w, "tokens", ts, p, nil, nil)
	return nil
}

func (s *Server) apiRevokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return vigil.Errorf(vigil.ENOTFOUND, "no such token")
	}
	if err := s.acct.RevokeToken(r.Context(), userFrom(r.Context()), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// apiUpdateUser changes a user's role or disables or re-enables the user:
// {"role": R} and/or {"disabled": B}.
func (s *Server) apiUpdateUser(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Role     *string `json:"role"`
		Disabled *bool   `json:"disabled"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	actor, name := userFrom(r.Context()), r.PathValue("name")
	if in.Role == nil && in.Disabled == nil {
		return vigil.Errorf(vigil.EINVALID, "give a role or disabled")
	}
	if in.Role != nil {
		if err := s.acct.SetRole(r.Context(), actor, name, vigil.Role(*in.Role)); err != nil {
			return err
		}
	}
	if in.Disabled != nil {
		if err := s.acct.SetDisabled(r.Context(), actor, name, *in.Disabled); err != nil {
			return err
		}
	}
	u, err := s.acct.FindUser(r.Context(), name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": u})
	return nil
}

// apiChangePassword changes the caller's own password:
// {"current": C, "new": N}. Every session of the caller ends.
func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Current string `json:"current"`
		New     string `json:"new"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.acct.ChangePassword(r.Context(), userFrom(r.Context()), in.Current, in.New); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

package web

import (
	"net/http"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
)

type accountPage struct {
	pageBase
	Tokens   []*vigil.APIToken
	NewToken string
	Notice   string
	Now      time.Time
	// DefaultDays and MaxDays bound the new token form's lifetime.
	DefaultDays, MaxDays int
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, "", "")
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, secret, notice string) error {
	ts, err := s.acct.ListTokens(r.Context(), userFrom(r.Context()), false)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "account", &accountPage{pageBase: pageBase{Title: "Account", Nav: "account"}, Tokens: ts, NewToken: secret,
		Notice: notice, Now: s.db.Now(), DefaultDays: days(vigil.DefaultTokenTTL), MaxDays: days(vigil.MaxTokenTTL)})
	return nil
}

func days(d time.Duration) int { return int(d / (24 * time.Hour)) }

// tokenDays reads a lifetime in days; empty is the default.
func tokenDays(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > days(vigil.MaxTokenTTL) {
		return 0, vigil.Errorf(vigil.EINVALID, "a token lasts 1 to %d days", days(vigil.MaxTokenTTL))
	}
	return time.Duration(n) * 24 * time.Hour, nil
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) error {
	ttl, err := tokenDays(r.PostFormValue("days"))
	if err != nil {
		return err
	}
	secret, _, err := s.acct.CreateToken(r.Context(), userFrom(r.Context()), account.TokenRequest{Name: r.PostFormValue("name"), TTL: ttl,
		ReadOnly: r.PostFormValue("read_only") != ""})
	if err != nil {
		return err
	}
	return s.renderAccount(w, r, secret, "")
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return vigil.Errorf(vigil.ENOTFOUND, "no such token")
	}
	if err := s.acct.RevokeToken(r.Context(), userFrom(r.Context()), id); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/account", flashTokenRevoked, nil)
	return nil
}

// changePassword changes the signed-in user's password. Every session of
// the user ends, this one too: the user signs in again.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	if r.PostFormValue("new") != r.PostFormValue("confirm") {
		return vigil.Errorf(vigil.EINVALID, "the new password and its confirmation differ")
	}
	if err := s.acct.ChangePassword(r.Context(), userFrom(r.Context()), r.PostFormValue("current"), r.PostFormValue("new")); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies, MaxAge: -1})
	http.Redirect(w, r, "/login?changed=1", http.StatusSeeOther)
	return nil
}

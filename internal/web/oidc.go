package web

import (
	"net/http"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/sso"
)

// oidcCookie carries a single sign-on's sealed state (state, nonce, PKCE
// verifier, where to go next) from /login/oidc to its callback.
const oidcCookie = "vigil_oidc"

var errNoSSO = vigil.Errorf(vigil.ENOTFOUND, "single sign-on is not configured")

// oidcStart sends the browser to the provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.SSO == nil {
		return errNoSSO
	}
	next := safeNext(r.URL.Query().Get("next"))
	authURL, state, err := s.cfg.SSO.Start(r.Context(), next)
	if err != nil {
		return s.ssoRefused(w, r, next, err)
	}
	// Lax, not Strict: the provider's redirect back is a cross-site
	// navigation, which must carry the cookie.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: state, Path: "/login/oidc", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(sso.StateTTL.Seconds())})
	http.Redirect(w, r, authURL, http.StatusSeeOther)
	return nil
}

// oidcCallback finishes a single sign-on: the provider's answer verified,
// the user created or updated with the role of their groups, a session
// started. A refusal shows the sign-in page saying why.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.SSO == nil {
		return errNoSSO
	}
	var state string
	if c, err := r.Cookie(oidcCookie); err == nil {
		state = c.Value
	}
	// The state is good for one answer only.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/login/oidc", HttpOnly: true, Secure: s.cfg.SecureCookies, MaxAge: -1})
	id, next, err := s.cfg.SSO.Finish(r.Context(), state, r.URL.Query())
	if err != nil {
		return s.ssoRefused(w, r, "/", err)
	}
	u, err := s.acct.SignInExternal(r.Context(), id)
	if err != nil {
		return s.ssoRefused(w, r, next, err)
	}
	token, _, err := s.acct.SessionSignIn(r.Context(), u, s.cfg.SessionTTL, "oidc")
	if err != nil {
		return err
	}
	s.signedIn(w, r, token, safeNext(next))
	return nil
}

// ssoRefused shows the sign-in page with why single sign-on failed, with
// the status of the error; an internal fault goes to the error adapter.
func (s *Server) ssoRefused(w http.ResponseWriter, r *http.Request, next string, err error) error {
	code := vigil.ErrorCode(err)
	status := statusOf[code]
	if status == 0 || code == vigil.EINTERNAL {
		return err
	}
	if status >= 500 {
		s.log.Warn("single sign-on failed", "err", err)
	} else {
		s.log.Info("single sign-on refused", "reason", vigil.ErrorMessage(err))
	}
	s.metrics.logins.WithLabelValues("failed").Inc()
	s.render(w, r, status, "login", s.newLoginPage(next, "", "Single sign-on did not sign you in. "+sentence(vigil.ErrorMessage(err))))
	return nil
}

// sentence starts msg with a capital letter.
func sentence(msg string) string {
	if msg == "" {
		return msg
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

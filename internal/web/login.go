package web

import (
	"net/http"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

type loginPage struct {
	pageBase
	Next  string
	Name  string
	Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "login", &loginPage{pageBase: pageBase{Title: "Sign in"}, Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

// safeNext keeps a post-login redirect on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	// The login form has no session yet: cross-origin protection still applies.
	if err := s.csrfGuard.Check(r); err != nil {
		return vigil.Errorf(vigil.EFORBIDDEN, "cross-origin request refused")
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	next := safeNext(r.PostFormValue("next"))
	if !s.limiter.allow(clientIP(r)) || !s.limiter.allow("user:"+name) {
		s.metrics.logins.WithLabelValues("rate_limited").Inc()
		w.Header().Set("Retry-After", "60")
		s.render(w, r, http.StatusTooManyRequests, "login", &loginPage{pageBase: pageBase{Title: "Sign in"}, Next: next, Name: name,
			Error: "Too many sign-in attempts. Wait a minute and try again."})
		return nil
	}
	u, err := s.acct.Authenticate(r.Context(), name, r.PostFormValue("password"))
	if err != nil {
		if vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			return err
		}
		s.metrics.logins.WithLabelValues("failed").Inc()
		s.log.Info("sign-in failed", "user", name, "addr", clientIP(r))
		s.render(w, r, http.StatusUnauthorized, "login", &loginPage{pageBase: pageBase{Title: "Sign in"}, Next: next, Name: name, Error: vigil.ErrorMessage(err)})
		return nil
	}
	token, _, err := s.users.CreateSession(r.Context(), u, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	s.metrics.logins.WithLabelValues("ok").Inc()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.SessionTTL.Seconds())})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.users.DeleteSession(r.Context(), c.Value); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies, MaxAge: -1})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	vigil "github.com/vigil-health/vigil"
)

type loginPage struct {
	pageBase
	Next    string
	Name    string
	Error   string
	Changed bool // the password was just changed
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "login", &loginPage{pageBase: pageBase{Title: "Sign in"}, Next: safeNext(r.URL.Query().Get("next")),
		Changed: r.URL.Query().Get("changed") == "1"})
	return nil
}

// safeNext keeps a post-login redirect on this site: an absolute path of
// this origin, never "//host", "/\\host" or anything a browser would strip
// or fold into another host (control characters, tabs, backslashes),
// checked again after decoding once more, since the value is echoed into a
// Location header.
func safeNext(next string) string {
	if !localPath(next) {
		return "/"
	}
	if dec, err := url.PathUnescape(next); err != nil || !localPath(dec) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return next
}

func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsRune(p, '\\') || !utf8.ValidString(p) {
		return false
	}
	for _, r := range p {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	// The login form has no session yet: cross-origin protection still applies.
	if err := s.csrfGuard.Check(r); err != nil {
		return vigil.Errorf(vigil.EFORBIDDEN, "cross-origin request refused")
	}
	name := strings.TrimSpace(r.PostFormValue("name"))
	next := safeNext(r.PostFormValue("next"))
	addr := s.clientIP(r)
	wait := s.limiter.wait(name, addr)
	if wait > 0 || !s.limiter.allow(addr) {
		s.metrics.logins.WithLabelValues("rate_limited").Inc()
		secs := max(int(wait.Round(time.Second)/time.Second), 1)
		if wait == 0 {
			secs = 60
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.render(w, r, http.StatusTooManyRequests, "login", &loginPage{pageBase: pageBase{Title: "Sign in"}, Next: next, Name: name,
			Error: fmt.Sprintf("Too many sign-in attempts. Wait %d seconds and try again.", secs)})
		return nil
	}
	u, err := s.acct.Authenticate(r.Context(), name, r.PostFormValue("password"))
	if err != nil {
		if vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			return err
		}
		s.limiter.failed(name, addr)
		s.metrics.logins.WithLabelValues("failed").Inc()
		s.log.Info("sign-in failed", "user", name, "addr", addr)
		s.render(w, r, http.StatusUnauthorized, "login", &loginPage{pageBase: pageBase{Title: "Sign in"}, Next: next, Name: name, Error: vigil.ErrorMessage(err)})
		return nil
	}
	s.limiter.succeeded(name, addr)
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

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
	"github.com/vigil-health/vigil/internal/account"
)

type loginPage struct {
	pageBase
	Next    string
	Name    string
	Error   string
	Changed bool // the password was just changed
	// SSOName names the single sign-on provider; "" when there is none.
	SSOName string
}

// newLoginPage is the sign-in page returning to next, with its provider.
func (s *Server) newLoginPage(next, name, msg string) *loginPage {
	p := &loginPage{pageBase: pageBase{Title: "Sign in"}, Next: next, Name: name, Error: msg}
	if s.cfg.SSO != nil {
		p.SSOName = s.cfg.SSO.Name()
	}
	return p
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	p := s.newLoginPage(safeNext(r.URL.Query().Get("next")), "", "")
	p.Changed = r.URL.Query().Get("changed") == "1"
	s.render(w, r, http.StatusOK, "login", p)
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
		s.render(w, r, http.StatusTooManyRequests, "login", s.newLoginPage(next, name, fmt.Sprintf("Too many sign-in attempts. Wait %d seconds and try again.", secs)))
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
		s.render(w, r, http.StatusUnauthorized, "login", s.newLoginPage(next, name, vigil.ErrorMessage(err)))
		return nil
	}
	token, _, pending, err := s.acct.StartSignIn(r.Context(), u, s.cfg.SessionTTL)
	if err != nil {
		return err
	}
	if pending {
		// The password was right; the second factor is still to come. The
		// failures of the pair are forgotten only once it has come too, so
		// that guessing codes backs off like guessing passwords.
		http.SetCookie(w, &http.Cookie{Name: mfaCookie, Value: token, Path: "/login/mfa", HttpOnly: true, Secure: s.cfg.SecureCookies,
			SameSite: http.SameSiteStrictMode, MaxAge: int(account.PendingTTL.Seconds())})
		http.Redirect(w, r, "/login/mfa?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	s.limiter.succeeded(name, addr)
	s.signedIn(w, r, token, next)
	return nil
}

// signedIn sets the session cookie of a completed sign-in and goes on to
// next.
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request, token, next string) {
	s.metrics.logins.WithLabelValues("ok").Inc()
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: s.cfg.SecureCookies,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.cfg.SessionTTL.Seconds())})
	http.Redirect(w, r, next, http.StatusSeeOther)
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

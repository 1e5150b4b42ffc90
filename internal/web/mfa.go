package web

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
)

// mfaCookie carries the token of a sign-in waiting for its second factor;
// it opens nothing but /login/mfa.
const mfaCookie = "vigil_mfa"

// mustEnrol reports whether u has to set up a second factor before doing
// anything else: a local admin without one when the server requires it.
// An external user's provider asks for the second factor.
func (s *Server) mustEnrol(u *vigil.User) bool {
	return s.cfg.MFAAdmins && s.mfaRequired(u) && !u.MFA
}

// mfaRequired reports whether u's role must keep a second factor.
func (s *Server) mfaRequired(u *vigil.User) bool {
	return s.cfg.MFAAdmins && u.Role == vigil.RoleAdmin && !u.External()
}

type mfaStepPage struct {
	pageBase
	Next  string
	Error string
}

// pendingSession returns the sign-in waiting for its second factor and its
// token, or nil.
func (s *Server) pendingSession(r *http.Request) (*vigil.Session, string) {
	c, err := r.Cookie(mfaCookie)
	if err != nil || c.Value == "" {
		return nil, ""
	}
	sess, err := s.acct.FindPendingSession(r.Context(), c.Value)
	if err != nil {
		return nil, ""
	}
	return sess, c.Value
}

// mfaStepPage asks for the code of a sign-in whose password was right.
func (s *Server) mfaStepPage(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.URL.Query().Get("next"))
	sess, _ := s.pendingSession(r)
	if sess == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login_mfa", &mfaStepPage{pageBase: pageBase{Title: "Second factor", CSRF: sess.CSRFToken}, Next: next})
	return nil
}

// mfaStep checks the code and turns the pending sign-in into a session. A
// wrong code counts as a failed sign-in of the user from the address, so
// guessing codes backs off as guessing passwords does.
func (s *Server) mfaStep(w http.ResponseWriter, r *http.Request) error {
	if err := s.csrfGuard.Check(r); err != nil {
		return vigil.Errorf(vigil.EFORBIDDEN, "cross-origin request refused")
	}
	next := safeNext(r.PostFormValue("next"))
	sess, pending := s.pendingSession(r)
	if sess == nil {
		s.render(w, r, http.StatusUnauthorized, "login", s.newLoginPage(next, "", "The sign-in has expired: sign in again."))
		return nil
	}
	if tok := r.PostFormValue("csrf_token"); tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(sess.CSRFToken)) != 1 {
		return vigil.Errorf(vigil.EFORBIDDEN, "the form has expired: sign in again")
	}
	page := &mfaStepPage{pageBase: pageBase{Title: "Second factor", CSRF: sess.CSRFToken}, Next: next}
	name, addr := sess.User.Name, s.clientIP(r)
	if wait := s.limiter.wait(name, addr); wait > 0 || !s.limiter.allow(addr) {
		s.metrics.logins.WithLabelValues("rate_limited").Inc()
		secs := max(int(wait.Round(time.Second)/time.Second), 1)
		if wait == 0 {
			secs = 60
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		page.Error = fmt.Sprintf("Too many attempts. Wait %d seconds and try again.", secs)
		s.render(w, r, http.StatusTooManyRequests, "login_mfa", page)
		return nil
	}
	token, _, err := s.acct.CompleteSignIn(r.Context(), pending, r.PostFormValue("code"), s.cfg.SessionTTL)
	if err != nil {
		if vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			return err
		}
		s.limiter.failed(name, addr)
		s.metrics.logins.WithLabelValues("failed").Inc()
		s.log.Info("second factor failed", "user", name, "addr", addr)
		page.Error = vigil.ErrorMessage(err)
		s.render(w, r, http.StatusUnauthorized, "login_mfa", page)
		return nil
	}
	s.limiter.succeeded(name, addr)
	http.SetCookie(w, &http.Cookie{Name: mfaCookie, Value: "", Path: "/login/mfa", HttpOnly: true, Secure: s.cfg.SecureCookies, MaxAge: -1})
	s.signedIn(w, r, token, next)
	return nil
}

type mfaPage struct {
	pageBase
	// Enabled: a confirmed second factor is in force.
	Enabled bool
	// Required: the role must keep one; MustEnrol: and the user has none
	// yet, so every other page sends them here.
	Required, MustEnrol bool
	// External users have their provider's second factor, not Vigil's.
	External bool
	// Enrolment is the secret being set up, until a first code confirms it.
	Enrolment *account.Enrolment
	Notice    string
	Error     string
}

// renderMFA shows the second factor page; status and msg say how the last
// change went.
func (s *Server) renderMFA(w http.ResponseWriter, r *http.Request, u *vigil.User, status int, notice, msg string) error {
	p := &mfaPage{pageBase: pageBase{Title: "Second factor", Nav: "account"}, Enabled: u.MFA, Required: s.mfaRequired(u),
		MustEnrol: s.mustEnrol(u), External: u.External(), Notice: notice, Error: msg}
	if !u.MFA && !u.External() {
		enr, err := s.acct.PendingTOTP(r.Context(), u)
		if err != nil {
			return err
		}
		p.Enrolment = enr
	}
	s.render(w, r, status, "mfa", p)
	return nil
}

func (s *Server) mfaPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderMFA(w, r, userFrom(r.Context()), http.StatusOK, "", "")
}

// mfaBegin makes a new secret and shows it until a first code confirms it.
func (s *Server) mfaBegin(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.acct.BeginTOTP(r.Context(), userFrom(r.Context())); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/mfa", http.StatusSeeOther)
	return nil
}

func (s *Server) mfaConfirm(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	if err := s.acct.ConfirmTOTP(r.Context(), u, r.PostFormValue("code")); vigil.ErrorCode(err) == vigil.EINVALID {
		return s.renderMFA(w, r, u, http.StatusBadRequest, "", vigil.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	on := *u
	on.MFA = true
	return s.renderMFA(w, r, &on, http.StatusOK, "Your second factor is on: signing in now asks for a code from your authenticator app.", "")
}

func (s *Server) mfaDisable(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	err := s.acct.DisableTOTP(r.Context(), u, r.PostFormValue("code"), s.mfaRequired(u))
	if c := vigil.ErrorCode(err); c == vigil.EINVALID || c == vigil.ECONFLICT {
		return s.renderMFA(w, r, u, statusOf[c], "", vigil.ErrorMessage(err))
	} else if err != nil {
		return err
	}
	off := *u
	off.MFA = false
	return s.renderMFA(w, r, &off, http.StatusOK, "Your second factor is off.", "")
}

// resetUserMFA removes another user's second factor: the recovery for one
// who lost their authenticator.
func (s *Server) resetUserMFA(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	had, err := s.acct.ResetTOTP(r.Context(), userFrom(r.Context()), name)
	if err != nil {
		return err
	}
	kind := flashMFANone
	if had {
		kind = flashMFAReset
	}
	s.redirectFlash(w, r, "/users", kind, nil, name)
	return nil
}

// apiResetMFA is resetUserMFA for scripts: {"user": NAME, "reset": true}
// when there was a second factor, false when there was none.
func (s *Server) apiResetMFA(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	had, err := s.acct.ResetTOTP(r.Context(), userFrom(r.Context()), name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user": name, "reset": had})
	return nil
}

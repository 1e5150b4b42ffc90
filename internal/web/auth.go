package web

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	vigil "github.com/vigil-health/vigil"
	"golang.org/x/time/rate"
)

const sessionCookie = "vigil_session"

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
)

// userFrom returns the signed-in user of a request, or nil.
func userFrom(ctx context.Context) *vigil.User {
	u, _ := ctx.Value(userKey).(*vigil.User)
	return u
}

func sessionFrom(ctx context.Context) *vigil.Session {
	s, _ := ctx.Value(sessionKey).(*vigil.Session)
	return s
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// authenticate finds the caller from a bearer token or a session cookie.
// byToken is true for bearer tokens, which carry no ambient credentials and
// so need no CSRF check.
func (s *Server) authenticate(r *http.Request) (u *vigil.User, sess *vigil.Session, byToken bool, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return nil, nil, true, vigil.Errorf(vigil.EUNAUTHORIZED, "the Authorization header must be 'Bearer TOKEN'")
		}
		u, err := s.users.FindUserByAPIToken(r.Context(), strings.TrimSpace(tok))
		return u, nil, true, err
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil, false, vigil.Errorf(vigil.EUNAUTHORIZED, "not signed in")
	}
	sess, err = s.users.FindSession(r.Context(), c.Value)
	if err != nil {
		return nil, nil, false, err
	}
	return sess.User, sess, false, nil
}

// wrap applies authentication, authorization and CSRF checks for a route
// and adapts its error result.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		defer func() { s.metrics.observe(rt.method+" "+rt.path, sw.status, time.Since(start)) }()
		if rt.access.public {
			s.serve(sw, r, rt.h)
			return
		}
		u, sess, byToken, err := s.authenticate(r)
		if err != nil {
			if !isAPI(r) && r.Method == http.MethodGet {
				http.Redirect(sw, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(sw, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), userKey, u)
		ctx = context.WithValue(ctx, sessionKey, sess)
		r = r.WithContext(ctx)
		if rt.access.perm != "" && !u.Role.Can(rt.access.perm) {
			s.fail(sw, r, vigil.Errorf(vigil.EFORBIDDEN, "the %s role may not do this", u.Role))
			return
		}
		if !byToken && r.Method != http.MethodGet && r.Method != http.MethodHead {
			if err := s.checkCSRF(r, sess); err != nil {
				s.fail(sw, r, err)
				return
			}
		}
		s.serve(sw, r, rt.h)
	})
}

// checkCSRF requires a same-origin request (Sec-Fetch-Site / Origin) and the
// session's CSRF token in the form or the X-CSRF-Token header.
func (s *Server) checkCSRF(r *http.Request, sess *vigil.Session) error {
	if err := s.csrfGuard.Check(r); err != nil {
		return vigil.Errorf(vigil.EFORBIDDEN, "cross-origin request refused")
	}
	tok := r.Header.Get("X-CSRF-Token")
	if tok == "" {
		tok = r.PostFormValue("csrf_token")
	}
	if sess == nil || tok == "" || subtle.ConstantTimeCompare([]byte(tok), []byte(sess.CSRFToken)) != 1 {
		return vigil.Errorf(vigil.EFORBIDDEN, "the form has expired: reload the page and try again")
	}
	return nil
}

// limiter rate-limits sign-in attempts per client address.
type limiter struct {
	mu    sync.Mutex
	rate  rate.Limit
	burst int
	by    map[string]*rate.Limiter
}

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{rate: rate.Limit(perSecond), burst: burst, by: map[string]*rate.Limiter{}}
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.by) > 10000 { // bound memory under a spray of addresses
		l.by = map[string]*rate.Limiter{}
	}
	lim := l.by[key]
	if lim == nil {
		lim = rate.NewLimiter(l.rate, l.burst)
		l.by[key] = lim
	}
	return lim.Allow()
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

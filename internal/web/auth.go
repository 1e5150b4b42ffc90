package web

import (
	"context"
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
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
// token is set for bearer tokens, which carry no ambient credentials and
// so need no CSRF check.
func (s *Server) authenticate(r *http.Request) (u *vigil.User, sess *vigil.Session, token *vigil.APIToken, err error) {
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || secret == "" {
			return nil, nil, &vigil.APIToken{}, vigil.Errorf(vigil.EUNAUTHORIZED, "the Authorization header must be 'Bearer TOKEN'")
		}
		u, t, err := s.acct.AuthenticateToken(r.Context(), strings.TrimSpace(secret))
		return u, nil, t, err
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, nil, nil, vigil.Errorf(vigil.EUNAUTHORIZED, "not signed in")
	}
	sess, err = s.users.FindSession(r.Context(), c.Value)
	if err != nil {
		return nil, nil, nil, err
	}
	return sess.User, sess, nil, nil
}

// wrap applies authentication, authorization and CSRF checks for a route
// and adapts its error result.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		defer func() { s.metrics.observe(rt.method+" "+rt.path, sw.status, time.Since(start)) }()
		if err := checkURL(r); err != nil {
			s.fail(sw, r, err)
			return
		}
		if rt.access.public {
			if err := checkForm(r); err != nil {
				s.fail(sw, r, err)
				return
			}
			s.serve(sw, r, rt.h)
			return
		}
		u, sess, token, err := s.authenticate(r)
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
		if sess != nil && s.mustEnrol(u) && !rt.access.beforeMFA {
			if !isAPI(r) && r.Method == http.MethodGet {
				http.Redirect(sw, r, "/account/mfa", http.StatusSeeOther)
				return
			}
			s.fail(sw, r, vigil.Errorf(vigil.EFORBIDDEN, "an admin must set up a second factor first, on the account page"))
			return
		}
		if rt.access.perm != "" && !u.Role.Can(rt.access.perm) {
			s.fail(sw, r, vigil.Errorf(vigil.EFORBIDDEN, "the %s role may not do this", u.Role))
			return
		}
		write := r.Method != http.MethodGet && r.Method != http.MethodHead
		if token != nil && token.ReadOnly && write {
			s.fail(sw, r, vigil.Errorf(vigil.EFORBIDDEN, "this API token is read-only"))
			return
		}
		if write {
			// An authorised change may upload a large file and import it:
			// it gets the long deadline, not the server's default ones that
			// keep anonymous and slow clients short.
			s.extendDeadlines(sw)
		}
		// The form is read and checked before the CSRF token is looked
		// for in it: a malformed or dirty form is a 400, not a missing
		// token. A signed-in user's upload is held to the server's limits
		// (vigil serve --max-file-bytes); a public form to the defaults.
		if err := checkFormLimits(r, s.cfg.ImportLimits); err != nil {
			s.fail(sw, r, err)
			return
		}
		if token == nil && write {
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

// limiter guards sign-in. Each client address has a token bucket (a coarse
// bound on spraying), and each pair of user name and client address backs
// off exponentially after a few failures: guessing from one address slows
// only that address's attempts at that name, and never locks the real user
// out from another address.
type limiter struct {
	mu    sync.Mutex
	rate  rate.Limit
	burst int
	by    map[string]*rate.Limiter
	fails map[string]*strikes
	now   func() time.Time
}

// strikes are the failed sign-ins of one user name from one address.
type strikes struct {
	n     int
	until time.Time // no attempt before this
}

// Backoff: freeFailures failures cost nothing, then each one doubles the
// wait from backoffBase up to backoffMax.
const (
	freeFailures = 3
	backoffBase  = time.Second
	backoffMax   = 15 * time.Minute
	maxTracked   = 100000 // bound memory under a spray of names and addresses
)

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{rate: rate.Limit(perSecond), burst: burst, by: map[string]*rate.Limiter{}, fails: map[string]*strikes{}, now: time.Now}
}

// allow takes a token from the address's bucket.
func (l *limiter) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.by) > maxTracked {
		l.by = map[string]*rate.Limiter{}
	}
	lim := l.by[addr]
	if lim == nil {
		lim = rate.NewLimiter(l.rate, l.burst)
		l.by[addr] = lim
	}
	return lim.Allow()
}

func pairKey(name, addr string) string { return name + "\x00" + addr }

// wait is how long the pair must wait before its next attempt.
func (l *limiter) wait(name, addr string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.fails[pairKey(name, addr)]; f != nil {
		if d := f.until.Sub(l.now()); d > 0 {
			return d
		}
	}
	return 0
}

// failed records a failed sign-in of the pair and sets its backoff.
func (l *limiter) failed(name, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.fails) > maxTracked {
		for k, f := range l.fails {
			if now.Sub(f.until) > backoffMax {
				delete(l.fails, k)
			}
		}
		if len(l.fails) > maxTracked {
			l.fails = map[string]*strikes{}
		}
	}
	k := pairKey(name, addr)
	f := l.fails[k]
	if f == nil {
		f = &strikes{}
		l.fails[k] = f
	}
	f.n++
	if f.n > freeFailures {
		d := backoffMax
		if shift := f.n - freeFailures - 1; shift < 20 {
			d = min(backoffBase<<shift, backoffMax)
		}
		f.until = now.Add(d)
	}
}

// succeeded forgets the pair's failures.
func (l *limiter) succeeded(name, addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, pairKey(name, addr))
}

// clientIP is the address of the client: the direct peer, or, when the
// peer is a configured trusted proxy, the nearest address in
// X-Forwarded-For that is not itself a trusted proxy. Without trusted
// proxies the header is ignored: any client can write it.
func (s *Server) clientIP(r *http.Request) string {
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		peer = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(peer)
	if err != nil || !s.trusted(ip) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: trust nothing further left
		}
		ip = hop.Unmap()
		if !s.trusted(ip) {
			break
		}
	}
	return ip.String()
}

func (s *Server) trusted(ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// extendDeadlines gives the request the upload deadline (Config.UploadTimeout)
// to send its body and receive its answer. A writer that cannot set deadlines
// (a test recorder) keeps what it has.
func (s *Server) extendDeadlines(w http.ResponseWriter) {
	t := time.Now().Add(s.cfg.UploadTimeout)
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(t)
	_ = rc.SetWriteDeadline(t)
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

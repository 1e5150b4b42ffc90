// Package web serves Vigil's server-rendered pages, its JSON API under
// /api/v1/, /healthz and Prometheus /metrics. Every route is declared in
// routes.go with the access it needs; one adapter turns handler errors into
// responses so that no internal error text reaches a browser.
package web

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/assurance"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/evidence"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/sso"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vendors"
)

// Config holds the server's settings; cmd/vigil fills it from flags.
type Config struct {
	// SecureCookies sets the Secure flag on cookies; on unless serving plain
	// HTTP on a development machine.
	SecureCookies bool
	// SessionTTL is how long a sign-in lasts.
	SessionTTL time.Duration
	// LoginRate and LoginBurst limit sign-in attempts per client address.
	LoginRate  float64 // attempts per second
	LoginBurst int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed; from any other peer the header is ignored.
	TrustedProxies []netip.Prefix
	// SSO is the OpenID Connect provider people may sign in through; nil
	// when single sign-on is not configured.
	SSO *sso.Provider
	// UploadTimeout is how long a signed-in user's change (an upload and its
	// import) may take to send and answer; other requests keep the server's
	// short read and write deadlines. Zero means 30 minutes.
	UploadTimeout time.Duration
	// MFAAdmins requires a TOTP second factor of every local admin: one
	// without it is sent to set one up before anything else.
	MFAAdmins bool
	// ImportLimits bound what one uploaded file may make an import read
	// and hold; zero fields mean ingest's defaults.
	ImportLimits ingest.Limits
}

// Services are the use cases every change made through the server goes
// through; reads go straight to the store.
type Services struct {
	Inventory  *inventory.Service
	Exposure   *exposure.Service
	Accounts   *account.Service
	Compliance *compliance.Service
	Assurance  *assurance.Service
	// Evidence is nil when no evidence directory is configured (PostgreSQL
	// without --evidence-dir); the evidence pages then say so.
	Evidence *evidence.Service
	// Vendors is the vendor register, BAAs, certifications and MDS2 forms;
	// when nil, New builds it over the store (it needs nothing else).
	Vendors *vendors.Service
}

// Server is Vigil's HTTP server.
type Server struct {
	db   *store.DB
	inv  *inventory.Service
	exp  *exposure.Service
	acct *account.Service
	comp *compliance.Service
	plan *assurance.Service // nil until wired: the plan and audit pages say so
	ev   *evidence.Service  // nil without an evidence directory
	vend *vendors.Service
	// The read services the pages use, behind the domain's interfaces.
	devices   vigil.DeviceService
	sites     vigil.SiteService
	audit     vigil.AuditService
	users     vigil.UserService
	log       *slog.Logger
	cfg       Config
	mux       *http.ServeMux
	routes    []route
	tmpl      map[string]*template.Template
	limiter   *limiter
	metrics   *metrics
	registry  *prometheus.Registry
	csrfGuard *http.CrossOriginProtection
}

// New builds a server with every route registered.
func New(db *store.DB, svc Services, log *slog.Logger, cfg Config) (*Server, error) {
	if svc.Inventory == nil || svc.Exposure == nil || svc.Accounts == nil || svc.Compliance == nil {
		return nil, vigil.Errorf(vigil.EINTERNAL, "web: a service is missing")
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.UploadTimeout == 0 {
		cfg.UploadTimeout = 30 * time.Minute
	}
	if cfg.LoginRate == 0 {
		cfg.LoginRate, cfg.LoginBurst = 0.2, 5
	}
	if svc.Vendors == nil {
		svc.Vendors = vendors.New(db)
	}
	tmpl, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	s := &Server{db: db, inv: svc.Inventory, exp: svc.Exposure, acct: svc.Accounts, comp: svc.Compliance, plan: svc.Assurance,
		ev: svc.Evidence, vend: svc.Vendors,
		devices: db, sites: db, audit: db, users: svc.Accounts, log: log, cfg: cfg, mux: http.NewServeMux(), tmpl: tmpl,
		limiter: newLimiter(cfg.LoginRate, cfg.LoginBurst), registry: prometheus.NewRegistry(),
		csrfGuard: http.NewCrossOriginProtection()}
	if s.ev != nil {
		// Evidence files uploaded here, and vendors' documents stored as
		// evidence, are held to the server's --max-file-bytes.
		s.ev = s.ev.WithLimits(cfg.ImportLimits)
	}
	s.metrics = newMetrics(s.registry, db)
	s.registerRoutes()
	return s, nil
}

// Handler returns the root handler with the security headers applied.
func (s *Server) Handler() http.Handler { return s.secureHeaders(s.mux) }

// ListenAndServe serves on addr until ctx ends, then shuts down gracefully.
// ready, when not nil, receives the bound address once listening.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return vigil.WrapError(vigil.EUNAVAILABLE, "cannot listen on "+addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 120 * time.Second, IdleTimeout: 120 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			return err
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

// secureHeaders sets the headers every response carries.
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

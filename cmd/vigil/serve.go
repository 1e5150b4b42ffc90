package main

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/web"
)

func serveCommand() *command {
	return &command{
		name:    "serve",
		summary: "serve the web UI and API",
		usage: []string{"[--addr HOST:PORT] [--insecure-cookies] [--session-ttl 12h] [--trusted-proxy CIDR]... [--evidence-dir DIR] [--mfa-admins]",
			"--oidc-issuer URL --oidc-client-id ID --oidc-redirect-url URL --oidc-role-map GROUP=ROLE,... [--oidc-client-secret-file FILE] [--oidc-name NAME] [--oidc-groups-claim CLAIM]"},
		about: "Serves the web UI and the JSON API (/api/v1/) until interrupted. Put it behind " +
			"TLS in production; --trusted-proxy names the reverse proxy whose X-Forwarded-For " +
			"names the client. The database is created and migrated if needed. With --oidc-issuer " +
			"people also sign in through an OpenID Connect provider, their role given by their " +
			"groups (--oidc-role-map); --mfa-admins requires a TOTP second factor of every local " +
			"admin. See docs/security.md.",
		examples: []string{
			"vigil serve --addr 0.0.0.0:8443 --db /var/lib/vigil/vigil.db --trusted-proxy 10.0.0.5",
			"vigil serve --mfa-admins --oidc-issuer https://sso.example.org/realms/hospital --oidc-client-id vigil --oidc-client-secret-file /etc/vigil/oidc.secret --oidc-redirect-url https://vigil.example.org/login/oidc/callback --oidc-role-map vigil-admins=admin,clinical-eng=clinical-engineering,auditors=auditor",
			"vigil serve --insecure-cookies    # plain HTTP on 127.0.0.1:8080, for development",
		},
		run:     runServe,
		creates: true,
	}
}

func runServe(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("serve")
	db := m.dbFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	insecure := fs.Bool("insecure-cookies", false, "send cookies over plain HTTP (development only; put Vigil behind TLS in production)")
	ttl := fs.Duration("session-ttl", 12*time.Hour, "how long a sign-in lasts")
	var proxies []netip.Prefix
	fs.Func("trusted-proxy", "a reverse proxy (CIDR or address) whose X-Forwarded-For names the client; repeatable", func(v string) error {
		p, err := parseProxy(v)
		if err == nil {
			proxies = append(proxies, p)
		}
		return err
	})
	m.evidenceDirFlag(fs)
	sf := addSSOFlags(fs)
	limits := limitFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkLimits(limits); err != nil {
		return err
	}
	d, err := m.openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	cfg := web.Config{SecureCookies: !*insecure, SessionTTL: *ttl, TrustedProxies: proxies, ImportLimits: *limits}
	if err := sf.apply(m, d, &cfg); err != nil {
		return err
	}
	return m.serve(ctx, d, *addr, cfg, nil)
}

// serve runs the web server until ctx ends. announce, when set, prints
// what a person needs once the address is known.
func (m *Main) serve(ctx context.Context, d *store.DB, addr string, cfg web.Config, announce func(url string)) error {
	svc, err := m.services(d)
	if err != nil {
		return err
	}
	srv, err := web.New(d, svc, m.logger(), cfg)
	if err != nil {
		return err
	}
	return srv.ListenAndServe(ctx, addr, func(a net.Addr) {
		url := "http://" + a.String()
		if announce != nil {
			announce(url)
		} else {
			fmt.Fprintf(m.Stdout, "Vigil is serving on %s (store: %s)\n", url, d.Engine())
		}
		if m.Ready != nil {
			m.Ready(a.String())
		}
	})
}

// parseProxy reads a --trusted-proxy value: a CIDR prefix, or one address.
func parseProxy(v string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(v); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("want a CIDR such as 10.0.0.0/8 or an address, not %q", v)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}

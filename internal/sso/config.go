// Package sso signs people in through an OpenID Connect provider (Keycloak,
// Entra ID, Okta, ...): the authorization code flow with PKCE, the state,
// nonce and code verifier kept in a short-lived sealed cookie, the ID token
// verified by go-oidc (signature, issuer, audience, expiry, nonce), and the
// provider's groups claim mapped to a Vigil role. It holds no users and no
// sessions: the account service creates or updates the user it names and
// the web server starts the session.
package sso

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// Config is how Vigil reaches the provider and reads what it says.
type Config struct {
	// Name is shown on the sign-in page: "Sign in with NAME".
	Name string
	// Issuer is the provider's issuer URL, where its discovery document
	// lives under /.well-known/openid-configuration.
	Issuer string
	// ClientID and ClientSecret are Vigil's registration at the provider;
	// the secret may be empty for a public client (PKCE protects the code).
	ClientID, ClientSecret string
	// RedirectURL is Vigil's callback as the provider knows it: the
	// public URL of /login/oidc/callback.
	RedirectURL string
	// Scopes asked for; "openid" is always among them. Default: openid,
	// profile, email.
	Scopes []string
	// GroupsClaim names the claim holding the person's groups: a list of
	// strings or one string. A name with dots ("realm_access.roles") is
	// also looked up as a path through nested objects when no claim has
	// the whole name. Default: "groups".
	GroupsClaim string
	// Roles maps groups to roles; the first entry whose group the person
	// has gives the role, so list the most privileged first.
	Roles []GroupRole
	// AllowedDomains, when not empty, admits only people with a verified
	// e-mail address in one of these domains.
	AllowedDomains []string
	// Key seals the state cookie (at least 16 bytes); when empty a random
	// key is made at start, so a sign-in begun before a restart fails.
	Key []byte
	// HTTPClient talks to the provider; default a client with a 15 s
	// timeout.
	HTTPClient *http.Client
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// GroupRole gives members of Group the Role.
type GroupRole struct {
	Group string
	Role  vigil.Role
}

// ParseRoleMap reads "GROUP=ROLE,GROUP=ROLE,...": the order is the
// precedence. A group may hold any character but ',' and '='; spaces
// around each part are trimmed.
func ParseRoleMap(s string) ([]GroupRole, error) {
	var out []GroupRole
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		g, r, ok := strings.Cut(part, "=")
		g, r = strings.TrimSpace(g), strings.TrimSpace(r)
		if !ok || g == "" || r == "" {
			return nil, vigil.Errorf(vigil.EINVALID, "role map entry %q: want GROUP=ROLE", part)
		}
		role := vigil.Role(r)
		if !role.Valid() {
			return nil, vigil.Errorf(vigil.EINVALID, "role map entry %q: unknown role %q (admin, compliance, clinical-engineering, it or auditor)", part, r)
		}
		if slices.ContainsFunc(out, func(x GroupRole) bool { return x.Group == g }) {
			return nil, vigil.Errorf(vigil.EINVALID, "role map: group %q is mapped twice", g)
		}
		out = append(out, GroupRole{Group: g, Role: role})
	}
	if len(out) == 0 {
		return nil, vigil.Errorf(vigil.EINVALID, "the role map is empty: give at least one GROUP=ROLE")
	}
	return out, nil
}

// validate checks the configuration and fills in the defaults.
func (c *Config) validate() error {
	u, err := url.Parse(c.Issuer)
	if c.Issuer == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return vigil.Errorf(vigil.EINVALID, "the OpenID Connect issuer must be an http(s) URL, not %q", c.Issuer)
	}
	if c.ClientID == "" {
		return vigil.Errorf(vigil.EINVALID, "the OpenID Connect client ID is missing")
	}
	r, err := url.Parse(c.RedirectURL)
	if err != nil || (r.Scheme != "https" && r.Scheme != "http") || r.Host == "" || !strings.HasSuffix(r.Path, "/login/oidc/callback") {
		return vigil.Errorf(vigil.EINVALID, "the OpenID Connect redirect URL must be Vigil's public URL of /login/oidc/callback, not %q", c.RedirectURL)
	}
	if len(c.Roles) == 0 {
		return vigil.Errorf(vigil.EINVALID, "the OpenID Connect role map is empty: give at least one GROUP=ROLE")
	}
	for _, gr := range c.Roles {
		if !gr.Role.Valid() {
			return vigil.Errorf(vigil.EINVALID, "the role map gives group %q the unknown role %q", gr.Group, gr.Role)
		}
	}
	if len(c.Key) > 0 && len(c.Key) < 16 {
		return vigil.Errorf(vigil.EINVALID, "the state cookie key is %d bytes; it needs at least 16", len(c.Key))
	}
	if c.Name == "" {
		c.Name = u.Host
	}
	if len(c.Scopes) == 0 {
		c.Scopes = []string{"openid", "profile", "email"}
	}
	if !slices.Contains(c.Scopes, "openid") {
		c.Scopes = append([]string{"openid"}, c.Scopes...)
	}
	if c.GroupsClaim == "" {
		c.GroupsClaim = "groups"
	}
	for i, d := range c.AllowedDomains {
		d = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))
		if d == "" || strings.ContainsAny(d, "@/ ") {
			return vigil.Errorf(vigil.EINVALID, "allowed e-mail domain %q is not a domain", c.AllowedDomains[i])
		}
		c.AllowedDomains[i] = d
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// String describes the configuration without its secrets, for a log line.
func (c *Config) String() string {
	return fmt.Sprintf("issuer=%s client_id=%s redirect=%s groups_claim=%s roles=%d", c.Issuer, c.ClientID, c.RedirectURL, c.GroupsClaim, len(c.Roles))
}

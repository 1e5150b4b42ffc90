package sso

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"net/url"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	vigil "github.com/vigil-health/vigil"
	"golang.org/x/oauth2"
)

// Provider signs people in through one OpenID Connect provider. It is safe
// for concurrent use. The provider's discovery document is fetched at the
// first sign-in and kept once fetched, so that Vigil starts while the
// provider is down.
type Provider struct {
	cfg  Config
	aead cipher.AEAD

	mu       sync.Mutex
	oidc     *oidc.Provider
	verifier *oidc.IDTokenVerifier
	oauth    *oauth2.Config
}

// New checks cfg and returns the provider; it does not reach the network.
func New(cfg Config) (*Provider, error) {
	cfg.Roles = append([]GroupRole(nil), cfg.Roles...)
	cfg.AllowedDomains = append([]string(nil), cfg.AllowedDomains...)
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	key := cfg.Key
	if len(key) == 0 {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, vigil.WrapError(vigil.EINTERNAL, "sso: no randomness", err)
		}
	}
	aead, err := newAEAD(key)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINTERNAL, "sso: state cookie cipher", err)
	}
	return &Provider{cfg: cfg, aead: aead}, nil
}

// Name is the provider's name for the sign-in page.
func (p *Provider) Name() string { return p.cfg.Name }

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.cfg.Issuer }

// ctx carries the provider's HTTP client for go-oidc and x/oauth2.
func (p *Provider) ctx(ctx context.Context) context.Context {
	return oidc.ClientContext(ctx, p.cfg.HTTPClient)
}

// discover fetches the discovery document once.
func (p *Provider) discover(ctx context.Context) (*oidc.IDTokenVerifier, *oauth2.Config, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.oidc != nil {
		return p.verifier, p.oauth, nil
	}
	op, err := oidc.NewProvider(p.ctx(ctx), p.cfg.Issuer)
	if err != nil {
		return nil, nil, vigil.WrapError(vigil.EUNAVAILABLE, "the sign-in provider cannot be reached: try again later, or sign in with a Vigil password", err)
	}
	// The verifier fetches the provider's keys with a context of its own,
	// which must outlive this request.
	p.verifier = op.VerifierContext(p.ctx(context.WithoutCancel(ctx)), &oidc.Config{ClientID: p.cfg.ClientID, Now: p.cfg.Now})
	p.oauth = &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RedirectURL: p.cfg.RedirectURL,
		Endpoint: op.Endpoint(), Scopes: p.cfg.Scopes}
	p.oidc = op
	return p.verifier, p.oauth, nil
}

// Start begins a sign-in that returns to next (a local path the caller
// checked): it returns the provider's URL to send the browser to and the
// value of the state cookie to set for StateTTL.
func (p *Provider) Start(ctx context.Context, next string) (authURL, cookie string, err error) {
	_, oc, err := p.discover(ctx)
	if err != nil {
		return "", "", err
	}
	st := &state{Verifier: oauth2.GenerateVerifier(), Next: next, Expires: p.cfg.Now().Add(StateTTL).Unix()}
	if st.State, err = random(24); err == nil {
		st.Nonce, err = random(24)
	}
	if err != nil {
		return "", "", vigil.WrapError(vigil.EINTERNAL, "sso: no randomness", err)
	}
	cookie, err = p.seal(st)
	if err != nil {
		return "", "", vigil.WrapError(vigil.EINTERNAL, "sso: sealing the state", err)
	}
	return oc.AuthCodeURL(st.State, oidc.Nonce(st.Nonce), oauth2.S256ChallengeOption(st.Verifier)), cookie, nil
}

// Finish completes a sign-in at the callback: cookie is the state
// cookie's value and q the callback's query. It returns the person the
// provider vouched for and where to go next. A person the configuration
// refuses (no group mapped to a role, an e-mail domain not allowed) comes
// back with Identity.Refusal set and no error, so that the caller can
// record the refusal.
func (p *Provider) Finish(ctx context.Context, cookie string, q url.Values) (*Identity, string, error) {
	restart := "start the sign-in again"
	if cookie == "" {
		return nil, "", vigil.Errorf(vigil.EINVALID, "this sign-in was not started in this browser, or took longer than %d minutes: %s", int(StateTTL/time.Minute), restart)
	}
	st, err := p.open(cookie)
	if err != nil {
		return nil, "", vigil.Errorf(vigil.EINVALID, "this sign-in's state cookie is not valid: %s", restart)
	}
	if p.cfg.Now().Unix() > st.Expires {
		return nil, "", vigil.Errorf(vigil.EINVALID, "this sign-in took longer than %d minutes: %s", int(StateTTL/time.Minute), restart)
	}
	if got := q.Get("state"); got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(st.State)) != 1 {
		return nil, "", vigil.Errorf(vigil.EINVALID, "the provider's answer does not belong to this sign-in (state mismatch): %s", restart)
	}
	if e := q.Get("error"); e != "" {
		return nil, "", vigil.Errorf(vigil.EFORBIDDEN, "the sign-in provider did not sign you in (%s)", clip(e, 64))
	}
	code := q.Get("code")
	if code == "" {
		return nil, "", vigil.Errorf(vigil.EINVALID, "the provider's answer has no code: %s", restart)
	}
	verifier, oc, err := p.discover(ctx)
	if err != nil {
		return nil, "", err
	}
	tok, err := oc.Exchange(p.ctx(ctx), code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return nil, "", vigil.WrapError(vigil.EUNAUTHORIZED, "the sign-in provider refused this sign-in's code: "+restart, err)
		}
		return nil, "", vigil.WrapError(vigil.EUNAVAILABLE, "the sign-in provider cannot be reached: try again later", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, "", vigil.Errorf(vigil.EUNAUTHORIZED, "the sign-in provider sent no ID token: is the \"openid\" scope allowed for Vigil's client?")
	}
	idt, err := verifier.Verify(p.ctx(ctx), raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return nil, "", vigil.WrapError(vigil.EUNAUTHORIZED, "the provider's ID token has expired (are the clocks of Vigil and the provider right?): "+restart, err)
		}
		return nil, "", vigil.WrapError(vigil.EUNAUTHORIZED, "the provider's ID token did not verify: "+restart, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return nil, "", vigil.Errorf(vigil.EUNAUTHORIZED, "the provider's ID token was not issued for this sign-in (nonce mismatch): %s", restart)
	}
	id, err := p.identity(ctx, idt, oc.TokenSource(p.ctx(ctx), tok))
	if err != nil {
		return nil, "", err
	}
	return id, st.Next, nil
}

// clip keeps at most n characters of an error code from the provider, and
// only the printable ASCII that RFC 6749 allows in one.
func clip(s string, n int) string {
	out := make([]byte, 0, n)
	for i := 0; i < len(s) && len(out) < n; i++ {
		if c := s[i]; c >= 0x20 && c < 0x7f {
			out = append(out, c)
		}
	}
	return string(out)
}

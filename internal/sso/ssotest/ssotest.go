// Package ssotest runs an OpenID Connect provider inside a test process
// (httptest): discovery, keys, an authorization endpoint that signs in
// whoever the test says at once, a token endpoint that checks the client,
// the one-time code, the redirect URL and the PKCE verifier, and a user
// info endpoint. The ID tokens are signed with go-oidc's own test signer;
// a test can alter their claims to prove what Vigil refuses.
package ssotest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc/oidctest"
)

// The client Vigil is registered as.
const (
	ClientID     = "vigil"
	ClientSecret = "vigil-test-secret"
	keyID        = "test-key"
)

// Person is who the provider signs in next.
type Person struct {
	Subject, Username, Email string
	EmailVerified            bool
	Groups                   []string
}

// Provider is the in-process provider. Its URL is the issuer.
type Provider struct {
	*httptest.Server
	key *rsa.PrivateKey

	mu     sync.Mutex
	person Person
	grants map[string]grant
	// tamper alters the next ID tokens' claims before they are signed.
	tamper func(claims map[string]any)
	// groupsInUserInfo leaves the groups out of the ID token and serves
	// them from the user info endpoint only.
	groupsInUserInfo bool
	// Now is the provider's clock.
	now func() time.Time
}

type grant struct {
	person    Person
	challenge string
	nonce     string
	redirect  string
}

// New starts a provider, closed when the test ends.
func New(tb testing.TB) *Provider {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	p := &Provider{key: key, grants: map[string]grant{}, now: time.Now}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /keys", p.keys)
	mux.HandleFunc("GET /auth", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /userinfo", p.userinfo)
	p.Server = httptest.NewServer(mux)
	tb.Cleanup(p.Close)
	return p
}

// SignInAs makes the provider sign in person at its next authorization.
func (p *Provider) SignInAs(person Person) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.person = person
}

// Tamper alters the claims of the ID tokens issued from now on (nil stops).
func (p *Provider) Tamper(f func(claims map[string]any)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tamper = f
}

// GroupsInUserInfo makes the ID tokens carry no groups claim: the groups
// come from the user info endpoint only, as some providers do.
func (p *Provider) GroupsInUserInfo(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.groupsInUserInfo = on
}

func (p *Provider) discovery(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"issuer":                                p.URL,
		"authorization_endpoint":                p.URL + "/auth",
		"token_endpoint":                        p.URL + "/token",
		"userinfo_endpoint":                     p.URL + "/userinfo",
		"jwks_uri":                              p.URL + "/keys",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256"},
	})
}

func (p *Provider) keys(w http.ResponseWriter, r *http.Request) {
	pub := p.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": keyID,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}})
}

// authorize signs in the current person at once and sends the browser
// back with a one-time code.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case q.Get("client_id") != ClientID:
		http.Error(w, "unknown client", http.StatusBadRequest)
		return
	case q.Get("response_type") != "code":
		http.Error(w, "only the code flow", http.StatusBadRequest)
		return
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		http.Error(w, "PKCE with S256 is required", http.StatusBadRequest)
		return
	case q.Get("nonce") == "" || q.Get("state") == "":
		http.Error(w, "a nonce and a state are required", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Host == "" {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	code := randomString()
	p.mu.Lock()
	p.grants[code] = grant{person: p.person, challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), redirect: redirect.String()}
	p.mu.Unlock()
	back := redirect.Query()
	back.Set("code", code)
	back.Set("state", q.Get("state"))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// token exchanges a code for tokens once, for the client that proves its
// secret and the verifier of the code's challenge.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostFormValue("client_id"), r.PostFormValue("client_secret")
	}
	if id != ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(ClientSecret)) != 1 {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	g, ok := p.grants[r.PostFormValue("code")]
	delete(p.grants, r.PostFormValue("code"))
	tamper, userinfoOnly, now := p.tamper, p.groupsInUserInfo, p.now()
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
	switch {
	case r.PostFormValue("grant_type") != "authorization_code" || !ok:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
		return
	case r.PostFormValue("redirect_uri") != g.redirect:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "redirect_uri differs"})
		return
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "PKCE verifier does not match"})
		return
	}
	claims := map[string]any{
		"iss": p.URL, "aud": ClientID, "sub": g.person.Subject, "nonce": g.nonce,
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
		"preferred_username": g.person.Username, "email": g.person.Email, "email_verified": g.person.EmailVerified,
	}
	if !userinfoOnly {
		claims["groups"] = g.person.Groups
	}
	if tamper != nil {
		tamper(claims)
	}
	body, _ := json.Marshal(claims)
	access := randomString()
	p.mu.Lock()
	p.grants["access:"+access] = g
	p.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": access, "token_type": "Bearer", "expires_in": 300,
		"id_token": oidctest.SignIDToken(p.key, keyID, "RS256", string(body)),
	})
}

func (p *Provider) userinfo(w http.ResponseWriter, r *http.Request) {
	tok := r.Header.Get("Authorization")
	p.mu.Lock()
	g, ok := p.grants["access:"+tok[min(len(tok), len("Bearer ")):]]
	p.mu.Unlock()
	if len(tok) < len("Bearer ") || !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sub": g.person.Subject, "email": g.person.Email, "groups": g.person.Groups})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func randomString() string {
	b := make([]byte, 18)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

package sso

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"
)

// StateTTL is how long a person has between leaving for the provider and
// coming back.
const StateTTL = 10 * time.Minute

// state is what the browser carries between the start of a sign-in and the
// callback, sealed (AES-256-GCM) so that it can be neither read nor
// altered: the state and nonce to compare with what comes back, the PKCE
// code verifier, and where to go afterwards.
type state struct {
	State    string `json:"s"`
	Nonce    string `json:"n"`
	Verifier string `json:"v"`
	Next     string `json:"r"`
	Expires  int64  `json:"e"` // Unix seconds
}

var errState = errors.New("sso: the state cookie does not open")

// stateAAD binds a sealed state to its use, so that no other value sealed
// under the same key passes for one.
var stateAAD = []byte("vigil oidc state v1")

func newAEAD(key []byte) (cipher.AEAD, error) {
	k := sha256.Sum256(append([]byte("vigil oidc state cookie\x00"), key...))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func (p *Provider) seal(st *state) (string, error) {
	plain, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, p.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(p.aead.Seal(nonce, nonce, plain, stateAAD)), nil
}

func (p *Provider) open(v string) (*state, error) {
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(b) < p.aead.NonceSize() {
		return nil, errState
	}
	plain, err := p.aead.Open(nil, b[:p.aead.NonceSize()], b[p.aead.NonceSize():], stateAAD)
	if err != nil {
		return nil, errState
	}
	var st state
	if err := json.Unmarshal(plain, &st); err != nil {
		return nil, errState
	}
	return &st, nil
}

// random returns n random bytes in base64url.
func random(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Package totp implements time-based one-time passwords (RFC 6238) as
// authenticator apps make them: HMAC-SHA1 over a 30-second step counter
// (HOTP, RFC 4226), 6 digits, a code of the step before or after accepted
// for clock drift. It parses what a person types, makes secrets and the
// otpauth:// URI an app scans, and nothing else: storing the secret and
// remembering the last step used (so that a code is never accepted twice)
// is the caller's job.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"net/url"
	"strings"
	"time"
)

// The parameters every code of this package uses: the defaults of RFC 6238
// and of every authenticator app.
const (
	Period = 30 * time.Second // one step
	Digits = 6
	Skew   = 1 // steps either side of now still accepted
	// SecretSize is the size of a new secret: 160 bits, RFC 4226's
	// recommendation and SHA-1's block-sized key.
	SecretSize = 20
	// MinSecretSize is the shortest secret ParseSecret accepts (RFC 4226
	// requires at least 128 bits).
	MinSecretSize = 16
)

// ErrSecret is returned for a secret that is not base32 of at least
// MinSecretSize bytes; ErrCode for a code that is not Digits digits.
var (
	ErrSecret = errors.New("totp: the secret must be base32 of at least 128 bits")
	ErrCode   = errors.New("totp: a code is 6 digits")
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewSecret returns a random secret of SecretSize bytes.
func NewSecret() ([]byte, error) {
	b := make([]byte, SecretSize)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("totp: secret: %w", err)
	}
	return b, nil
}

// EncodeSecret returns the secret in base32 without padding, as apps show
// and accept it.
func EncodeSecret(secret []byte) string { return b32.EncodeToString(secret) }

// ParseSecret reads a base32 secret as a person may type it: any case,
// spaces or hyphens between groups, padding or none.
func ParseSecret(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '=':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
	b, err := b32.DecodeString(s)
	if err != nil || len(b) < MinSecretSize {
		return nil, ErrSecret
	}
	return b, nil
}

// ParseCode reads a code as typed: Digits digits, spaces allowed between
// them (apps show "123 456").
func ParseCode(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ':
		case r >= '0' && r <= '9' && b.Len() < Digits:
			b.WriteRune(r)
		default:
			return "", ErrCode
		}
	}
	if b.Len() != Digits {
		return "", ErrCode
	}
	return b.String(), nil
}

// Step returns the step counter of time t: whole periods since the Unix
// epoch.
func Step(t time.Time) int64 { return t.Unix() / int64(Period/time.Second) }

// Code returns the code of secret at time t.
func Code(secret []byte, t time.Time) string { return hotp(sha1.New, secret, uint64(Step(t)), Digits) }

// Verify checks code against secret at time t, allowing Skew steps either
// side, and returns the step it matched. A step at or before after is
// refused, so that the caller, passing the last step it accepted, never
// accepts one code twice (RFC 6238 section 5.2). The comparison takes the
// same time whichever step matches.
func Verify(secret []byte, code string, t time.Time, after int64) (step int64, ok bool) {
	c, err := ParseCode(code)
	if err != nil || len(secret) == 0 {
		return 0, false
	}
	now := Step(t)
	for s := now - Skew; s <= now+Skew; s++ {
		match := hmac.Equal([]byte(hotp(sha1.New, secret, uint64(s), Digits)), []byte(c))
		if match && s > after && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// hotp is RFC 4226's HOTP with the hash and the number of digits as
// parameters (RFC 6238 also uses SHA-256 and SHA-512, 8 digits in its test
// vectors).
func hotp(h func() hash.Hash, key []byte, counter uint64, digits int) string {
	m := hmac.New(h, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// URI returns the otpauth:// URI an authenticator app scans or accepts
// pasted: the issuer and the account name label the entry.
func URI(issuer, account string, secret []byte) string {
	q := url.Values{}
	q.Set("secret", EncodeSecret(secret))
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(Digits))
	q.Set("period", fmt.Sprint(int(Period/time.Second)))
	label := url.PathEscape(issuer) + ":" + url.PathEscape(account)
	return "otpauth://totp/" + label + "?" + q.Encode()
}

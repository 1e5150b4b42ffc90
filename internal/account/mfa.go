package account

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"math"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/totp"
)

// PendingTTL is how long a sign-in waits for its second factor after the
// right password.
const PendingTTL = 5 * time.Minute

// TOTPIssuer labels Vigil's entry in an authenticator app.
const TOTPIssuer = "Vigil"

// Enrolment is a second factor being set up: what the person types or
// scans into an authenticator app.
type Enrolment struct {
	Secret string // base32
	URI    string // otpauth://totp/...
}

// BeginTOTP starts setting up a TOTP second factor for the actor (a local
// user without one): a new secret, stored sealed and not yet in force
// until ConfirmTOTP checks a first code from it.
func (s *Service) BeginTOTP(ctx context.Context, actor *vigil.User) (*Enrolment, error) {
	if actor.External() {
		return nil, errExternalMFA
	}
	secret, err := totp.NewSecret()
	if err != nil {
		return nil, vigil.WrapError(vigil.EINTERNAL, "could not make a secret", err)
	}
	sealed, err := s.seal(actor.ID, secret)
	if err != nil {
		return nil, err
	}
	if err := s.db.BeginTOTP(ctx, actor, sealed); err != nil {
		return nil, err
	}
	return &Enrolment{Secret: totp.EncodeSecret(secret), URI: totp.URI(TOTPIssuer, actor.Name, secret)}, nil
}

var errExternalMFA = vigil.Errorf(vigil.ECONFLICT, "you sign in through single sign-on: your provider asks for the second factor")

// PendingTOTP returns the enrolment the actor started and has not
// confirmed, or nil.
func (s *Service) PendingTOTP(ctx context.Context, actor *vigil.User) (*Enrolment, error) {
	t, err := s.db.FindTOTP(ctx, actor.ID)
	if err != nil || t.Enabled || t.Sealed == "" {
		return nil, err
	}
	secret, err := s.open(actor.ID, t.Sealed)
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: totp.EncodeSecret(secret), URI: totp.URI(TOTPIssuer, actor.Name, secret)}, nil
}

// ConfirmTOTP puts the actor's pending second factor in force once code is
// one of its codes.
func (s *Service) ConfirmTOTP(ctx context.Context, actor *vigil.User, code string) error {
	t, err := s.db.FindTOTP(ctx, actor.ID)
	if err != nil {
		return err
	}
	if t.Enabled || t.Sealed == "" {
		return vigil.Errorf(vigil.ECONFLICT, "there is no second factor waiting to be confirmed: start again")
	}
	step, err := s.verify(actor.ID, t, code)
	if err != nil {
		return err
	}
	return s.db.EnableTOTP(ctx, actor, step)
}

// DisableTOTP turns the actor's own second factor off, confirmed by a
// current code; required is set when the actor's role must keep one.
func (s *Service) DisableTOTP(ctx context.Context, actor *vigil.User, code string, required bool) error {
	t, err := s.db.FindTOTP(ctx, actor.ID)
	if err != nil {
		return err
	}
	if !t.Enabled {
		_, err := s.db.ClearTOTP(ctx, actor, actor.Name, "user.mfa.disable")
		return err
	}
	if required {
		return vigil.Errorf(vigil.ECONFLICT, "a second factor is required for the %s role: it cannot be turned off", actor.Role)
	}
	if _, err := s.verify(actor.ID, t, code); err != nil {
		return err
	}
	_, err = s.db.ClearTOTP(ctx, actor, actor.Name, "user.mfa.disable")
	return err
}

// ResetTOTP removes another user's second factor, for one who lost it: an
// admin's recovery, audited. It reports whether the user had one.
func (s *Service) ResetTOTP(ctx context.Context, actor *vigil.User, name string) (bool, error) {
	if !actor.Role.Can(vigil.PermUsersAdmin) {
		return false, vigil.Errorf(vigil.EFORBIDDEN, "only an admin resets another user's second factor")
	}
	return s.db.ClearTOTP(ctx, actor, name, "user.mfa.reset")
}

// StartSignIn begins the session of a user whose password was right: a
// full session, or, for a user with a second factor, a pending one that
// CompleteSignIn finishes. pending reports which.
func (s *Service) StartSignIn(ctx context.Context, u *vigil.User, ttl time.Duration) (token string, sess *vigil.Session, pending bool, err error) {
	if u.MFA {
		token, sess, err = s.db.CreatePendingSession(ctx, u, PendingTTL)
		return token, sess, true, err
	}
	token, sess, err = s.db.StartSession(ctx, u, ttl, map[string]any{"method": "password"})
	return token, sess, false, err
}

// FindPendingSession returns the sign-in of a token waiting for its second
// factor.
func (s *Service) FindPendingSession(ctx context.Context, token string) (*vigil.Session, error) {
	return s.db.FindPendingSession(ctx, token)
}

// CompleteSignIn checks the second factor's code for the pending sign-in
// of token and, when right and not used before, replaces it with a full
// session lasting ttl (a new token). A wrong code is audited.
func (s *Service) CompleteSignIn(ctx context.Context, pending, code string, ttl time.Duration) (string, *vigil.Session, error) {
	sess, err := s.db.FindPendingSession(ctx, pending)
	if err != nil {
		return "", nil, vigil.Errorf(vigil.EUNAUTHORIZED, "the sign-in has expired: sign in again")
	}
	u := sess.User
	t, err := s.db.FindTOTP(ctx, u.ID)
	if err != nil {
		return "", nil, err
	}
	step, err := s.verify(u.ID, t, code)
	if err != nil {
		if vigil.ErrorCode(err) == vigil.EINVALID {
			_ = s.RecordRefusal(ctx, u, "session.mfa_refused", "user", strconv.FormatInt(u.ID, 10), map[string]any{"name": u.Name})
			return "", nil, vigil.Errorf(vigil.EUNAUTHORIZED, "%s", vigil.ErrorMessage(err))
		}
		return "", nil, err
	}
	return s.db.CompletePendingSession(ctx, pending, step, ttl)
}

// SessionSignIn starts the full session of an external user.
func (s *Service) SessionSignIn(ctx context.Context, u *vigil.User, ttl time.Duration, method string) (string, *vigil.Session, error) {
	return s.db.StartSession(ctx, u, ttl, map[string]any{"method": method})
}

// verify checks code against the user's secret at the store's clock,
// refusing a step at or before the last one accepted, and returns the
// step.
func (s *Service) verify(userID int64, t *store.TOTP, code string) (int64, error) {
	secret, err := s.open(userID, t.Sealed)
	if err != nil {
		return 0, err
	}
	c, err := totp.ParseCode(code)
	if err != nil {
		return 0, vigil.Errorf(vigil.EINVALID, "a code is the 6 digits your authenticator app shows")
	}
	now := s.db.Now()
	if step, ok := totp.Verify(secret, c, now, t.LastStep); ok {
		return step, nil
	}
	if _, ok := totp.Verify(secret, c, now, math.MinInt64); ok {
		return 0, vigil.Errorf(vigil.EINVALID, "that code was used already: wait for the next one")
	}
	return 0, vigil.Errorf(vigil.EINVALID, "wrong code: check the clock of the device with the authenticator app")
}

// seal encrypts a secret for the user's row with AES-256-GCM under a key
// derived from the audit key, which is kept outside the database; the
// user's ID is bound in, so that a sealed secret copied to another row
// does not open.
func (s *Service) seal(userID int64, secret []byte) (string, error) {
	aead, err := s.aead()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", vigil.WrapError(vigil.EINTERNAL, "could not seal the secret", err)
	}
	return sealPrefix + base64.RawURLEncoding.EncodeToString(aead.Seal(nonce, nonce, secret, sealAAD(userID))), nil
}

func (s *Service) open(userID int64, sealed string) ([]byte, error) {
	unreadable := vigil.Errorf(vigil.ECONFLICT, "the second factor cannot be read (was the audit key changed?): an admin must reset it")
	b64, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return nil, unreadable
	}
	aead, err := s.aead()
	if err != nil {
		return nil, err
	}
	b, err := base64.RawURLEncoding.DecodeString(b64)
	if err != nil || len(b) < aead.NonceSize() {
		return nil, unreadable
	}
	secret, err := aead.Open(nil, b[:aead.NonceSize()], b[aead.NonceSize():], sealAAD(userID))
	if err != nil {
		return nil, unreadable
	}
	return secret, nil
}

const sealPrefix = "v1."

func sealAAD(userID int64) []byte {
	return []byte("vigil totp secret v1, user " + strconv.FormatInt(userID, 10))
}

func (s *Service) aead() (cipher.AEAD, error) {
	key := s.db.SecretKey("totp")
	if key == nil {
		return nil, vigil.Errorf(vigil.EUNAVAILABLE, "second factors need the audit key, which seals their secrets: the store was opened without one")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINTERNAL, "sealing cipher", err)
	}
	return cipher.NewGCM(block)
}

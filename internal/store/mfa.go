package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// SecretKey returns a 32-byte key for purpose, derived from the audit key
// (HMAC-SHA256 over the purpose), or nil when the store was opened without
// one. The services seal secrets they keep in the database with it, so that
// a copy of the database alone does not reveal them.
func (db *DB) SecretKey(purpose string) []byte {
	if db.audit == nil || db.audit.key == nil {
		return nil
	}
	return db.audit.mac("vigil secret key\x00" + purpose)
}

// TOTP is a user's second factor as stored.
type TOTP struct {
	Sealed   string // the sealed secret; "" for none
	Enabled  bool   // confirmed by a first code
	LastStep int64  // the step of the last code accepted
}

// FindTOTP returns a user's second factor.
func (db *DB) FindTOTP(ctx context.Context, userID int64) (*TOTP, error) {
	var t TOTP
	var enabled int
	err := db.queryRow(ctx, `SELECT totp_secret, totp_enabled, totp_last_step FROM users WHERE id = ?`, userID).Scan(&t.Sealed, &enabled, &t.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no user %d", userID)
	} else if err != nil {
		return nil, dbErr("reading a second factor", err)
	}
	t.Enabled = enabled != 0
	return &t, nil
}

// BeginTOTP stores a sealed secret for the actor that a first code must
// confirm (EnableTOTP) before it is in force; it replaces an unconfirmed
// one. A confirmed second factor is disabled first.
func (db *DB) BeginTOTP(ctx context.Context, actor *vigil.User, sealed string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET totp_secret = ?, totp_last_step = 0 WHERE id = ? AND totp_enabled = 0 AND kind = ?`,
			sealed, actor.ID, string(vigil.UserLocal))
		if err != nil {
			return dbErr("setting up a second factor", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vigil.Errorf(vigil.ECONFLICT, "%s already has a second factor, or signs in through single sign-on", actor.Name)
		}
		return dbErr("setting up a second factor", tx.audit(ctx, actor, "user.mfa.enrol", "user", actor.ID, map[string]any{"name": actor.Name, "method": "totp"}))
	})
}

// EnableTOTP puts the actor's pending secret in force, confirmed by the
// code of step.
func (db *DB) EnableTOTP(ctx context.Context, actor *vigil.User, step int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET totp_enabled = 1, totp_last_step = ? WHERE id = ? AND totp_enabled = 0 AND totp_secret <> ''`, step, actor.ID)
		if err != nil {
			return dbErr("enabling a second factor", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vigil.Errorf(vigil.ECONFLICT, "there is no second factor waiting to be confirmed: start again")
		}
		return dbErr("enabling a second factor", tx.audit(ctx, actor, "user.mfa.enable", "user", actor.ID, map[string]any{"name": actor.Name, "method": "totp"}))
	})
}

// ClearTOTP removes name's second factor, confirmed or not, audited as
// action: "user.mfa.disable" when users turn off their own,
// "user.mfa.reset" when an admin or the command line resets someone's.
// It reports whether there was one.
func (db *DB) ClearTOTP(ctx context.Context, actor *vigil.User, name, action string) (bool, error) {
	had := false
	err := db.inTx(ctx, func(tx *Tx) error {
		u, err := tx.userByName(ctx, name)
		if err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE users SET totp_secret = '', totp_enabled = 0, totp_last_step = 0 WHERE id = ? AND totp_secret <> ''`, u.ID)
		if err != nil {
			return dbErr("removing a second factor", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		had = true
		return dbErr("removing a second factor", tx.audit(ctx, actor, action, "user", u.ID, map[string]any{"name": u.Name, "was_enabled": u.MFA}))
	})
	return had, err
}

// CreatePendingSession starts a sign-in whose password was right and whose
// second factor is still to come: its token opens nothing but the second
// step (FindPendingSession) and lasts ttl.
func (db *DB) CreatePendingSession(ctx context.Context, u *vigil.User, ttl time.Duration) (string, *vigil.Session, error) {
	token, csrf, err := newSessionSecrets()
	if err != nil {
		return "", nil, err
	}
	s := &vigil.Session{User: u, CSRFToken: csrf}
	err = db.inTx(ctx, func(tx *Tx) error { return tx.insertSession(ctx, token, s, ttl, true) })
	if err != nil {
		return "", nil, err
	}
	return token, s, nil
}

// FindPendingSession returns the live sign-in of a token that waits for its
// second factor.
func (db *DB) FindPendingSession(ctx context.Context, token string) (*vigil.Session, error) {
	return db.findSession(ctx, token, true)
}

// CompletePendingSession ends the pending sign-in of token and starts a
// full session lasting ttl, with a new token, once the second factor's code
// of step is verified. The step must be later than the last one accepted
// for the user, checked and recorded in the same statement, so that one
// code never opens two sessions.
func (db *DB) CompletePendingSession(ctx context.Context, pending string, step int64, ttl time.Duration) (string, *vigil.Session, error) {
	token, csrf, err := newSessionSecrets()
	if err != nil {
		return "", nil, err
	}
	var s *vigil.Session
	err = db.inTx(ctx, func(tx *Tx) error {
		var uid int64
		var exp string
		err := tx.queryRow(ctx, `SELECT user_id, expires_at FROM sessions WHERE token_hash = ? AND pending = 1`+tx.db.dialect.forUpdate(), hashSecret(pending)).Scan(&uid, &exp)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !parseTime(exp).After(tx.now) {
			return vigil.Errorf(vigil.EUNAUTHORIZED, "the sign-in has expired: sign in again")
		} else if err != nil {
			return dbErr("completing a sign-in", err)
		}
		u, err := tx.userByID(ctx, uid)
		if err != nil {
			return err
		}
		if u.Disabled {
			return vigil.Errorf(vigil.EUNAUTHORIZED, "the sign-in has expired: sign in again")
		}
		res, err := tx.exec(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_enabled = 1 AND totp_last_step < ?`, step, uid, step)
		if err != nil {
			return dbErr("completing a sign-in", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return vigil.Errorf(vigil.EUNAUTHORIZED, "that code was used already: wait for the next one")
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashSecret(pending)); err != nil {
			return dbErr("completing a sign-in", err)
		}
		s = &vigil.Session{User: u, CSRFToken: csrf}
		if err := tx.insertSession(ctx, token, s, ttl, false); err != nil {
			return err
		}
		return dbErr("completing a sign-in", tx.audit(ctx, u, "session.create", "user", u.ID, map[string]any{"method": "password", "second_factor": "totp"}))
	})
	if err != nil {
		return "", nil, err
	}
	return token, s, nil
}

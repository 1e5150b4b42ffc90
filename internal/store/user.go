package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// CreateUser adds a user whose password has the given hash (PHC format).
func (db *DB) CreateUser(ctx context.Context, actor *vigil.User, u *vigil.User, passwordHash string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE name = ?`, u.Name).Scan(&n); err != nil {
			return dbErr("creating a user", err)
		}
		if n > 0 {
			return vigil.Errorf(vigil.ECONFLICT, "user %q already exists", u.Name)
		}
		u.CreatedAt = tx.now
		if err := tx.queryRow(ctx, `INSERT INTO users (name, role, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			u.Name, string(u.Role), passwordHash, boolInt(u.Disabled), tx.nowText()).Scan(&u.ID); err != nil {
			return dbErr("creating a user", err)
		}
		return dbErr("creating a user", tx.audit(ctx, actor, "user.create", "user", u.ID, map[string]any{"name": u.Name, "role": u.Role}))
	})
}

// SetPasswordHash replaces a user's password hash and ends the user's
// sessions.
func (db *DB) SetPasswordHash(ctx context.Context, actor *vigil.User, name, passwordHash string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		var id int64
		if err := tx.queryRow(ctx, `SELECT id FROM users WHERE name = ?`, name).Scan(&id); errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.ENOTFOUND, "no user %q", name)
		} else if err != nil {
			return dbErr("setting a password", err)
		}
		if _, err := tx.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, passwordHash, id); err != nil {
			return dbErr("setting a password", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, id); err != nil {
			return dbErr("setting a password", err)
		}
		return dbErr("setting a password", tx.audit(ctx, actor, "user.password", "user", id, map[string]any{"name": name}))
	})
}

// FindUsers lists users by name.
func (db *DB) FindUsers(ctx context.Context) ([]*vigil.User, error) {
	rows, err := db.query(ctx, `SELECT id, name, role, disabled, created_at FROM users ORDER BY name`)
	if err != nil {
		return nil, dbErr("listing users", err)
	}
	defer rows.Close()
	var out []*vigil.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, dbErr("listing users", err)
		}
		out = append(out, u)
	}
	return out, dbErr("listing users", rows.Err())
}

func scanUser(s scanner) (*vigil.User, error) {
	var u vigil.User
	var role, created string
	var disabled int
	if err := s.Scan(&u.ID, &u.Name, &role, &disabled, &created); err != nil {
		return nil, err
	}
	u.Role, u.Disabled, u.CreatedAt = vigil.Role(role), disabled != 0, parseTime(created)
	return &u, nil
}

// FindCredentials returns a user and the hash of the user's password, or
// an ENOTFOUND error.
func (db *DB) FindCredentials(ctx context.Context, name string) (*vigil.User, string, error) {
	var hash string
	row := db.queryRow(ctx, `SELECT id, name, role, disabled, created_at, password_hash FROM users WHERE name = ?`, name)
	var u vigil.User
	var role, created string
	var disabled int
	err := row.Scan(&u.ID, &u.Name, &role, &disabled, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", vigil.Errorf(vigil.ENOTFOUND, "no such user")
	} else if err != nil {
		return nil, "", dbErr("signing in", err)
	}
	u.Role, u.Disabled, u.CreatedAt = vigil.Role(role), disabled != 0, parseTime(created)
	return &u, hash, nil
}

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// CreateSession starts a browser session and returns its secret token. Only
// the token's hash is stored.
func (db *DB) CreateSession(ctx context.Context, u *vigil.User, ttl time.Duration) (string, *vigil.Session, error) {
	token, err := newSecret()
	if err != nil {
		return "", nil, vigil.WrapError(vigil.EINTERNAL, "could not create a session", err)
	}
	csrf, err := newSecret()
	if err != nil {
		return "", nil, vigil.WrapError(vigil.EINTERNAL, "could not create a session", err)
	}
	s := &vigil.Session{User: u, CSRFToken: csrf}
	err = db.inTx(ctx, func(tx *Tx) error {
		s.ExpiresAt = tx.now.Add(ttl)
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, tx.nowText()); err != nil {
			return dbErr("creating a session", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			hashSecret(token), u.ID, csrf, tx.nowText(), fmtTime(s.ExpiresAt)); err != nil {
			return dbErr("creating a session", err)
		}
		return dbErr("creating a session", tx.audit(ctx, u, "session.create", "user", u.ID, nil))
	})
	if err != nil {
		return "", nil, err
	}
	return token, s, nil
}

// FindSession returns the live session for a token.
func (db *DB) FindSession(ctx context.Context, token string) (*vigil.Session, error) {
	row := db.queryRow(ctx, `SELECT u.id, u.name, u.role, u.disabled, u.created_at, s.csrf_token, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`, hashSecret(token))
	var u vigil.User
	var role, created, exp string
	var disabled int
	var s vigil.Session
	err := row.Scan(&u.ID, &u.Name, &role, &disabled, &created, &s.CSRFToken, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "not signed in")
	} else if err != nil {
		return nil, dbErr("reading a session", err)
	}
	u.Role, u.Disabled, u.CreatedAt = vigil.Role(role), disabled != 0, parseTime(created)
	s.User, s.ExpiresAt = &u, parseTime(exp)
	if u.Disabled || !s.ExpiresAt.After(db.Now()) {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "the session has expired")
	}
	return &s, nil
}

// DeleteSession signs a browser out.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		var uid int64
		err := tx.queryRow(ctx, `SELECT user_id FROM sessions WHERE token_hash = ?`, hashSecret(token)).Scan(&uid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return dbErr("signing out", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashSecret(token)); err != nil {
			return dbErr("signing out", err)
		}
		return dbErr("signing out", tx.audit(ctx, &vigil.User{ID: uid, Name: db.userName(ctx, tx, uid)}, "session.delete", "user", uid, nil))
	})
}

func (db *DB) userName(ctx context.Context, tx *Tx, id int64) string {
	var n string
	_ = tx.queryRow(ctx, `SELECT name FROM users WHERE id = ?`, id).Scan(&n)
	return n
}

// CreateAPIToken issues a bearer token for actor and returns its secret once.
func (db *DB) CreateAPIToken(ctx context.Context, actor *vigil.User, name string) (string, *vigil.APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 {
		return "", nil, vigil.Errorf(vigil.EINVALID, "a token needs a name of 1-64 characters")
	}
	secret, err := newSecret()
	if err != nil {
		return "", nil, vigil.WrapError(vigil.EINTERNAL, "could not create a token", err)
	}
	secret = "vgl_" + secret
	t := &vigil.APIToken{UserID: actor.ID, Name: name}
	err = db.inTx(ctx, func(tx *Tx) error {
		t.CreatedAt = tx.now
		if err := tx.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			actor.ID, name, hashSecret(secret), tx.nowText()).Scan(&t.ID); err != nil {
			return dbErr("creating a token", err)
		}
		return dbErr("creating a token", tx.audit(ctx, actor, "token.create", "api_token", t.ID, map[string]any{"name": name}))
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// FindUserByAPIToken returns the user a bearer token belongs to.
func (db *DB) FindUserByAPIToken(ctx context.Context, secret string) (*vigil.User, error) {
	row := db.queryRow(ctx, `SELECT u.id, u.name, u.role, u.disabled, u.created_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hashSecret(secret))
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "unknown API token")
	} else if err != nil {
		return nil, dbErr("reading a token", err)
	}
	if u.Disabled {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "the token's user is disabled")
	}
	return u, nil
}

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
	u.Kind, u.MFA = vigil.UserLocal, false
	return db.inTx(ctx, func(tx *Tx) error {
		// One statement, so that two people adding one name at once get
		// one user and one conflict, never a unique-key failure.
		u.CreatedAt = tx.now
		err := tx.queryRow(ctx, `INSERT INTO users (name, role, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id`,
			u.Name, string(u.Role), passwordHash, boolInt(u.Disabled), tx.nowText()).Scan(&u.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.ECONFLICT, "user %q already exists", u.Name)
		} else if err != nil {
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
		var kind string
		if err := tx.queryRow(ctx, `SELECT id, kind FROM users WHERE name = ?`, name).Scan(&id, &kind); errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.ENOTFOUND, "no user %q", name)
		} else if err != nil {
			return dbErr("setting a password", err)
		}
		if vigil.UserKind(kind) == vigil.UserExternal {
			return vigil.Errorf(vigil.ECONFLICT, "%s signs in through single sign-on and has no password in Vigil", name)
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
	rows, err := db.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
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

// userColumns are the columns scanUser reads, in its order.
const userColumns = `id, name, role, disabled, created_at, kind, totp_enabled`

// userCols prefixes userColumns with a table alias.
func userCols(alias string) string {
	return alias + "." + strings.ReplaceAll(userColumns, ", ", ", "+alias+".")
}

// scanUser reads userColumns and then extra.
func scanUser(s scanner, extra ...any) (*vigil.User, error) {
	var u vigil.User
	var role, created, kind string
	var disabled, mfa int
	if err := s.Scan(append([]any{&u.ID, &u.Name, &role, &disabled, &created, &kind, &mfa}, extra...)...); err != nil {
		return nil, err
	}
	u.Role, u.Disabled, u.CreatedAt = vigil.Role(role), disabled != 0, parseTime(created)
	u.Kind, u.MFA = vigil.UserKind(kind), mfa != 0
	return &u, nil
}

// FindCredentials returns a user and the hash of the user's password, or
// an ENOTFOUND error.
func (db *DB) FindCredentials(ctx context.Context, name string) (*vigil.User, string, error) {
	var hash string
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE name = ?`, name), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", vigil.Errorf(vigil.ENOTFOUND, "no such user")
	} else if err != nil {
		return nil, "", dbErr("signing in", err)
	}
	return u, hash, nil
}

func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// newSessionSecrets returns a new session's token and CSRF token.
func newSessionSecrets() (token, csrf string, err error) {
	if token, err = newSecret(); err == nil {
		csrf, err = newSecret()
	}
	if err != nil {
		return "", "", vigil.WrapError(vigil.EINTERNAL, "could not create a session", err)
	}
	return token, csrf, nil
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// CreateSession starts a browser session and returns its secret token. Only
// the token's hash is stored.
func (db *DB) CreateSession(ctx context.Context, u *vigil.User, ttl time.Duration) (string, *vigil.Session, error) {
	return db.StartSession(ctx, u, ttl, nil)
}

// StartSession starts a browser session like CreateSession, its audit
// event carrying detail (how the user signed in; no secret).
func (db *DB) StartSession(ctx context.Context, u *vigil.User, ttl time.Duration, detail map[string]any) (string, *vigil.Session, error) {
	token, csrf, err := newSessionSecrets()
	if err != nil {
		return "", nil, err
	}
	s := &vigil.Session{User: u, CSRFToken: csrf}
	err = db.inTx(ctx, func(tx *Tx) error {
		if err := tx.insertSession(ctx, token, s, ttl, false); err != nil {
			return err
		}
		return dbErr("creating a session", tx.audit(ctx, u, "session.create", "user", u.ID, detail))
	})
	if err != nil {
		return "", nil, err
	}
	return token, s, nil
}

// insertSession stores a session of token for s.User lasting ttl, setting
// s.ExpiresAt, and drops the sessions that have expired.
func (tx *Tx) insertSession(ctx context.Context, token string, s *vigil.Session, ttl time.Duration, pending bool) error {
	s.ExpiresAt = tx.now.Add(ttl)
	if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE expires_at < ?`, tx.nowText()); err != nil {
		return dbErr("creating a session", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, pending) VALUES (?, ?, ?, ?, ?, ?)`,
		hashSecret(token), s.User.ID, s.CSRFToken, tx.nowText(), fmtTime(s.ExpiresAt), boolInt(pending)); err != nil {
		return dbErr("creating a session", err)
	}
	return nil
}

// FindSession returns the live session for a token.
func (db *DB) FindSession(ctx context.Context, token string) (*vigil.Session, error) {
	return db.findSession(ctx, token, false)
}

// findSession returns the live session of a token: a full one, or one
// waiting for its second factor when pending is set.
func (db *DB) findSession(ctx context.Context, token string, pending bool) (*vigil.Session, error) {
	row := db.queryRow(ctx, `SELECT `+userCols("u")+`, s.csrf_token, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.pending = ?`, hashSecret(token), boolInt(pending))
	var s vigil.Session
	var exp string
	u, err := scanUser(row, &s.CSRFToken, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.EUNAUTHORIZED, "not signed in")
	} else if err != nil {
		return nil, dbErr("reading a session", err)
	}
	s.User, s.ExpiresAt = u, parseTime(exp)
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

// CreateAPIToken issues actor a token of DefaultTokenTTL (read-only for
// an auditor) and returns its secret once.
func (db *DB) CreateAPIToken(ctx context.Context, actor *vigil.User, name string) (string, *vigil.APIToken, error) {
	return db.IssueAPIToken(ctx, actor, &vigil.APIToken{UserID: actor.ID, Name: name}, vigil.DefaultTokenTTL)
}

// IssueAPIToken issues the token t describes (its UserID, Name and
// ReadOnly) lasting ttl, audited as actor, and returns its secret once.
// The owner's role is read in the transaction: an auditor's token is
// always read-only, and a disabled user gets none.
func (db *DB) IssueAPIToken(ctx context.Context, actor *vigil.User, t *vigil.APIToken, ttl time.Duration) (string, *vigil.APIToken, error) {
	name := strings.TrimSpace(t.Name)
	if name == "" || len(name) > 64 {
		return "", nil, vigil.Errorf(vigil.EINVALID, "a token needs a name of 1-64 characters")
	}
	if ttl <= 0 || ttl > vigil.MaxTokenTTL {
		return "", nil, vigil.Errorf(vigil.EINVALID, "a token lasts at most %d days", int(vigil.MaxTokenTTL/(24*time.Hour)))
	}
	secret, err := newSecret()
	if err != nil {
		return "", nil, vigil.WrapError(vigil.EINTERNAL, "could not create a token", err)
	}
	secret = "vgl_" + secret
	out := &vigil.APIToken{UserID: t.UserID, Name: name, ReadOnly: t.ReadOnly}
	err = db.inTx(ctx, func(tx *Tx) error {
		owner, err := tx.userByID(ctx, t.UserID)
		if err != nil {
			return err
		}
		if owner.Disabled {
			return vigil.Errorf(vigil.ECONFLICT, "user %q is disabled", owner.Name)
		}
		out.UserName = owner.Name
		out.ReadOnly = out.ReadOnly || !owner.Role.Can(vigil.PermInventoryWrite) && !owner.Role.Can(vigil.PermComplianceWrite)
		out.CreatedAt, out.ExpiresAt = tx.now, tx.now.Add(ttl)
		if err := tx.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, read_only) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
			owner.ID, name, hashSecret(secret), tx.nowText(), fmtTime(out.ExpiresAt), boolInt(out.ReadOnly)).Scan(&out.ID); err != nil {
			return dbErr("creating a token", err)
		}
		return dbErr("creating a token", tx.audit(ctx, actor, "token.create", "api_token", out.ID,
			map[string]any{"name": name, "user": owner.Name, "read_only": out.ReadOnly, "expires_at": fmtTime(out.ExpiresAt)}))
	})
	if err != nil {
		return "", nil, err
	}
	return secret, out, nil
}

const tokenColumns = `t.id, t.user_id, u.name, t.name, t.read_only, t.created_at, t.expires_at, t.revoked_at, t.last_used`

// scanToken reads tokenColumns and then extra.
func scanToken(s scanner, extra ...any) (*vigil.APIToken, error) {
	var t vigil.APIToken
	var ro int
	var created string
	var expires, revoked, used sql.NullString
	if err := s.Scan(append([]any{&t.ID, &t.UserID, &t.UserName, &t.Name, &ro, &created, &expires, &revoked, &used}, extra...)...); err != nil {
		return nil, err
	}
	t.ReadOnly, t.CreatedAt = ro != 0, parseTime(created)
	t.ExpiresAt = t.CreatedAt.Add(vigil.DefaultTokenTTL) // issued before tokens expired
	if expires.Valid && expires.String != "" {
		t.ExpiresAt = parseTime(expires.String)
	}
	t.RevokedAt, t.LastUsed = optTime(revoked), optTime(used)
	return &t, nil
}

func optTime(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

// FindAPITokens lists the tokens of one user, or of every user when
// userID is 0, newest first, revoked and expired ones included.
func (db *DB) FindAPITokens(ctx context.Context, userID int64) ([]*vigil.APIToken, error) {
	rows, err := db.query(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE ? = 0 OR t.user_id = ? ORDER BY t.created_at DESC, t.id DESC`, userID, userID)
	if err != nil {
		return nil, dbErr("listing tokens", err)
	}
	defer rows.Close()
	var out []*vigil.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, dbErr("listing tokens", err)
		}
		out = append(out, t)
	}
	return out, dbErr("listing tokens", rows.Err())
}

// RevokeAPIToken revokes a token at once. Its owner or an admin may; to
// anyone else it does not exist.
func (db *DB) RevokeAPIToken(ctx context.Context, actor *vigil.User, id int64) error {
	return db.inTx(ctx, func(tx *Tx) error {
		t, err := scanToken(tx.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) || err == nil && t.UserID != actor.ID && !actor.Role.Can(vigil.PermUsersAdmin) {
			return vigil.Errorf(vigil.ENOTFOUND, "no token %d", id)
		} else if err != nil {
			return dbErr("revoking a token", err)
		}
		if t.RevokedAt != nil {
			return nil
		}
		if _, err := tx.exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ?`, tx.nowText(), id); err != nil {
			return dbErr("revoking a token", err)
		}
		return dbErr("revoking a token", tx.audit(ctx, actor, "token.revoke", "api_token", id, map[string]any{"name": t.Name, "user": t.UserName}))
	})
}

// FindUserByAPIToken returns the user a live bearer token belongs to.
func (db *DB) FindUserByAPIToken(ctx context.Context, secret string) (*vigil.User, error) {
	u, _, err := db.FindAPIToken(ctx, secret)
	return u, err
}

// FindAPIToken returns a live token's user and the token: not revoked,
// not expired, its user not disabled.
func (db *DB) FindAPIToken(ctx context.Context, secret string) (*vigil.User, *vigil.APIToken, error) {
	row := db.queryRow(ctx, `SELECT `+tokenColumns+`, u.role, u.disabled, u.created_at, u.kind, u.totp_enabled FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?`, hashSecret(secret))
	var role, created, kind string
	var disabled, mfa int
	tok, err := scanToken(row, &role, &disabled, &created, &kind, &mfa)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, vigil.Errorf(vigil.EUNAUTHORIZED, "unknown API token")
	} else if err != nil {
		return nil, nil, dbErr("reading a token", err)
	}
	u := vigil.User{ID: tok.UserID, Name: tok.UserName, Role: vigil.Role(role), Disabled: disabled != 0, CreatedAt: parseTime(created),
		Kind: vigil.UserKind(kind), MFA: mfa != 0}
	switch {
	case u.Disabled:
		return nil, nil, vigil.Errorf(vigil.EUNAUTHORIZED, "the token's user is disabled")
	case tok.RevokedAt != nil:
		return nil, nil, vigil.Errorf(vigil.EUNAUTHORIZED, "the API token was revoked")
	case !tok.Active(db.Now()):
		return nil, nil, vigil.Errorf(vigil.EUNAUTHORIZED, "the API token has expired")
	}
	return &u, tok, nil
}

func (tx *Tx) userByID(ctx context.Context, id int64) (*vigil.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no user %d", id)
	}
	return u, dbErr("reading a user", err)
}

// userByName reads a user in the transaction, locked for the change.
func (tx *Tx) userByName(ctx context.Context, name string) (*vigil.User, error) {
	u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`+tx.db.dialect.forUpdate(), name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no user %q", name)
	}
	return u, dbErr("reading a user", err)
}

// FindUser returns a user by name.
func (db *DB) FindUser(ctx context.Context, name string) (*vigil.User, error) {
	u, err := scanUser(db.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no user %q", name)
	}
	return u, dbErr("reading a user", err)
}

// keepAnAdmin refuses a change that would leave no enabled admin: the
// enabled admins are locked first, so that two admins cannot disable each
// other at once on PostgreSQL.
func (tx *Tx) keepAnAdmin(ctx context.Context, u *vigil.User) error {
	if u.Role != vigil.RoleAdmin || u.Disabled {
		return nil
	}
	rows, err := tx.query(ctx, `SELECT id FROM users WHERE role = ? AND disabled = 0`+tx.db.dialect.forUpdate(), string(vigil.RoleAdmin))
	if err != nil {
		return dbErr("counting admins", err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("counting admins", err)
	}
	if n <= 1 {
		return vigil.Errorf(vigil.ECONFLICT, "%s is the last enabled admin: make another admin first", u.Name)
	}
	return nil
}

// SetUserDisabled disables or re-enables a user. Disabling ends the user's
// sessions at once; the user's tokens stop working with it (every request
// reads the flag) and work again on re-enabling unless revoked or expired.
func (db *DB) SetUserDisabled(ctx context.Context, actor *vigil.User, name string, disabled bool) error {
	return db.inTx(ctx, func(tx *Tx) error {
		u, err := tx.userByName(ctx, name)
		if err != nil {
			return err
		}
		if u.Disabled == disabled {
			return nil
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
			if err := tx.keepAnAdmin(ctx, u); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
				return dbErr("disabling a user", err)
			}
		}
		if _, err := tx.exec(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, boolInt(disabled), u.ID); err != nil {
			return dbErr("disabling a user", err)
		}
		return dbErr("disabling a user", tx.audit(ctx, actor, action, "user", u.ID, map[string]any{"name": u.Name}))
	})
}

// SetUserRole changes a user's role, in force at the user's next request.
func (db *DB) SetUserRole(ctx context.Context, actor *vigil.User, name string, role vigil.Role) error {
	if !role.Valid() {
		return vigil.Errorf(vigil.EINVALID, "unknown role %q (admin, compliance, clinical-engineering, it or auditor)", role)
	}
	return db.inTx(ctx, func(tx *Tx) error {
		u, err := tx.userByName(ctx, name)
		if err != nil {
			return err
		}
		if u.Role == role {
			return nil
		}
		if err := tx.keepAnAdmin(ctx, u); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE users SET role = ? WHERE id = ?`, string(role), u.ID); err != nil {
			return dbErr("changing a role", err)
		}
		return dbErr("changing a role", tx.audit(ctx, actor, "user.role", "user", u.ID, map[string]any{"name": u.Name, "from": u.Role, "to": role}))
	})
}

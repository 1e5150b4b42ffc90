package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

// ExternalSignIn is a person the OpenID Connect provider vouched for.
type ExternalSignIn struct {
	// Issuer and Subject name the person for good: the provider's issuer
	// URL and its "sub" claim.
	Issuer, Subject string
	// Name is the user name to create the user with; when another user
	// has it, "-2", "-3", ... are tried.
	Name string
	// Role is the role the provider's groups give; ignored when Refusal
	// is set.
	Role vigil.Role
	// Refusal, when set, is why the person may not sign in (no group that
	// maps to a role, an e-mail domain not allowed); it is shown to them.
	Refusal string
	// Detail goes into the audit events (the matched group, the e-mail
	// address); never a secret.
	Detail map[string]any
}

// maxNameTries bounds the suffixes tried for a taken user name.
const maxNameTries = 50

// SignInExternal finds or creates the user of an external sign-in and
// brings the user's role in line with the provider, all audited; or, for a
// refusal or a disabled user, records the refusal, ends any sessions the
// user has, and returns the refusal (EFORBIDDEN, or EUNAUTHORIZED for a
// disabled user).
func (db *DB) SignInExternal(ctx context.Context, in ExternalSignIn) (*vigil.User, error) {
	if in.Refusal == "" && !in.Role.Valid() {
		return nil, vigil.Errorf(vigil.EINVALID, "unknown role %q", in.Role)
	}
	var refused error
	var out *vigil.User
	err := db.inTx(ctx, func(tx *Tx) error {
		refused, out = nil, nil
		u, err := scanUser(tx.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE kind = ? AND external_issuer = ? AND external_subject = ?`+tx.db.dialect.forUpdate(),
			string(vigil.UserExternal), in.Issuer, in.Subject))
		if errors.Is(err, sql.ErrNoRows) {
			u = nil
		} else if err != nil {
			return dbErr("signing in", err)
		}
		detail := map[string]any{"kind": vigil.UserExternal, "issuer": in.Issuer, "subject": in.Subject}
		for k, v := range in.Detail {
			detail[k] = v
		}
		switch {
		case in.Refusal != "":
			refused = vigil.Errorf(vigil.EFORBIDDEN, "%s", in.Refusal)
			detail["reason"] = in.Refusal
		case u != nil && u.Disabled:
			refused = vigil.Errorf(vigil.EUNAUTHORIZED, "your Vigil account is disabled")
			detail["reason"] = "disabled"
		}
		if refused != nil {
			actor := &vigil.User{Name: "oidc:" + in.Name}
			var id any = in.Subject
			if u != nil {
				actor, id = u, u.ID
				if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID); err != nil {
					return dbErr("signing in", err)
				}
			}
			return dbErr("signing in", tx.audit(ctx, actor, "session.refused", "user", id, detail))
		}
		if u == nil {
			out, err = tx.createExternal(ctx, in, detail)
			return err
		}
		if u.Role != in.Role {
			if _, err := tx.exec(ctx, `UPDATE users SET role = ? WHERE id = ?`, string(in.Role), u.ID); err != nil {
				return dbErr("signing in", err)
			}
			detail["name"], detail["from"], detail["to"], detail["source"] = u.Name, u.Role, in.Role, "oidc"
			if err := tx.audit(ctx, u, "user.role", "user", u.ID, detail); err != nil {
				return dbErr("signing in", err)
			}
			u.Role = in.Role
		}
		out = u
		return nil
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	return out, nil
}

// createExternal adds the user of a first external sign-in under the
// first free name of in.Name, in.Name-2, in.Name-3, ...: a local user's
// name is never taken over.
func (tx *Tx) createExternal(ctx context.Context, in ExternalSignIn, detail map[string]any) (*vigil.User, error) {
	u := &vigil.User{Role: in.Role, Kind: vigil.UserExternal, CreatedAt: tx.now}
	for i := 1; i <= maxNameTries; i++ {
		u.Name = in.Name
		if i > 1 {
			suffix := "-" + strconv.Itoa(i)
			u.Name = in.Name[:min(len(in.Name), 63-len(suffix))] + suffix
		}
		if err := u.Validate(); err != nil {
			return nil, err
		}
		// An external user's password hash is "!", which no password
		// matches (and the account service never checks it).
		err := tx.queryRow(ctx, `INSERT INTO users (name, role, password_hash, disabled, created_at, kind, external_issuer, external_subject)
			VALUES (?, ?, '!', 0, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id`,
			u.Name, string(u.Role), tx.nowText(), string(vigil.UserExternal), in.Issuer, in.Subject).Scan(&u.ID)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return nil, dbErr("creating a user", err)
		}
		detail["name"], detail["role"] = u.Name, u.Role
		return u, dbErr("creating a user", tx.audit(ctx, u, "user.create", "user", u.ID, detail))
	}
	return nil, vigil.Errorf(vigil.ECONFLICT, "no free user name for %s: an admin must rename a user", in.Name)
}

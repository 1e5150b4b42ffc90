// Package account holds the use cases of Vigil's own users: creating them,
// setting their passwords and signing them in. Passwords are hashed here
// (internal/password, argon2id) and only their hashes reach the store.
package account

import (
	"context"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/password"
	"github.com/vigil-health/vigil/internal/store"
)

// MinPasswordLength is the shortest password Vigil accepts.
const MinPasswordLength = 12

// Service creates users, changes passwords and checks sign-ins.
type Service struct {
	db     *store.DB
	params password.Params
	// dummy is a hash with the service's own parameters, checked when a
	// user does not exist so that a sign-in takes as long either way.
	dummy string
	// check verifies a password against a hash: password.Check, which a
	// test replaces to see which hashes a sign-in verifies.
	check func(pw, hash string) error
}

// New returns the account service. Fast lowers the argon2id cost, for tests
// only.
func New(db *store.DB, fast bool) *Service {
	p := password.Default
	if fast {
		p = password.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	}
	// The dummy's password is random and thrown away: nothing matches it.
	secret, err := password.Generate(32)
	if err != nil {
		panic("account: no randomness: " + err.Error())
	}
	dummy, err := password.Hash(secret, p)
	if err != nil {
		panic("account: " + err.Error())
	}
	return &Service{db: db, params: p, dummy: dummy, check: password.Check}
}

// CreateUser adds a user with an argon2id hash of pw, audited as actor.
func (s *Service) CreateUser(ctx context.Context, actor, u *vigil.User, pw string) error {
	if err := u.Validate(); err != nil {
		return err
	}
	hash, err := s.hash(pw)
	if err != nil {
		return err
	}
	return s.db.CreateUser(ctx, actor, u, hash)
}

// SetPassword replaces a user's password and ends the user's sessions.
func (s *Service) SetPassword(ctx context.Context, actor *vigil.User, name, pw string) error {
	hash, err := s.hash(pw)
	if err != nil {
		return err
	}
	return s.db.SetPasswordHash(ctx, actor, name, hash)
}

func (s *Service) hash(pw string) (string, error) {
	if len(pw) < MinPasswordLength {
		return "", vigil.Errorf(vigil.EINVALID, "a password needs at least %d characters", MinPasswordLength)
	}
	hash, err := password.Hash(pw, s.params)
	if err != nil {
		return "", vigil.WrapError(vigil.EINTERNAL, "could not hash the password", err)
	}
	return hash, nil
}

// errBadLogin is the one answer to every failed sign-in, so that it does not
// tell whether the user exists.
var errBadLogin = vigil.Errorf(vigil.EUNAUTHORIZED, "wrong user name or password")

// Authenticate checks a user name and password.
func (s *Service) Authenticate(ctx context.Context, name, pw string) (*vigil.User, error) {
	u, hash, err := s.db.FindCredentials(ctx, name)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		_ = s.check(pw, s.dummy)
		return nil, errBadLogin
	} else if err != nil {
		return nil, err
	}
	if u.External() {
		// No password opens an external user's account; the dummy keeps
		// the answer's cost the same.
		_ = s.check(pw, s.dummy)
		return nil, errBadLogin
	}
	if s.check(pw, hash) != nil || u.Disabled {
		return nil, errBadLogin
	}
	return u, nil
}

var _ vigil.UserService = (*Service)(nil)

// FindUsers lists users by name.
func (s *Service) FindUsers(ctx context.Context) ([]*vigil.User, error) { return s.db.FindUsers(ctx) }

// CreateSession starts a session for u and returns its secret token.
func (s *Service) CreateSession(ctx context.Context, u *vigil.User, ttl time.Duration) (string, *vigil.Session, error) {
	return s.db.CreateSession(ctx, u, ttl)
}

// FindSession returns the live session of a token.
func (s *Service) FindSession(ctx context.Context, token string) (*vigil.Session, error) {
	return s.db.FindSession(ctx, token)
}

// DeleteSession ends a session.
func (s *Service) DeleteSession(ctx context.Context, token string) error {
	return s.db.DeleteSession(ctx, token)
}

// CreateAPIToken issues actor a token of DefaultTokenTTL and returns its
// secret once.
func (s *Service) CreateAPIToken(ctx context.Context, actor *vigil.User, name string) (string, *vigil.APIToken, error) {
	return s.CreateToken(ctx, actor, TokenRequest{Name: name})
}

// TokenRequest describes a token to issue.
type TokenRequest struct {
	Name string
	// User owns the token: empty for the actor. Only an admin issues
	// tokens for others.
	User string
	// TTL is how long it lasts: 0 for vigil.DefaultTokenTTL, at most
	// vigil.MaxTokenTTL.
	TTL      time.Duration
	ReadOnly bool
}

// CreateToken issues a token and returns its secret once. An auditor's
// token is read-only whatever is asked.
func (s *Service) CreateToken(ctx context.Context, actor *vigil.User, req TokenRequest) (string, *vigil.APIToken, error) {
	ownerID := actor.ID
	if req.User != "" && req.User != actor.Name {
		if !actor.Role.Can(vigil.PermUsersAdmin) {
			return "", nil, vigil.Errorf(vigil.EFORBIDDEN, "only an admin issues tokens for another user")
		}
		owner, err := s.db.FindUser(ctx, req.User)
		if err != nil {
			return "", nil, err
		}
		ownerID = owner.ID
	}
	ttl := req.TTL
	if ttl == 0 {
		ttl = vigil.DefaultTokenTTL
	}
	return s.db.IssueAPIToken(ctx, actor, &vigil.APIToken{UserID: ownerID, Name: req.Name, ReadOnly: req.ReadOnly}, ttl)
}

// ListTokens lists the actor's tokens, or every user's when all is set
// (admins only).
func (s *Service) ListTokens(ctx context.Context, actor *vigil.User, all bool) ([]*vigil.APIToken, error) {
	if all {
		if !actor.Role.Can(vigil.PermUsersAdmin) {
			return nil, vigil.Errorf(vigil.EFORBIDDEN, "only an admin lists every user's tokens")
		}
		return s.db.FindAPITokens(ctx, 0)
	}
	return s.db.FindAPITokens(ctx, actor.ID)
}

// RevokeToken revokes one of the actor's tokens, or anyone's for an admin.
func (s *Service) RevokeToken(ctx context.Context, actor *vigil.User, id int64) error {
	return s.db.RevokeAPIToken(ctx, actor, id)
}

// FindUserByAPIToken returns the user of a live API token's secret.
func (s *Service) FindUserByAPIToken(ctx context.Context, secret string) (*vigil.User, error) {
	return s.db.FindUserByAPIToken(ctx, secret)
}

// AuthenticateToken returns a live token's user and the token itself (the
// caller enforces ReadOnly).
func (s *Service) AuthenticateToken(ctx context.Context, secret string) (*vigil.User, *vigil.APIToken, error) {
	return s.db.FindAPIToken(ctx, secret)
}

// FindUser returns a user by name.
func (s *Service) FindUser(ctx context.Context, name string) (*vigil.User, error) {
	return s.db.FindUser(ctx, name)
}

// SetDisabled disables or re-enables a user: a disabled user's sessions
// end and tokens stop at once. The last enabled admin stays.
func (s *Service) SetDisabled(ctx context.Context, actor *vigil.User, name string, disabled bool) error {
	return s.db.SetUserDisabled(ctx, actor, name, disabled)
}

// SetRole changes a user's role. The last enabled admin stays one.
func (s *Service) SetRole(ctx context.Context, actor *vigil.User, name string, role vigil.Role) error {
	return s.db.SetUserRole(ctx, actor, name, role)
}

// ChangePassword replaces the actor's own password after checking the
// current one; every session of the actor ends.
func (s *Service) ChangePassword(ctx context.Context, actor *vigil.User, current, next string) error {
	if actor.External() {
		return vigil.Errorf(vigil.ECONFLICT, "you sign in through single sign-on: your password is kept by your provider")
	}
	if _, err := s.Authenticate(ctx, actor.Name, current); vigil.ErrorCode(err) == vigil.EUNAUTHORIZED {
		return vigil.Errorf(vigil.EINVALID, "the current password is wrong")
	} else if err != nil {
		return err
	}
	if current == next {
		return vigil.Errorf(vigil.EINVALID, "the new password is the current one")
	}
	return s.SetPassword(ctx, actor, actor.Name, next)
}

// RecordRefusal audits a change the actor asked for and was refused, so
// that an attempt to exceed one's role leaves a trace. detail must hold no
// PHI or secret.
func (s *Service) RecordRefusal(ctx context.Context, actor *vigil.User, action, objectType, objectID string, detail map[string]any) error {
	return s.db.Update(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, actor, action, objectType, objectID, detail)
	})
}

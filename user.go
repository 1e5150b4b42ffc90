package vigil

import (
	"context"
	"regexp"
	"time"
)

// Role is what a user may do in Vigil.
type Role string

// The roles. An auditor reads everything and changes nothing.
const (
	RoleAdmin               Role = "admin"
	RoleCompliance          Role = "compliance"
	RoleClinicalEngineering Role = "clinical-engineering"
	RoleIT                  Role = "it"
	RoleAuditor             Role = "auditor"
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleCompliance, RoleClinicalEngineering, RoleIT, RoleAuditor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if k == r {
			return true
		}
	}
	return false
}

// Permission names a kind of change. Reading needs only a valid sign-in.
type Permission string

// The permissions a write route can require.
const (
	PermInventoryWrite  Permission = "inventory:write"  // import, edit devices, resolve discrepancies
	PermComplianceWrite Permission = "compliance:write" // controls, evidence, exceptions
	PermUsersAdmin      Permission = "users:admin"      // users, tokens, settings
	PermSelf            Permission = "self"             // one's own password and tokens
)

// Can reports whether the role holds the permission.
func (r Role) Can(p Permission) bool {
	switch r {
	case RoleAdmin:
		return true
	case RoleAuditor:
		// An auditor changes nothing in the inventory or compliance record,
		// but keeps their own password and read-only tokens.
		return p == PermSelf
	case RoleCompliance:
		return p == PermComplianceWrite || p == PermSelf || p == PermInventoryWrite
	case RoleClinicalEngineering, RoleIT:
		return p == PermInventoryWrite || p == PermSelf
	}
	return false
}

var userNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

// UserKind says how a user signs in.
type UserKind string

// The kinds of user. A local user has a password in Vigil (and may add a
// TOTP second factor); an external one signs in through the OpenID Connect
// provider only, has no password here, and takes their role from the
// provider's groups at each sign-in.
const (
	UserLocal    UserKind = "local"
	UserExternal UserKind = "external"
)

// User is a person or script that signs in to Vigil.
type User struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	Kind      UserKind  `json:"kind"`
	// MFA is set when the user has a confirmed TOTP second factor.
	MFA bool `json:"mfa"`
}

// External reports whether the user signs in through the OpenID Connect
// provider.
func (u *User) External() bool { return u.Kind == UserExternal }

// Validate checks the user's rules.
func (u *User) Validate() error {
	if !userNameRE.MatchString(u.Name) {
		return Errorf(EINVALID, "user name must be 1-63 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit")
	}
	if !u.Role.Valid() {
		return Errorf(EINVALID, "unknown role %q (admin, compliance, clinical-engineering, it or auditor)", u.Role)
	}
	return nil
}

// SystemUser is the actor recorded for changes Vigil makes on its own
// (migrations, the demo loader) when no person is signed in.
var SystemUser = &User{ID: 0, Name: "system", Role: RoleAdmin}

// Session is a signed-in browser.
type Session struct {
	User      *User
	CSRFToken string
	ExpiresAt time.Time
}

// DefaultTokenTTL is how long an API token lasts unless its creator
// chooses otherwise; MaxTokenTTL is the longest a token may last. Tokens
// issued before expiry existed expire DefaultTokenTTL after creation.
const (
	DefaultTokenTTL = 90 * 24 * time.Hour
	MaxTokenTTL     = 366 * 24 * time.Hour
)

// APIToken is a bearer token for scripts. Only its hash is stored; the
// secret is shown once. A read-only token may only read, whatever its
// user's role; an auditor's tokens are always read-only.
type APIToken struct {
	ID        int64      `json:"id"`
	UserID    int64      `json:"user_id"`
	UserName  string     `json:"user"`
	Name      string     `json:"name"`
	ReadOnly  bool       `json:"read_only"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	LastUsed  *time.Time `json:"last_used,omitempty"`
}

// Active reports whether the token still opens the API at now.
func (t *APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && now.Before(t.ExpiresAt)
}

// UserService manages users, sessions and tokens.
type UserService interface {
	// CreateUser adds a user with the given password (hashed with argon2id).
	CreateUser(ctx context.Context, actor *User, u *User, password string) error
	FindUsers(ctx context.Context) ([]*User, error)
	// Authenticate checks a name and password and returns the user.
	Authenticate(ctx context.Context, name, password string) (*User, error)
	// CreateSession starts a session and returns its secret token.
	CreateSession(ctx context.Context, u *User, ttl time.Duration) (token string, s *Session, err error)
	FindSession(ctx context.Context, token string) (*Session, error)
	DeleteSession(ctx context.Context, token string) error
	// CreateAPIToken issues a token and returns its secret once.
	CreateAPIToken(ctx context.Context, actor *User, name string) (secret string, t *APIToken, err error)
	FindUserByAPIToken(ctx context.Context, secret string) (*User, error)
}

package account

import (
	"context"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/sso"
	"github.com/vigil-health/vigil/internal/store"
)

// SignInExternal signs in a person the OpenID Connect provider vouched
// for: the user named by the provider's issuer and subject is created on
// the first sign-in (kind external, no password) and takes the role of the
// groups at every sign-in, each change audited. A refused person (no group
// mapped to a role, a domain not allowed) or a disabled user is refused,
// the refusal audited and any sessions of the user ended: EFORBIDDEN or
// EUNAUTHORIZED with a message for the person.
func (s *Service) SignInExternal(ctx context.Context, id *sso.Identity) (*vigil.User, error) {
	detail := map[string]any{}
	if id.Group != "" {
		detail["group"] = id.Group
	}
	if id.Email != "" {
		detail["email"] = id.Email
	}
	return s.db.SignInExternal(ctx, store.ExternalSignIn{Issuer: id.Issuer, Subject: id.Subject, Name: externalName(id),
		Role: id.Role, Refusal: id.Refusal, Detail: detail})
}

// externalName makes a Vigil user name of what the provider calls the
// person: the preferred user name, else the e-mail address, the part
// before any '@', lower-cased, other characters than a-z, 0-9, '.', '_'
// and '-' made '-'.
func externalName(id *sso.Identity) string {
	n := id.Username
	if n == "" {
		n = id.Email
	}
	n, _, _ = strings.Cut(strings.ToLower(n), "@")
	n = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '-'
	}, n)
	n = strings.TrimLeft(n, "._-")
	if len(n) > 63 {
		n = n[:63]
	}
	if n == "" {
		n = "user"
	}
	return n
}

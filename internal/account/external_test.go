package account_test

import (
	"context"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/sso"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// An external user is created at the first sign-in under a free name,
// takes the role of the groups at every sign-in, has no password, and is
// refused when disabled or when no group gives a role; all audited.
func TestExternalSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		acct := accounts(db)
		// A local dana exists: the external Dana never becomes her.
		local := &vigil.User{Name: "dana", Role: vigil.RoleAuditor}
		if err := acct.CreateUser(ctx, nil, local, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		id := &sso.Identity{Issuer: "https://idp.example", Subject: "8d1c", Username: "Dana@St-Brigid.example", Email: "dana@st-brigid.example",
			Role: vigil.RoleAdmin, Group: "vigil-admins"}
		u, err := acct.SignInExternal(ctx, id)
		if err != nil || u.Name != "dana-2" || u.Role != vigil.RoleAdmin || !u.External() || u.ID == local.ID {
			t.Fatalf("first sign-in = %+v, %v", u, err)
		}
		if _, err := acct.Authenticate(ctx, "dana-2", "!"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("a password opened an external user: %v", err)
		}
		if err := acct.SetPassword(ctx, nil, "dana-2", "a long enough password"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("setting an external user's password: %v", err)
		}
		if _, err := acct.BeginTOTP(ctx, u); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("a TOTP for an external user: %v", err)
		}
		// The groups changed at the provider: the role follows.
		id.Role, id.Group = vigil.RoleClinicalEngineering, "clinical-eng"
		again, err := acct.SignInExternal(ctx, id)
		if err != nil || again.ID != u.ID || again.Role != vigil.RoleClinicalEngineering {
			t.Fatalf("second sign-in = %+v, %v", again, err)
		}
		// No group gives a role: refused, and the user's sessions end.
		tok, _, err := acct.SessionSignIn(ctx, again, 3600e9, "oidc")
		if err != nil {
			t.Fatal(err)
		}
		id.Role, id.Group, id.Refusal = "", "", "None of your groups gives a role."
		if _, err := acct.SignInExternal(ctx, id); vigil.ErrorCode(err) != vigil.EFORBIDDEN || vigil.ErrorMessage(err) != id.Refusal {
			t.Errorf("a refused sign-in: %v", err)
		}
		if _, err := db.FindSession(ctx, tok); err == nil {
			t.Error("a refused user's session goes on")
		}
		// A stranger with no role leaves a trace and no user.
		stranger := &sso.Identity{Issuer: "https://idp.example", Subject: "ffff", Email: "eve@evil.example", Refusal: "no role"}
		if _, err := acct.SignInExternal(ctx, stranger); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a stranger: %v", err)
		}
		if _, err := acct.FindUser(ctx, "eve"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("a refused stranger was created: %v", err)
		}
		// Disabled: refused whatever the groups say.
		admin := &vigil.User{Name: "root", Role: vigil.RoleAdmin}
		if err := acct.CreateUser(ctx, nil, admin, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		if err := acct.SetDisabled(ctx, admin, "dana-2", true); err != nil {
			t.Fatal(err)
		}
		id.Role, id.Group, id.Refusal = vigil.RoleAdmin, "vigil-admins", ""
		if _, err := acct.SignInExternal(ctx, id); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("a disabled external user: %v", err)
		}
		for _, want := range []string{"dana-2 user.create", "dana-2 user.role", "dana-2 session.refused", "oidc:eve session.refused"} {
			if !hasAction(t, db, want) {
				t.Errorf("the audit trail lacks %q: %v", want, actions(t, db))
			}
		}
		got, err := acct.FindUser(ctx, "dana-2")
		if err != nil || got.Role != vigil.RoleClinicalEngineering || !got.Disabled {
			t.Errorf("dana-2 = %+v, %v", got, err)
		}
	})
}

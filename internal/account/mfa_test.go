package account_test

import (
	"context"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/totp"
)

// actions lists the audit trail's actions by actor, oldest first.
func actions(t *testing.T, db *store.DB) []string {
	t.Helper()
	evs, err := db.FindAuditEvents(context.Background(), vigil.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(evs) - 1; i >= 0; i-- {
		out = append(out, evs[i].Actor+" "+evs[i].Action)
	}
	return out
}

func hasAction(t *testing.T, db *store.DB, want string) bool {
	t.Helper()
	for _, a := range actions(t, db) {
		if a == want {
			return true
		}
	}
	return false
}

// A second factor is set up, confirmed by a first code, asked for at
// sign-in, never accepted twice for one code, turned off with a code and
// reset by an admin; all audited, on both stores.
func TestTOTPEnrolSignInReplayReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		acct := accounts(db)
		dana := &vigil.User{Name: "dana", Role: vigil.RoleCompliance}
		admin := &vigil.User{Name: "root", Role: vigil.RoleAdmin}
		for _, u := range []*vigil.User{dana, admin} {
			if err := acct.CreateUser(ctx, nil, u, "a long enough password"); err != nil {
				t.Fatal(err)
			}
		}
		enr, err := acct.BeginTOTP(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		secret, err := totp.ParseSecret(enr.Secret)
		if err != nil || !strings.HasPrefix(enr.URI, "otpauth://totp/Vigil:dana?") || !strings.Contains(enr.URI, "secret="+enr.Secret) {
			t.Fatalf("enrolment %+v: %v", enr, err)
		}
		// Not in force until confirmed: the password alone signs in.
		u, _ := acct.Authenticate(ctx, "dana", "a long enough password")
		if _, _, pending, err := acct.StartSignIn(ctx, u, time.Hour); err != nil || pending || u.MFA {
			t.Fatalf("an unconfirmed second factor is asked for: pending %v, %v", pending, err)
		}
		// The pending enrolment is shown again until confirmed.
		if again, err := acct.PendingTOTP(ctx, dana); err != nil || again == nil || again.Secret != enr.Secret {
			t.Fatalf("PendingTOTP = %+v, %v", again, err)
		}
		if err := acct.ConfirmTOTP(ctx, dana, "000000"); vigil.ErrorCode(err) != vigil.EINVALID && totp.Code(secret, now) != "000000" {
			t.Fatalf("a wrong first code: %v", err)
		}
		if err := acct.ConfirmTOTP(ctx, dana, totp.Code(secret, now)); err != nil {
			t.Fatal(err)
		}
		if _, err := acct.BeginTOTP(ctx, dana); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("a second enrolment over a confirmed one: %v", err)
		}
		// The secret is sealed: the database holds neither it nor its base32.
		st, err := db.FindTOTP(ctx, dana.ID)
		if err != nil || !st.Enabled || strings.Contains(st.Sealed, enr.Secret) || strings.Contains(st.Sealed, string(secret)) || !strings.HasPrefix(st.Sealed, "v1.") {
			t.Fatalf("stored second factor %+v, %v", st, err)
		}

		// Signing in now takes two steps.
		u, _ = acct.Authenticate(ctx, "dana", "a long enough password")
		if !u.MFA {
			t.Fatal("the user has no second factor after confirming one")
		}
		pendingTok, _, pending, err := acct.StartSignIn(ctx, u, time.Hour)
		if err != nil || !pending {
			t.Fatalf("StartSignIn = pending %v, %v", pending, err)
		}
		if _, err := db.FindSession(ctx, pendingTok); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("a pending sign-in opens a session: %v", err)
		}
		// The code that confirmed the enrolment is spent.
		if _, _, err := acct.CompleteSignIn(ctx, pendingTok, totp.Code(secret, now), time.Hour); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED ||
			!strings.Contains(vigil.ErrorMessage(err), "used already") {
			t.Errorf("the enrolment's code again: %v", err)
		}
		if _, _, err := acct.CompleteSignIn(ctx, pendingTok, "12345", time.Hour); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("a malformed code: %v", err)
		}
		now = now.Add(totp.Period)
		code := totp.Code(secret, now)
		tok, sess, err := acct.CompleteSignIn(ctx, pendingTok, code, time.Hour)
		if err != nil || tok == pendingTok || sess.User.Name != "dana" {
			t.Fatalf("CompleteSignIn = %v", err)
		}
		if _, err := db.FindSession(ctx, tok); err != nil {
			t.Errorf("the full session: %v", err)
		}
		if _, err := acct.FindPendingSession(ctx, pendingTok); err == nil {
			t.Error("the pending sign-in outlives its completion")
		}
		// The same code, within its window, opens nothing more.
		pendingTok, _, _, _ = acct.StartSignIn(ctx, u, time.Hour)
		if _, _, err := acct.CompleteSignIn(ctx, pendingTok, code, time.Hour); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Errorf("a replayed code: %v", err)
		}
		// A pending sign-in lasts PendingTTL.
		now = now.Add(totp.Period)
		late := now.Add(account.PendingTTL + time.Second)
		db.Now = func() time.Time { return late }
		if _, _, err := acct.CompleteSignIn(ctx, pendingTok, totp.Code(secret, late), time.Hour); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED ||
			!strings.Contains(vigil.ErrorMessage(err), "expired") {
			t.Errorf("a pending sign-in after PendingTTL: %v", err)
		}
		db.Now = func() time.Time { return now }

		// Turning it off takes a current code; a required one stays.
		if err := acct.DisableTOTP(ctx, dana, totp.Code(secret, now), true); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("turning off a required second factor: %v", err)
		}
		if err := acct.DisableTOTP(ctx, dana, "999999", false); vigil.ErrorCode(err) != vigil.EINVALID && totp.Code(secret, now) != "999999" {
			t.Errorf("turning off with a wrong code: %v", err)
		}
		if err := acct.DisableTOTP(ctx, dana, totp.Code(secret, now), false); err != nil {
			t.Fatal(err)
		}
		if u, _ := acct.Authenticate(ctx, "dana", "a long enough password"); u.MFA {
			t.Error("the second factor is still on")
		}

		// An admin resets another's; nobody else may.
		if _, err := acct.BeginTOTP(ctx, dana); err != nil {
			t.Fatal(err)
		}
		if _, err := acct.ResetTOTP(ctx, dana, "root"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("a compliance user resetting an admin's second factor: %v", err)
		}
		if had, err := acct.ResetTOTP(ctx, admin, "dana"); err != nil || !had {
			t.Errorf("ResetTOTP = %v, %v", had, err)
		}
		if had, err := acct.ResetTOTP(ctx, admin, "dana"); err != nil || had {
			t.Errorf("ResetTOTP with nothing to reset = %v, %v", had, err)
		}
		for _, want := range []string{"dana user.mfa.enrol", "dana user.mfa.enable", "dana session.mfa_refused", "dana session.create",
			"dana user.mfa.disable", "root user.mfa.reset"} {
			if !hasAction(t, db, want) {
				t.Errorf("the audit trail lacks %q: %v", want, actions(t, db))
			}
		}
	})
}

// A sealed secret opens only for its own user and under its own key.
func TestTOTPSecretIsBoundToItsUser(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	ctx := context.Background()
	acct := accounts(db)
	a := &vigil.User{Name: "a", Role: vigil.RoleIT}
	b := &vigil.User{Name: "b", Role: vigil.RoleIT}
	for _, u := range []*vigil.User{a, b} {
		if err := acct.CreateUser(ctx, nil, u, "a long enough password"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := acct.BeginTOTP(ctx, a); err != nil {
		t.Fatal(err)
	}
	sa, _ := db.FindTOTP(ctx, a.ID)
	if err := db.BeginTOTP(ctx, b, sa.Sealed); err != nil {
		t.Fatal(err)
	}
	if _, err := acct.PendingTOTP(ctx, b); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("a's sealed secret copied to b opened: %v", err)
	}
}

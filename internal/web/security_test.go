package web_test

import (
	"context"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// token issues an API token for the named test user.
func (e *env) token(name string) string {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.svc.Accounts.Authenticate(ctx, name, pw)
	if err != nil {
		e.t.Fatal(err)
	}
	secret, _, err := e.svc.Accounts.CreateAPIToken(ctx, u, "test-"+name)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// audited reports whether the trail holds an event of action by actor.
func (e *env) audited(actor, action string) bool {
	e.t.Helper()
	evs, err := e.db.FindAuditEvents(context.Background(), vigil.AuditFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Actor == actor && ev.Action == action {
			return true
		}
	}
	return false
}

// Finding 4: only an admin may set a source's role through the import API.
func TestImportRoleNeedsAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		csv := "asset_tag,manufacturer,model\nBME-1,BD,Alaris\n"
		e.api(e.token("it"), "POST", "/api/v1/import?source=cmms&filename=a.csv&role=scanner", csv, 403, nil)
		if !e.audited("it", "source.role.refused") {
			t.Error("the refused role change is not in the audit trail")
		}
		srcs, err := db.FindSources(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range srcs {
			if s.Name == "cmms" && s.Role == "scanner" {
				t.Error("the it role changed the source's role")
			}
		}
		// Without a role the import goes through; an admin may set one.
		e.api(e.token("it"), "POST", "/api/v1/import?source=cmms&filename=a.csv", csv, 200, nil)
		e.api(e.token("admin"), "POST", "/api/v1/import?source=cmms&filename=a.csv&role=scanner", csv, 200, nil)
		if e.audited("admin", "source.role.refused") {
			t.Error("the admin's role change was refused")
		}
	})
}

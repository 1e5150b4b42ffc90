package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// TestFeedUploadLimits: POST /api/v1/feeds is held to the server's import
// limits as the body streams, each refusal a 400 naming the flag; a feed
// within them imports.
func TestFeedUploadLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		srv, err := web.New(db, services(t, db), slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{ImportLimits: bound.Limits{FileBytes: 4096, Depth: 4}})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		tok, _, err := db.CreateAPIToken(context.Background(), mustUser(t, e, "compliance"), "feeds")
		if err != nil {
			t.Fatal(err)
		}
		post := func(name, body string) (int, string) {
			t.Helper()
			req, _ := http.NewRequest("POST", ts.URL+"/api/v1/feeds?filename="+name, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var answer struct{ Error struct{ Message string } }
			json.NewDecoder(resp.Body).Decode(&answer)
			return resp.StatusCode, answer.Error.Message
		}
		kev := `{"catalogVersion":"1","count":1,"vulnerabilities":[{"cveID":"CVE-2021-44228","dateAdded":"2021-12-10"}]}`
		if code, msg := post("kev.json", kev); code != http.StatusOK {
			t.Errorf("kev.json: %d %s", code, msg)
		}
		for _, tt := range []struct{ name, body, want string }{
			{"deep.json", `{"catalogVersion":"1","vulnerabilities":[[[[[`, "deep.json: byte 43: JSON nested more than 4 levels deep (the --max-depth limit"},
			{"big.json", kev[:len(kev)-2] + strings.Repeat(" ", 5000) + "]}", "big.json: a file of more than 4 KiB (the --max-file-bytes limit"},
		} {
			if code, msg := post(tt.name, tt.body); code != http.StatusBadRequest || !strings.Contains(msg, tt.want) {
				t.Errorf("%s: %d %q, want 400 naming %q", tt.name, code, msg, tt.want)
			}
		}
	})
}

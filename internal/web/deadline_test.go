package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// TestUploadOutlastsReadTimeout: the server's short read deadline cuts a
// slow anonymous request, but a signed-in user's upload gets the upload
// deadline, so a file that takes longer to send than the read timeout is
// imported (the probe: long uploads were cut on PostgreSQL by the write
// timeout).
func TestUploadOutlastsReadTimeout(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	svc := services(t, db)
	srv, err := web.New(db, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{LoginRate: 100, LoginBurst: 100})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(srv.Handler())
	ts.Config.ReadTimeout = 400 * time.Millisecond
	ts.Config.WriteTimeout = 400 * time.Millisecond
	ts.Start()
	defer ts.Close()
	ctx := context.Background()
	u := &vigil.User{Name: "ce", Role: vigil.RoleClinicalEngineering}
	if err := svc.Accounts.CreateUser(ctx, nil, u, pw); err != nil {
		t.Fatal(err)
	}
	tok, _, err := db.CreateAPIToken(ctx, u, "upload")
	if err != nil {
		t.Fatal(err)
	}
	// slowly sends a body in pieces over about 1.2 s: three times the
	// read timeout.
	slowly := func(lines []string) io.Reader {
		pr, pw := io.Pipe()
		go func() {
			for _, l := range lines {
				time.Sleep(200 * time.Millisecond)
				if _, err := io.WriteString(pw, l); err != nil {
					return
				}
			}
			pw.Close()
		}()
		return pr
	}
	var rows []string
	rows = append(rows, "Asset Tag,Manufacturer,Model,Serial\n")
	for i := range 5 {
		rows = append(rows, fmt.Sprintf("SLOW-%d,Baxter,Sigma Spectrum,S%04d\n", i, i))
	}
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/import?source=cmms&filename=slow.csv", slowly(rows))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("the slow upload was cut: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("slow upload: %d %s", resp.StatusCode, body)
	}
	if c, err := db.CountDevices(ctx, nil); err != nil || c.Total != 5 {
		t.Errorf("after the slow upload %+v devices (%v), want 5", c, err)
	}

	// The same pace from no one is cut by the read deadline.
	req, _ = http.NewRequest("POST", ts.URL+"/login", slowly([]string{"name=ce", "&password=", "x", "y", "z", "w"}))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = http.DefaultClient.Do(req)
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusSeeOther || resp.StatusCode == http.StatusOK || strings.Contains(string(b), "Sign out") {
			t.Errorf("a slow anonymous request outlived the read deadline: %d", resp.StatusCode)
		}
	}
}

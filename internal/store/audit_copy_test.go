package store_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// syslogLines is what a syslog daemon makes of the anchors it receives:
// one line each, behind its own prefix, among other programs' lines.
type syslogLines struct{ bytes.Buffer }

func (s *syslogLines) Write(p []byte) (int, error) {
	fmt.Fprintf(&s.Buffer, "Dec  6 07:%02d:00 vigil-host vigil-audit[4242]: %s\n", s.Len()%60, p)
	fmt.Fprintf(&s.Buffer, "Dec  6 07:00:01 vigil-host cron[77]: (root) CMD (run-parts /etc/cron.hourly)\n")
	return len(p), nil
}

// The head log lives beside the database, where whoever can rewrite the
// database can reach it too: an attacker who deletes the trail's tail,
// rewinds its head and removes the head log leaves a trail that verifies
// against what is left. The copy sent off the machine (syslog) still
// holds the anchors, and verifying against it finds the deleted tail.
func TestAuditAnchorCopyDetectsRewindWithoutTheHeadLog(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			headLog := filepath.Join(t.TempDir(), "head.log")
			copied := &syslogLines{}
			db, err := store.Open(ctx, store.Config{DSN: dsn, AuditKey: testAuditKey, HeadLog: headLog, AnchorCopy: copied})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for _, n := range []string{"a", "b", "c", "d"} {
				if err := db.CreateUser(ctx, nil, &vigil.User{Name: n, Role: vigil.RoleIT}, testHash); err != nil {
					t.Fatal(err)
				}
			}
			logged, err := os.ReadFile(headLog)
			if err != nil {
				t.Fatal(err)
			}
			// Every head log line reached the copy, word for word.
			for _, line := range strings.Split(strings.TrimSpace(string(logged)), "\n") {
				if !strings.Contains(copied.String(), "vigil-audit[4242]: "+line+"\n") {
					t.Fatalf("the copy lacks the head log's line %s:\n%s", line, copied.String())
				}
			}
			syslog := func() store.AnchorFile {
				return store.AnchorFile{Name: "syslog", R: strings.NewReader(copied.String())}
			}
			r, err := db.VerifyAudit(ctx, syslog())
			if err != nil || r.Break != nil || r.Anchors == 0 || r.Skipped == 0 {
				t.Fatalf("clean trail against its copy: %+v %v", r, err)
			}

			raw := rawDB(t, engine, dsn)
			var hash string
			if err := raw.QueryRow(`SELECT hash FROM audit_events WHERE seq = 2`).Scan(&hash); err != nil {
				t.Fatal(err)
			}
			dropGuards(t, engine, raw)
			mustExec(t, engine, raw, `DELETE FROM audit_events WHERE seq > 2`)
			mustExec(t, engine, raw, `UPDATE audit_head SET seq = 2, hash = ? WHERE id = 1`, hash)
			if err := os.Remove(headLog); err != nil {
				t.Fatal(err)
			}
			if r, err := db.VerifyAudit(ctx); err != nil || r.Break != nil {
				t.Fatalf("without the copy the rewound trail should still verify (what the copy is for): %+v %v", r, err)
			}
			// A line forged by whoever can write to syslog, without the key:
			// skipped, never trusted.
			forged := fmt.Sprintf("Dec  6 08:00:00 vigil-host vigil-audit[1]: {\"at\":\"2026-12-06T08:00:00Z\",\"seq\":2,\"hash\":\"%s\",\"keyed_from\":1}\n", strings.Repeat("0", 64))
			r, err = db.VerifyAudit(ctx, store.AnchorFile{Name: "syslog", R: strings.NewReader(copied.String() + forged)})
			if err != nil || r.Break == nil || r.Break.Seq != 3 || !strings.Contains(r.Break.Reason, "syslog anchored event 4") {
				t.Fatalf("verify against the copy: %+v, %v; want a break at event 3 naming the anchor of event 4", r, err)
			}
		})
	}
}

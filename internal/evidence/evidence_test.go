package evidence_test

import (
	"context"
	"database/sql"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/blob"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/evidence"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// classifier is built once for the test binary: it is immutable.
var classifier = sync.OnceValues(classify.New)

var officer = &vigil.User{Name: "cora", Role: vigil.RoleCompliance}

// env is a store, its raw connection (to tamper with) and the service.
type env struct {
	db  *store.DB
	raw *sql.DB
	svc *evidence.Service
	bs  *blob.Store
}

func each(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(context.Background(), store.Config{DSN: dsn})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			driver := "sqlite"
			if engine == "postgres" {
				driver = "pgx"
			}
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { raw.Close() })
			bs, err := blob.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			cls, err := classifier()
			if err != nil {
				t.Fatal(err)
			}
			fn(t, &env{db: db, raw: raw, svc: evidence.New(db, bs, compliance.New(db, cls)), bs: bs})
		})
	}
}

func TestAddVersionOpenVerify(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		meta := &vigil.Evidence{Title: "Workforce training roster", FileName: "roster.csv",
			Controls: []vigil.ControlRef{{Framework: "hipaa", Control: "164.308(a)(5)(i)"}}, Areas: []vigil.EvidenceArea{vigil.EvidenceAreaTraining}}
		if _, err := e.svc.Add(ctx, officer, &vigil.Evidence{Title: "x", Controls: []vigil.ControlRef{{Framework: "hipaa", Control: "999"}}}, strings.NewReader("x")); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("an unknown control: %v", err)
		}
		if _, err := e.svc.Add(ctx, officer, &vigil.Evidence{Title: "x", Areas: []vigil.EvidenceArea{"training"}, Devices: []int64{42}}, strings.NewReader("x")); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("an unknown device: %v", err)
		}
		v1, err := e.svc.Add(ctx, officer, meta, strings.NewReader("name,completed\nana,2026-01-10\n"))
		if err != nil {
			t.Fatal(err)
		}
		if v1.Version != 1 || v1.MediaType != "text/csv; charset=utf-8" || v1.Size != 30 || !e.bs.Has(v1.Key) {
			t.Fatalf("v1 = %+v", v1)
		}
		v2, err := e.svc.NewVersion(ctx, officer, v1.ID, &vigil.Evidence{FileName: "roster-2.csv"}, strings.NewReader("name,completed\nana,2026-07-10\n"))
		if err != nil {
			t.Fatal(err)
		}
		if v2.Version != 2 || v2.Supersedes != v1.ID || v2.Title != v1.Title || len(v2.Controls) != 1 {
			t.Fatalf("v2 = %+v", v2)
		}
		vs, err := e.svc.Versions(ctx, v1.ID)
		if err != nil || len(vs) != 2 {
			t.Fatalf("versions = %v, %v", vs, err)
		}
		_, f, err := e.svc.Open(ctx, v1.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(f)
		f.Close()
		if string(b) != "name,completed\nana,2026-01-10\n" {
			t.Errorf("v1 content %q", b)
		}
		rep, err := e.svc.Verify(ctx)
		if err != nil || !rep.OK() || rep.Records != 2 || rep.Files != 2 {
			t.Fatalf("verify a sound repository = %+v, %v", rep, err)
		}

		// One changed byte of v1's file, one changed field of v2's record,
		// and a record deleted behind Vigil's back: each is named.
		p := e.bs.Path(v1.Key)
		os.Chmod(p, 0o640)
		if err := os.WriteFile(p, []byte("name,completed\nana,2026-01-11\n"), 0o640); err != nil {
			t.Fatal(err)
		}
		if _, err := e.raw.Exec(rebind(e.db, `UPDATE evidence SET effective_from = '2020-01-01T00:00:00.000000000Z' WHERE id = ?`), v2.ID); err != nil {
			t.Fatal(err)
		}
		v3, err := e.svc.Add(ctx, officer, &vigil.Evidence{Title: "BAA", Areas: []vigil.EvidenceArea{"vendor-management"}}, strings.NewReader("baa"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.raw.Exec(rebind(e.db, `DELETE FROM evidence WHERE id = ?`), v3.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Open(ctx, v1.ID); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("opening a changed file: %v", err)
		}
		rep, err = e.svc.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int64{"file-changed": v1.ID, "record-changed": v2.ID, "record-missing": v3.ID}
		if len(rep.Problems) != len(want) {
			t.Fatalf("problems: %+v", rep.Problems)
		}
		for _, p := range rep.Problems {
			if id, ok := want[p.Kind]; !ok || id != p.EvidenceID {
				t.Errorf("unexpected problem %+v", p)
			}
		}
		os.Remove(p)
		rep, _ = e.svc.Verify(ctx)
		if rep.Problems[0].Kind != "file-missing" || rep.Problems[0].EvidenceID != v1.ID {
			t.Errorf("after removing the file: %+v", rep.Problems)
		}
	})
}

// rebind turns ? into $n for PostgreSQL.
func rebind(db *store.DB, q string) string {
	if db.Engine() != "postgres" {
		return q
	}
	return strings.Replace(q, "?", "$1", 1)
}

func TestAutomaticEvidenceIsStoredOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// An empty hospital has nothing to show.
		if got, err := e.svc.Collect(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("collect on an empty store: %v, %v", got, err)
		}
		importDevices(t, e.db, "BME-1", "BME-2")
		got, err := e.svc.Collect(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Title != "Inventory snapshot" || !got[0].Auto || got[0].Version != 1 || got[0].Controls[0].String() != "csf2:ID.AM-01" {
			t.Fatalf("first collection: %+v", got)
		}
		f, _ := e.bs.Open(got[0].Key)
		b, _ := io.ReadAll(f)
		f.Close()
		if !strings.HasPrefix(string(b), "id,asset_tag,") || !strings.Contains(string(b), "BME-2") {
			t.Errorf("snapshot:\n%s", b)
		}
		// The same inventory later: the same artefact, stored once.
		e.db.Now = func() time.Time { return time.Now().Add(time.Hour) }
		if err := e.svc.Changed(ctx, nil); err != nil {
			t.Fatal(err)
		}
		all, _ := e.svc.List(ctx, vigil.EvidenceFilter{AllVersions: true})
		if len(all) != 1 {
			t.Fatalf("after an unchanged collection: %d records", len(all))
		}
		// A changed inventory is the next version.
		importDevices(t, e.db, "BME-1", "BME-2", "BME-3")
		got, err = e.svc.Collect(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Version != 2 || got[0].Supersedes != all[0].ID {
			t.Fatalf("after a change: %+v", got)
		}
	})
}

func importDevices(t *testing.T, db *store.DB, tags ...string) {
	t.Helper()
	cls, err := classifier()
	if err != nil {
		t.Fatal(err)
	}
	var recs []*vigil.Record
	for _, tag := range tags {
		recs = append(recs, &vigil.Record{Fields: vigil.MakeFields(map[string]string{"asset_tag": tag, "manufacturer": "BD", "model": "Alaris 8015", "device_type": "infusion pump"})})
	}
	_, err = inventory.New(db, cls, nil).Import(context.Background(), nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmms", Kind: vigil.SourceInventory}, Records: recs})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAddOverFileBytes: a file over the file-bytes limit is refused as it
// streams, naming the flag, and nothing of it stays in the blob store; at
// the limit it is stored.
func TestAddOverFileBytes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		svc := e.svc.WithLimits(bound.Limits{FileBytes: 1000})
		meta := &vigil.Evidence{Title: "Scan export", FileName: "scan.csv", Areas: []vigil.EvidenceArea{"vulnerability-management"}}
		// A reader that would go on for ever: only the limit stops it.
		_, err := svc.Add(ctx, officer, meta, endless{})
		if vigil.ErrorCode(err) != vigil.EINVALID || !strings.HasPrefix(vigil.ErrorMessage(err), "scan.csv: a file of more than 1000 bytes (the --max-file-bytes limit") {
			t.Fatalf("Add: %v", err)
		}
		var left []string
		filepath.WalkDir(e.bs.Dir(), func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				left = append(left, path)
			}
			return nil
		})
		if len(left) != 0 {
			t.Errorf("files left in the blob store: %v", left)
		}
		if all, err := e.db.FindEvidence(ctx, vigil.EvidenceFilter{}); err != nil || len(all) != 0 {
			t.Errorf("records: %v, %v", all, err)
		}
		if _, err := svc.Add(ctx, officer, meta, strings.NewReader(strings.Repeat("x", 1000))); err != nil {
			t.Errorf("at the limit: %v", err)
		}
	})
}

// endless reads 'x' for ever.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

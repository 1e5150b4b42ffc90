package vendors_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/mds2"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
)

var mds2Actor = &vigil.User{Name: "erin", Role: vigil.RoleCompliance}

func TestImportMDS2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := vendors.New(db)
		smp := mds2.Generate(rand.New(rand.NewPCG(7, 2019)), mds2.Spec{Manufacturer: "Acme Medical", Model: "Pump 9", DocumentID: "D-9", ReleaseDate: "2026-03-20"})
		xlsx, err := smp.XLSX()
		if err != nil {
			t.Fatal(err)
		}
		v1, err := s.ImportMDS2(ctx, mds2Actor, "/tmp/acme.xlsx", bytes.NewReader(xlsx), vendors.MDS2Import{})
		if err != nil {
			t.Fatal(err)
		}
		if v1.Version != 1 || v1.File != "acme.xlsx" || len(v1.Questions) != 240 {
			t.Fatalf("v1: version %d, file %q, %d questions", v1.Version, v1.File, len(v1.Questions))
		}
		// The same model from CSV, its maker spelt as another source
		// spells it: a second version under the stored spelling.
		v2, err := s.ImportMDS2(ctx, mds2Actor, "acme.csv", bytes.NewReader(smp.CSV()), vendors.MDS2Import{Manufacturer: "ACME Medical Systems, Inc.", Model: "pump  9"})
		if err != nil {
			t.Fatal(err)
		}
		if v2.Version != 2 || v2.Manufacturer != "Acme Medical" || v2.Model != "Pump 9" {
			t.Fatalf("v2: version %d, %q %q", v2.Version, v2.Manufacturer, v2.Model)
		}
		got, err := s.MDS2For(ctx, "ACME", "PUMP 9")
		if err != nil {
			t.Fatal(err)
		}
		want := *smp.Want
		want.ID, want.Version, want.File, want.ImportedAt, want.ImportedBy = v2.ID, 2, "acme.csv", v2.ImportedAt, "erin"
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("MDS2For (-want +got):\n%s", diff)
		}
		if _, err := s.MDS2For(ctx, "Other", "Pump 9"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another maker's model: %v", err)
		}
		all, err := s.MDS2Forms(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*vigil.MDS2Form{v2, v1}, all, cmpopts.IgnoreFields(vigil.MDS2Form{}, "Questions")); diff != "" {
			t.Errorf("every version (-want +got):\n%s", diff)
		}
	})
}

func TestImportMDS2Refused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := vendors.New(db)
		bad := "Question ID,Question,Answer\nDOC-1,Manufacturer,Acme\nDOC-3,Model,X\nSTCF-1,At rest?,Perhaps\n"
		_, err := s.ImportMDS2(ctx, mds2Actor, "dir/bad.csv", strings.NewReader(bad), vendors.MDS2Import{})
		if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), "bad.csv: row 4: STCF-1") {
			t.Fatalf("malformed form: %v", err)
		}
		noModel := "DOC-1,Manufacturer,Acme\nSTCF-1,At rest?,Yes\n"
		if _, err := s.ImportMDS2(ctx, mds2Actor, "m.csv", strings.NewReader(noModel), vendors.MDS2Import{}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Fatalf("form without a model: %v", err)
		}
		if f, err := s.ImportMDS2(ctx, mds2Actor, "m.csv", strings.NewReader(noModel), vendors.MDS2Import{Model: "X"}); err != nil || f.Model != "X" {
			t.Fatalf("model given: %v", err)
		}
		forms, err := s.MDS2Forms(ctx, true)
		if err != nil || len(forms) != 1 {
			t.Fatalf("%d forms stored (%v), want 1", len(forms), err)
		}
	})
}

package mds2_test

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/mds2"
)

func TestQuestions2019(t *testing.T) {
	ids := mds2.Questions2019()
	if len(ids) != 240 {
		t.Errorf("%d question ids, want 240 (15 DOC + 225)", len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if got, ok := mds2.NormalizeID(id); !ok || got != id {
			t.Errorf("NormalizeID(%q) = %q, %v", id, got, ok)
		}
		if seen[id] {
			t.Errorf("%s twice", id)
		}
		seen[id] = true
	}
	for _, id := range []string{"DOC-11.4", "AUDT-2.8.2", "CONN-1.2.4", "CSUP-6.4", "SAHD-16", "RMOT-3"} {
		if !seen[id] {
			t.Errorf("%s missing", id)
		}
	}
}

func TestNormalizeID(t *testing.T) {
	for in, want := range map[string]string{
		"DOC-1": "DOC-1", "doc-1": "DOC-1", "DOC 1": "DOC-1", "DOC–1": "DOC-1", "DOC_1": "DOC-1", " DOC-1. ": "DOC-1",
		"DTBK-02": "DTBK-2", "SHAD-15": "SAHD-15", "conn-1.1.04": "CONN-1.1.4", "AUDT-2.8.1": "AUDT-2.8.1", "STCF1": "STCF-1",
	} {
		if got, ok := mds2.NormalizeID(in); !ok || got != want {
			t.Errorf("NormalizeID(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "DOC", "XXXX-1", "CNFS-1", "Question ID", "DOC-1a", "1"} {
		if got, ok := mds2.NormalizeID(in); ok {
			t.Errorf("NormalizeID(%q) = %q, want refused", in, got)
		}
	}
}

func TestNormalizeAnswer(t *testing.T) {
	for in, want := range map[string]vigil.MDS2Answer{
		"Yes": vigil.MDS2Yes, "yes.": vigil.MDS2Yes, "No,": vigil.MDS2No, " NO ": vigil.MDS2No, "N/A": vigil.MDS2NA, "na": vigil.MDS2NA,
		"See Note": vigil.MDS2SeeNote, "": vigil.MDS2Blank,
	} {
		if got, ok := mds2.NormalizeAnswer(in); !ok || got != want {
			t.Errorf("NormalizeAnswer(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if got, ok := mds2.NormalizeAnswer("Maybe"); ok {
		t.Errorf("NormalizeAnswer(Maybe) = %q, want refused", got)
	}
}

// TestGenerated reads generated forms, as CSV and as XLSX, and finds every
// question with its answer and the header.
func TestGenerated(t *testing.T) {
	n := 200
	if testing.Short() {
		n = 20
	}
	for i := range n {
		seed := uint64(i)
		smp := mds2.Generate(rand.New(rand.NewPCG(seed, 2019)), mds2.Spec{Manufacturer: "Acme Medical", Model: "AM-" + string(rune('A'+i%26)),
			DocumentID: "MDS2-42", ReleaseDate: "2026-03-20"})
		got, err := mds2.Parse("form.csv", smp.CSV())
		if err != nil {
			t.Fatalf("seed %d: csv: %v", seed, err)
		}
		if diff := cmp.Diff(smp.Want, got); diff != "" {
			t.Fatalf("seed %d: csv (-want +got):\n%s", seed, diff)
		}
		if i%10 != 0 { // XLSX is slower to write; a tenth of the seeds
			continue
		}
		data, err := smp.XLSX()
		if err != nil {
			t.Fatal(err)
		}
		got, err = mds2.Parse("form.xlsx", data)
		if err != nil {
			t.Fatalf("seed %d: xlsx: %v", seed, err)
		}
		if diff := cmp.Diff(smp.Want, got); diff != "" {
			t.Fatalf("seed %d: xlsx (-want +got):\n%s", seed, diff)
		}
	}
}

func TestFacts(t *testing.T) {
	csv := "Question ID,Question,Answer,Notes\nDOC-1,Manufacturer,Acme,\nDOC-3,Model,X1,\n" +
		"STCF-1,Encrypt at rest?,Yes,\nTXCF-2,Encrypted in transit?,No.,\nAUTH-1,Login?,yes,\nAUDT-1,Audit?,N/A,\n" +
		"RMOT-1,Remote?,Yes,\nMLDP-2,Anti-malware?,No,\nSBOM-1,SBOM?,See note,1\nCSUP-11,Patches?,Yes,\n"
	f, err := mds2.Parse("f.csv", []byte(csv))
	if err != nil {
		t.Fatal(err)
	}
	want := vigil.MDS2Facts{EncryptsAtRest: "Yes", EncryptsInTransit: "No", UniqueUserAuth: "Yes", AuditLogging: "N/A",
		RemoteService: "Yes", MalwareProtection: "No", SBOMAvailable: "See Note", PatchSupport: "Yes"}
	if diff := cmp.Diff(want, f.Facts); diff != "" {
		t.Errorf("facts (-want +got):\n%s", diff)
	}
	if f.Manufacturer != "Acme" || f.Model != "X1" {
		t.Errorf("header %q %q", f.Manufacturer, f.Model)
	}
}

func TestRefused(t *testing.T) {
	for _, tc := range []struct{ name, csv, want string }{
		{"no DOC-1", "Question ID,Question,Answer\nSTCF-1,x,Yes\n", "f.csv: no DOC-1 row"},
		{"unknown id", "DOC-1,Manufacturer,Acme\nCNFS-1,x,Yes\n", "f.csv: row 2: unknown question id \"CNFS-1\""},
		{"bad answer", "DOC-1,Manufacturer,Acme\nSTCF-1,x,Maybe\n", "f.csv: row 2: STCF-1: answer \"Maybe\""},
		{"duplicate", "DOC-1,Manufacturer,Acme\nSTCF-1,x,Yes\nSTCF-1,x,No\n", "f.csv: row 3: question STCF-1 again (first at row 2)"},
		{"shifted", "DOC-1,Manufacturer,Acme\n,STCF-1,x,Yes\n", "f.csv: row 2: question id \"STCF-1\" in column B"},
		{"answer without id", "DOC-1,Manufacturer,Acme\nsomething,x,Yes\n", "f.csv: row 2: answer \"Yes\" without a question id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := mds2.Parse("f.csv", []byte(tc.csv))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			var fe *mds2.Error
			if !errors.As(err, &fe) || vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("error %T (code %s), want an EINVALID *mds2.Error", err, vigil.ErrorCode(err))
			}
		})
	}
	if _, err := mds2.Parse("f.xlsx", []byte("PK\x03\x04garbage")); err == nil || !strings.Contains(err.Error(), "f.xlsx: not a readable XLSX") {
		t.Errorf("garbage xlsx: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	smp := mds2.Generate(rand.New(rand.NewPCG(1, 2)), mds2.Spec{Manufacturer: "A", Model: "B"})
	f.Add(smp.CSV())
	f.Add([]byte("DOC-1,Manufacturer,Acme\nSTCF-1,x,Yes\n"))
	f.Add([]byte("DOC-1;M;A\n\"x\";\"y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		form, err := mds2.Parse("fuzz.csv", data)
		if err != nil {
			var fe *mds2.Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v is not an *mds2.Error", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, q := range form.Questions {
			if id, ok := mds2.NormalizeID(q.ID); !ok || id != q.ID || seen[q.ID] {
				t.Fatalf("question id %q kept", q.ID)
			}
			seen[q.ID] = true
		}
		if !seen["DOC-1"] {
			t.Fatal("a form without DOC-1 read")
		}
	})
}

package checks_test

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/checks/checkstest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// verdictLines renders every failure and error of the shipped checks on n
// random devices drawn from seed, one line each with its reason.
func verdictLines(t *testing.T, seed uint64, n int) string {
	t.Helper()
	p, _ := compileLibrary(t)
	subjects := checkstest.Subjects(seed, n)
	in := checks.Inputs{Policy: checkstest.Policy(), Now: checkstest.Now()}
	got := make([][]string, len(subjects))
	p.Evaluate(subjects, in, func(i int, rs []checks.Result) {
		for _, r := range rs {
			if r.Status == checks.StatusFail || r.Status == checks.StatusError {
				got[i] = append(got[i], fmt.Sprintf("%d %s %s: %s\n", i, r.Check.ID, r.Status, r.Reason))
			}
		}
	})
	var b strings.Builder
	for _, lines := range got {
		for _, l := range lines {
			b.WriteString(l)
		}
	}
	return b.String()
}

// TestReasonsGolden holds the failure reasons of every shipped check on
// random devices byte for byte (150 devices in a readable golden file,
// 5,000 by their SHA-256), so that a change to how values reach CEL or to
// a reason expression cannot change what an auditor reads. Rewrite with
// -update only when a verdict or a reason is meant to change.
func TestReasonsGolden(t *testing.T) {
	small := verdictLines(t, 7, 150)
	sum := fmt.Sprintf("%x\n", sha256.Sum256([]byte(verdictLines(t, 8, 5000))))
	for _, f := range []struct{ name, got string }{
		{"reasons.golden", small},
		{"reasons-5000.sha256", sum},
	} {
		path := filepath.Join("testdata", f.name)
		if *update {
			if err := os.WriteFile(path, []byte(f.got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), f.got); diff != "" {
			t.Errorf("%s differs (-want +got):\n%s", path, diff)
		}
	}
}

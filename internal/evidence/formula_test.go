package evidence_test

import (
	"context"
	"io"
	"strings"
	"testing"
)

// Finding 5: the automatic inventory snapshot (inventory.csv, also in the
// binder) neutralises formulas that came in with an imported file.
func TestInventorySnapshotNeutralisesFormulas(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		importDevices(t, e.db, "=HYPERLINK(\"http://evil.example\")", "@SUM(1+1)")
		got, err := e.svc.Collect(context.Background(), nil)
		if err != nil || len(got) != 1 {
			t.Fatalf("collect: %v, %v", got, err)
		}
		f, _ := e.bs.Open(got[0].Key)
		b, _ := io.ReadAll(f)
		f.Close()
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
			_, tag, _ := strings.Cut(line, ",")
			if !strings.HasPrefix(tag, "\"'=HYPERLINK") && !strings.HasPrefix(tag, "'@SUM") {
				t.Errorf("snapshot row %q: the asset tag is not neutralised", line)
			}
		}
	})
}

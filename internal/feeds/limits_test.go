package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	shared "github.com/vigil-health/vigil/internal/realdata"
)

// TestLimits: each limit stops a feed that goes past it, as it streams,
// with one EINVALID error naming the file, where, and the flag.
func TestLimits(t *testing.T) {
	gz := func(s string) string {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write([]byte(s))
		zw.Close()
		return b.String()
	}
	kevHead := "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse\n"
	kevRow := "CVE-2021-44228,Apache,Log4j,Log4Shell,2021-12-10,d,a,2021-12-24,Known\n"
	small := bound.Limits{FileBytes: 4096, Rows: 3, Columns: 12, FieldBytes: 64, RecordBytes: 200, Depth: 8, Inflated: 4096}
	for _, tt := range []struct {
		name, data, want, where string
	}{
		{"big.json", `{"resultsPerPage":1,"vulnerabilities":[` + strings.Repeat(" ", 5000) + "]}", "--max-file-bytes", ""},
		{"inflate.json.gz", gz(`{"resultsPerPage":1,"vulnerabilities":[` + strings.Repeat(" ", 5000) + "]}"), "--max-inflated", ""},
		{"deep.json", `{"document":{"csaf_version":"2.0","x":` + strings.Repeat(`{"a":`, 20), "--max-depth", "byte 68"},
		{"whole.json", `{"document":{"csaf_version":"2.0"` + strings.Repeat(" ", 600) + "}}", "--max-file-bytes", "a CSAF document of more than 512 bytes, read whole"},
		{"list.json", `{"document":{"csaf_version":"2.0","x":[[],[1],[1,2]]}}`, "--max-rows", "byte 45"},
		{"string.json", `{"document":{"csaf_version":"2.0","title":"` + strings.Repeat("x", 100) + `"}}`, "--max-field-bytes", "byte 42"},
		{"number.json", `{"schema_version":"1","id":"X","modified":"2020-01-01T00:00:00Z","n":` + strings.Repeat("1", 100) + `}`, "--max-field-bytes", "byte 69"},
		{"record.json", `{"resultsPerPage":1,"vulnerabilities":[{"cve":{"id":"CVE-2020-0001","x":[` + strings.Repeat("1,", 150) + `1]}}]}`, "--max-record-bytes", "record 1"},
		{"rows.json", `{"catalogVersion":"1","vulnerabilities":[` + strings.Repeat(`{"cveID":"CVE-2020-0001","dateAdded":"2020-01-01"},`, 3) + `{}]}`, "--max-rows", "record 4"},
		{"line.csv", "cve,epss,percentile\n" + strings.Repeat("x", 300), "--max-record-bytes", "line 2"},
		{"quoted.csv", "cve,epss,percentile\n\"" + strings.Repeat("x\n", 150) + "\"", "--max-record-bytes", "line 2"},
		{"columns.csv", "cveID,vendorProject" + strings.Repeat(",a", 20), "--max-columns", "line 1"},
		{"field.csv", "cve,epss,percentile\nCVE-2020-0001,0." + strings.Repeat("1", 80) + ",0.1\n", "--max-field-bytes", "line 2"},
		{"rows.csv", "cve,epss,percentile\n" + strings.Repeat("CVE-2020-0001,0.1,0.1\n", 4), "--max-rows", "line 5"},
		{"header.csv", "#model_version:" + strings.Repeat("x", 300), "--max-record-bytes", "line 1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lim := small
			if tt.name == "big.json" {
				lim.RecordBytes = 1 << 20
			}
			b, err := ParseLimits(context.Background(), tt.name, strings.NewReader(tt.data), lim)
			if b != nil || vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("batch %v, error %v: want an EINVALID error", b, err)
			}
			msg := vigil.ErrorMessage(err)
			if !strings.HasPrefix(msg, tt.name+": ") || !strings.Contains(msg, tt.want) || !strings.Contains(msg, tt.where) {
				t.Errorf("error %q: want the file, %q and %q", msg, tt.where, tt.want)
			}
		})
	}
	// Under the limits, the same shapes read.
	if _, err := ParseLimits(context.Background(), "kev.csv", strings.NewReader(kevHead+kevRow), bound.Limits{RecordBytes: 200, Rows: 1}); err != nil {
		t.Errorf("kev.csv: %v", err)
	}
}

// limits.
func TestRealDataDefaultLimits(t *testing.T) {
	n := shared.Files(t, realdata(t, "vuln"), []string{".json", ".csv"}, func(p string, f *os.File) {
		if _, err := ParseLimits(context.Background(), filepath.Base(p), f, bound.Default()); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	})
	t.Logf("%d real feed files read under the default limits", n)
}

// FuzzParseLimits runs the parsers under tiny limits, so that the guards
// meet them everywhere: never a batch with an error, every error naming
// the file and bounded.
func FuzzParseLimits(f *testing.F) {
	for _, s := range []string{osvRecord1, cve5Sample, dailyEPSS, `{"resultsPerPage":1,"vulnerabilities":[{"cve":{"id":"CVE-2020-0001"}}]}`,
		`{"document":{"csaf_version":"2.0","tracking":{"id":"X"}},"vulnerabilities":[{"cve":"CVE-2020-0001","product_status":{"fixed":["a","b"]}}]}`,
		"cveID,vendorProject,product\n\"a\nb\",c,d\n"} {
		f.Add([]byte(s))
	}
	lim := bound.Limits{FileBytes: 2048, Rows: 4, Columns: 4, FieldBytes: 24, RecordBytes: 256, Depth: 4, Inflated: 2048}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseLimits(context.Background(), "CVE-2020-0001.fuzz", bytes.NewReader(data), lim)
		if err != nil && b != nil {
			t.Fatal("batch returned with an error")
		}
		if err != nil && (!strings.Contains(err.Error(), "CVE-2020-0001.fuzz") || len(vigil.ErrorMessage(err)) > bound.MaxMessage+3) {
			t.Fatalf("error does not name the file or is too long: %v", err)
		}
	})
}

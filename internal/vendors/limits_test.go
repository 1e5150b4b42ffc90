package vendors_test

import (
	"context"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
)

// TestListLimits refuses a list past its limits, naming the flag and
// storing nothing, and imports it once the limit is raised.
func TestListLimits(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	s := vendors.New(db)
	ctx := context.Background()
	csv := "Vendor,Kind\nAcme,Manufacturer\nGlobex,Software\nInitech,Cloud\n"
	list := vendors.ListBytes("vendors.csv", []byte(csv))
	list.Limits = bound.Limits{Rows: 3 * vendors.ListShare}
	_, err := s.ImportList(ctx, actor, list)
	if want := "vendors.csv: row 4: a vendor list of more than a quarter of 12 rows (the --max-rows limit; raise it to import this file)"; vigil.ErrorMessage(err) != want || vigil.ErrorCode(err) != vigil.EINVALID {
		t.Fatalf("error %v, want %q", err, want)
	}
	if _, ok := bound.AsLimitError(err); !ok {
		t.Errorf("error %v wraps no *bound.LimitError", err)
	}
	if got, err := s.List(ctx); err != nil || len(got) != 0 {
		t.Fatalf("stored %d vendors (%v)", len(got), err)
	}
	list.Limits.Rows = 4 * vendors.ListShare
	if res, err := s.ImportList(ctx, actor, list); err != nil || res.Added != 3 {
		t.Fatalf("raised: %+v, %v", res, err)
	}

	register := vendors.ListBytes("eol.csv", []byte("Manufacturer,Model,End of support\nAcme,"+strings.Repeat("x", 200)+",2030-01-01\n"))
	register.Limits = bound.Limits{FieldBytes: 100}

	wide := vendors.ListBytes("wide.csv", []byte("Vendor"+strings.Repeat(",a", 999)+"\n"+strings.Repeat("Acme"+strings.Repeat(",a", 999)+"\n", 20)))
	wide.Limits = bound.Limits{FileBytes: 4 * 200_000}
	_, err = s.ImportList(ctx, actor, wide)
	if want := "wide.csv: row 12: rows holding more than a quarter of 800000 bytes of text (the --max-file-bytes limit"; !strings.HasPrefix(vigil.ErrorMessage(err), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	_, err = s.ImportModelSupportList(ctx, actor, register)
	if want := "eol.csv: row 2: column B: a value of more than 100 bytes (the --max-field-bytes limit"; !strings.HasPrefix(vigil.ErrorMessage(err), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	_, err = s.ImportAgreements(ctx, actor, "baa.csv", []byte("Vendor,Document\n\xff\xfe,BAA\n"))
	if want := "baa.csv: a contract register must be UTF-8 text or an XLSX workbook"; vigil.ErrorMessage(err) != want {
		t.Errorf("error %v, want %q", err, want)
	}
}

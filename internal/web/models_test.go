package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
)

// TestModelsPage shows a model past end of support on /models, its device
// listed with the date, and the page readable by an auditor.
func TestModelsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := vendorEnv(t, db)
		auditor, _ := e.client("auditor")
		page := e.get(auditor, "/models", 200)
		if !strings.Contains(page, "CARESCAPE B650") || !strings.Contains(page, "No device is past") {
			t.Errorf("/models before any notice: %.800s", page)
		}
		eos := time.Now().UTC().AddDate(0, -2, 0).Truncate(24 * time.Hour)
		if err := vendors.New(db).SetModelSupport(context.Background(), nil, &vigil.ModelSupport{Manufacturer: "GE Healthcare", Model: "carescape b650",
			EndOfSupport: eos}); err != nil {
			t.Fatal(err)
		}
		page = e.get(auditor, "/models", 200)
		if strings.Contains(page, "No device is past") || !strings.Contains(page, "BME-00077") || !strings.Contains(page, eos.Format(time.DateOnly)) ||
			!strings.Contains(page, ">unsupported<") {
			t.Errorf("/models after the notice: %.1500s", page)
		}
	})
}

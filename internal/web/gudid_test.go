package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestGUDIDOnDevice shows the GUDID record of a device's UDI DI on the
// device page and in the device API, beside the sources' own values, and
// nothing for a device whose DI GUDID does not know.
func TestGUDIDOnDevice(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, storetest.Open(t, engine))
			ctx := context.Background()
			_, err := e.svc.Inventory.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmms", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
				{Fields: vigil.MakeFields(map[string]string{"asset_tag": "UDI-1", "model": "Our name for it", "udi": "(01)00844588018923(21)SN9"})},
				{Fields: vigil.MakeFields(map[string]string{"asset_tag": "UDI-2", "udi": "(01)10884521062856(21)SN1"})},
			}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.db.SaveGUDID(ctx, nil, "sample.xml", []*vigil.GUDIDDevice{{PrimaryDI: "00844588018923", Issuer: "GS1",
				Company: "CONSENSUS ORTHOPEDICS, INC.", Brand: "CS2 Acet. Cup Sys. - VitalitE", Model: "1107-0-3258",
				GMDNTerms: []string{"Non-constrained polyethylene acetabular liner"}}}); err != nil {
				t.Fatal(err)
			}
			c, _ := e.client("clinical-engineering")
			ids := map[string]int64{}
			devs, _, err := e.db.FindDevices(ctx, vigil.DeviceFilter{Query: "UDI-"})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range devs {
				ids[d.AssetTag] = d.ID
			}
			body := e.get(c, "/devices/"+itoa(ids["UDI-1"]), 200)
			for _, want := range []string{`id="gudid"`, "CONSENSUS ORTHOPEDICS, INC.", "1107-0-3258", "Non-constrained polyethylene acetabular liner", "Our name for it"} {
				if !strings.Contains(body, want) {
					t.Errorf("device page lacks %q", want)
				}
			}
			var api struct {
				Model string             `json:"model"`
				GUDID *vigil.GUDIDDevice `json:"gudid"`
			}
			if err := json.Unmarshal([]byte(e.get(c, "/api/v1/devices/"+itoa(ids["UDI-1"]), 200)), &api); err != nil {
				t.Fatal(err)
			}
			if api.GUDID == nil || api.GUDID.Company != "CONSENSUS ORTHOPEDICS, INC." || api.Model != "Our name for it" {
				t.Errorf("device API: model %q, gudid %+v", api.Model, api.GUDID)
			}
			if body := e.get(c, "/devices/"+itoa(ids["UDI-2"]), 200); strings.Contains(body, `id="gudid"`) {
				t.Errorf("a device whose DI GUDID does not know shows a GUDID section")
			}
			if api := e.get(c, "/api/v1/devices/"+itoa(ids["UDI-2"]), 200); strings.Contains(api, `"gudid"`) {
				t.Errorf("the device API shows a GUDID record for an unknown DI")
			}
		})
	}
}

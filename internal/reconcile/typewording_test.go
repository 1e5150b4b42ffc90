package reconcile

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
)

// fakeTypes is a DeviceType for the tests: a few wordings and models of a
// taxonomy, as classification would map them.
func fakeTypes(r *vigil.Record) string {
	wordings := map[string]string{
		"anesthesia units": "anesthesia-machine", "anesthesia machine": "anesthesia-machine",
		"pumps, infusion, large-volume": "infusion-pump", "infusion pump": "infusion-pump",
		"pumps, infusion, syringe": "syringe-pump", "printer": "printer",
	}
	if t := wordings[strings.ToLower(strings.TrimSpace(r.Get(vigil.FieldDeviceType)))]; t != "" {
		return t
	}
	models := map[string]string{"aisys cs2": "anesthesia-machine", "sigma spectrum": "infusion-pump"}
	return models[strings.ToLower(r.Get(vigil.FieldModel))]
}

// TestTypeWordingConflicts: two device_type wordings that classification
// types alike are no field conflict; different types, or a wording nothing
// types, still are.
func TestTypeWordingConflicts(t *testing.T) {
	for _, tc := range []struct {
		name               string
		cmms, cmdb         []string // field/value pairs besides the asset tag
		noClassifier, want bool     // want: a device_type field conflict
	}{
		{name: "ECRI wording and the taxonomy label",
			cmms: []string{"device_type", "Anesthesia Units"}, cmdb: []string{"device_type", "Anesthesia Machine"}},
		{name: "a generic class typed by the record's model",
			cmms: []string{"device_type", "Anesthesia Units", "model", "Aisys CS2"},
			cmdb: []string{"device_type", "Medical Device", "model", "Aisys CS2"}},
		{name: "a generic class whose record says nothing more", want: true,
			cmms: []string{"device_type", "Anesthesia Units"}, cmdb: []string{"device_type", "Medical Device"}},
		{name: "different types", want: true,
			cmms: []string{"device_type", "Pumps, Infusion, Large-Volume"}, cmdb: []string{"device_type", "Pumps, Infusion, Syringe"}},
		{name: "an anesthesia machine called a printer", want: true,
			cmms: []string{"device_type", "Anesthesia Units", "model", "Aisys CS2"}, cmdb: []string{"device_type", "Printer", "model", "Aisys CS2"}},
		{name: "neither wording typed", want: true,
			cmms: []string{"device_type", "Gadget"}, cmdb: []string{"device_type", "Widget"}},
		{name: "without a classifier wordings are compared as written", noClassifier: true, want: true,
			cmms: []string{"device_type", "Anesthesia Units"}, cmdb: []string{"device_type", "Anesthesia Machine"}},
		{name: "spelling alone never conflicts", noClassifier: true,
			cmms: []string{"device_type", "Infusion  Pump"}, cmdb: []string{"device_type", "infusion pump"}},
		{name: "one source gives no type",
			cmms: []string{"device_type", "Anesthesia Units"}, cmdb: []string{"model", "Aisys CS2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var in []Input
			newBatch(t, &in, "cmms", vigil.SourceInventory, 1).add(append([]string{"asset_tag", "CE1"}, tc.cmms...)...)
			newBatch(t, &in, "cmdb", vigil.SourceInventory, 101).add(append([]string{"asset_tag", "CE1"}, tc.cmdb...)...)
			res := mustResolve(t, in, nil, Config{Sources: ceIT})
			opt := DiscrepancyOptions{DeviceType: fakeTypes}
			if tc.noClassifier {
				opt.DeviceType = nil
			}
			got := typeConflicts(res.Discrepancies(opt))
			var streamed []vigil.Discrepancy
			if err := res.EachDiscrepancy(opt, func(d *vigil.Discrepancy) error {
				streamed = append(streamed, *d)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if s := typeConflicts(streamed); len(s) != len(got) {
				t.Errorf("Discrepancies gives %d type conflicts, EachDiscrepancy %d", len(got), len(s))
			}
			if (len(got) > 0) != tc.want {
				t.Errorf("device_type conflicts %+v, want a conflict: %v", got, tc.want)
			}
			if tc.want && len(got) == 1 {
				want := map[string]string{"cmms": valueOf(tc.cmms, "device_type"), "cmdb": valueOf(tc.cmdb, "device_type")}
				if diff := cmp.Diff(want, got[0].Values); diff != "" {
					t.Errorf("values as the sources wrote them (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// typeConflicts keeps the device_type field conflicts.
func typeConflicts(ds []vigil.Discrepancy) []vigil.Discrepancy {
	var out []vigil.Discrepancy
	for _, d := range ds {
		if d.Kind == vigil.DiscrepancyFieldConflict && d.Field == vigil.FieldDeviceType {
			out = append(out, d)
		}
	}
	return out
}

func valueOf(kv []string, field string) string {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == field {
			return kv[i+1]
		}
	}
	return ""
}

// TestStaleOnlyOnTheNetwork: a device no source gives an address, or one
// its inventory says is not deployed, is never stale; one with an address
// in service (or of no stated lifecycle) is.
func TestStaleOnlyOnTheNetwork(t *testing.T) {
	now := t0.Add(60 * 24 * time.Hour)
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).
		add("asset_tag", "BME-1", "mac", "00:00:00:00:00:01", "lifecycle", "in-service").
		add("asset_tag", "BME-2", "lifecycle", "in-service").
		add("asset_tag", "BME-3", "mac", "00:00:00:00:00:03", "lifecycle", "retired").
		add("asset_tag", "BME-4", "ip", "10.0.0.4", "lifecycle", "received").
		add("asset_tag", "BME-5", "ip", "10.0.0.5", "lifecycle", "procurement").
		add("asset_tag", "BME-6", "mac", "00:00:00:00:00:06", "lifecycle", "decommissioned").
		add("asset_tag", "BME-7", "ip", "10.0.0.7", "lifecycle", "maintenance").
		add("asset_tag", "BME-8", "mac", "00:00:00:00:00:08")
	newBatch(t, &in, "nmap", vigil.SourceScanner, 11).
		seen(now.Add(-time.Hour)).add("mac", "00:00:00:00:00:09", "ip", "10.0.0.9")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	var got []string
	for _, d := range ofKind(res.Discrepancies(DiscrepancyOptions{Now: now}), vigil.DiscrepancyStale) {
		got = append(got, d.Device.AssetTag)
	}
	if diff := cmp.Diff([]string{"BME-1", "BME-7", "BME-8"}, got); diff != "" {
		t.Errorf("stale devices (-want +got):\n%s", diff)
	}
}

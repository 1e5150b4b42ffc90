package reconcile

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

// acceptanceInputs is the scenario: a clinical-engineering export and
// an IT export of mostly the same devices, with MACs written differently,
// devices missing on each side, field conflicts and one duplicate.
func acceptanceInputs(t testing.TB) []Input {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).
		add("asset_tag", "BME-001", "serial", "SN1001", "manufacturer", "Baxter", "model", "Sigma Spectrum",
			"mac", "00-09-FB-00-00-01", "firmware", "8.01", "location", "ICU Bed 1").
		add("asset_tag", "BME-002", "serial", "SN1002", "manufacturer", "Philips", "model", "IntelliVue MX800",
			"mac", "0009.fb00.0002", "firmware", "J.10", "location", "ICU Bed 2").
		add("asset_tag", "BME-003", "serial", "SN1003", "manufacturer", "GE", "model", "MAC 5500",
			"location", "Cardiology 3").
		add("asset_tag", "BME-004", "serial", "SN1004", "manufacturer", "Hospira", "model", "Plum 360",
			"mac", "00:1A:2B:00:00:04").
		add("asset_tag", "BME-005", "serial", "SN1005", "manufacturer", "Roche", "model", "Accu-Chek Inform II").
		add("serial", "sn1005", "manufacturer", "Roche Diagnostics", "model", "Accu-Chek Inform II")
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 101).
		add("mac", "0009FB000001", "hostname", "pump-001.icu.example.org", "ip", "10.1.0.1", "serial", "sn1001",
			"manufacturer", "BAXTER", "model", "sigma  spectrum", "firmware", "v8.01").
		add("mac", "00:09:fb:00:00:02", "hostname", "mon-002", "ip", "10.1.0.2", "manufacturer", "Philips Medical Systems",
			"model", "IntelliVue MX450", "firmware", "K.02").
		add("serial", "SN1003", "manufacturer", "GE Healthcare", "hostname", "ecg-003", "location", "Cardiology 4").
		add("mac", "3c:52:82:00:00:06", "hostname", "ws-006", "ip", "10.1.0.6", "manufacturer", "HP", "model", "EliteDesk 800").
		add("serial", "SN1005", "manufacturer", "Roche", "hostname", "glu-005")
	return in
}

func TestAcceptance(t *testing.T) {
	res := mustResolve(t, acceptanceInputs(t), nil, Config{Sources: ceIT})
	if got, want := len(res.Devices), 6; got != want {
		t.Fatalf("devices: got %d, want %d", got, want)
	}
	if len(res.Conflicts) != 0 {
		t.Errorf("unexpected conflicts: %+v", res.Conflicts)
	}
	ds := res.Discrepancies(DiscrepancyOptions{Now: t0})

	pump := vigil.DeviceRef{ID: 1, AssetTag: "BME-001", Serial: "SN1001", MAC: "00:09:fb:00:00:01",
		Hostname: "pump-001.icu.example.org", IP: "10.1.0.1", Manufacturer: "Baxter", Model: "Sigma Spectrum"}
	monitor := vigil.DeviceRef{ID: 2, AssetTag: "BME-002", Serial: "SN1002", MAC: "00:09:fb:00:00:02",
		Hostname: "mon-002", IP: "10.1.0.2", Manufacturer: "Philips", Model: "IntelliVue MX800"}
	ecg := vigil.DeviceRef{ID: 3, AssetTag: "BME-003", Serial: "SN1003", Hostname: "ecg-003",
		Manufacturer: "GE", Model: "MAC 5500"}
	plum := vigil.DeviceRef{ID: 4, AssetTag: "BME-004", Serial: "SN1004", MAC: "00:1a:2b:00:00:04",
		Manufacturer: "Hospira", Model: "Plum 360"}
	glucose := vigil.DeviceRef{ID: 5, AssetTag: "BME-005", Serial: "SN1005", Hostname: "glu-005",
		Manufacturer: "Roche", Model: "Accu-Chek Inform II"}
	ws := vigil.DeviceRef{ID: 6, MAC: "3c:52:82:00:00:06", Hostname: "ws-006", IP: "10.1.0.6",
		Manufacturer: "HP", Model: "EliteDesk 800"}
	both := []string{"cmdb", "cmms"}

	wantMissing := []vigil.Discrepancy{
		{Kind: vigil.DiscrepancyMissingFromSource, Device: plum, Values: map[string]string{"cmms": "present", "cmdb": "missing"},
			Sources: both, Detail: "listed by cmms; missing from cmdb"},
		{Kind: vigil.DiscrepancyMissingFromSource, Device: ws, Values: map[string]string{"cmms": "missing", "cmdb": "present"},
			Sources: both, Detail: "listed by cmdb; missing from cmms"},
	}
	if diff := cmp.Diff(wantMissing, ofKind(ds, vigil.DiscrepancyMissingFromSource)); diff != "" {
		t.Errorf("missing-from-source (-want +got):\n%s", diff)
	}
	wantFields := []vigil.Discrepancy{
		{Kind: vigil.DiscrepancyFieldConflict, Device: monitor, Field: "firmware",
			Values: map[string]string{"cmms": "J.10", "cmdb": "K.02"}, Sources: both},
		{Kind: vigil.DiscrepancyFieldConflict, Device: monitor, Field: "model",
			Values: map[string]string{"cmms": "IntelliVue MX800", "cmdb": "IntelliVue MX450"}, Sources: both},
		{Kind: vigil.DiscrepancyFieldConflict, Device: ecg, Field: "location",
			Values: map[string]string{"cmms": "Cardiology 3", "cmdb": "Cardiology 4"}, Sources: both},
	}
	if diff := cmp.Diff(wantFields, ofKind(ds, vigil.DiscrepancyFieldConflict)); diff != "" {
		t.Errorf("field-conflict (-want +got):\n%s", diff)
	}
	wantDup := []vigil.Discrepancy{
		{Kind: vigil.DiscrepancyDuplicate, Device: glucose, Sources: []string{"cmms"},
			Detail: "cmms lists this device 2 times: cmms.csv:6, cmms.csv:7; only some give asset_tag"},
	}
	if diff := cmp.Diff(wantDup, ofKind(ds, vigil.DiscrepancyDuplicate)); diff != "" {
		t.Errorf("duplicate (-want +got):\n%s", diff)
	}
	if got := ofKind(ds, vigil.DiscrepancyUnmanaged, vigil.DiscrepancyStale, vigil.DiscrepancyIdentityConflict); len(got) != 0 {
		t.Errorf("unexpected discrepancies without a discovery source: %+v", got)
	}
	_ = pump

	// The pump: CE wins the model, IT the host name, firmware is the newest.
	d := deviceOf(t, res, 1)
	if diff := cmp.Diff([]int64{1, 101}, d.Members); diff != "" {
		t.Errorf("pump members (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(pump, vigil.RefOf(&d.Device)); diff != "" {
		t.Errorf("pump fields (-want +got):\n%s", diff)
	}
	if d.Confidence != ConfidenceStrong {
		t.Errorf("pump confidence %v, want %v", d.Confidence, ConfidenceStrong)
	}
}

// TestDiscrepancyJSON pins the published JSON shape.
func TestDiscrepancyJSON(t *testing.T) {
	rep := vigil.DiscrepancyReport{Discrepancies: []vigil.Discrepancy{
		{Kind: vigil.DiscrepancyFieldConflict, Device: vigil.DeviceRef{ID: 2, MAC: "00:09:fb:00:00:02"}, Field: "model",
			Values: map[string]string{"cmms": "MX800", "cmdb": "MX450"}, Sources: []string{"cmdb", "cmms"}},
		{Kind: vigil.DiscrepancyUnmanaged, Device: vigil.DeviceRef{ID: 7, IP: "10.0.0.7"}, Sources: []string{"nmap"}},
	}}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"discrepancies":[` +
		`{"kind":"field-conflict","device":{"id":2,"mac":"00:09:fb:00:00:02"},"field":"model","values":{"cmdb":"MX450","cmms":"MX800"},"sources":["cmdb","cmms"]},` +
		`{"kind":"unmanaged","device":{"id":7,"ip":"10.0.0.7"},"sources":["nmap"]}]}`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Errorf("JSON (-want +got):\n%s", diff)
	}
}

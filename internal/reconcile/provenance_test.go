package reconcile

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
)

// provenanceScenarios are the fixtures and generated hospitals on which
// the provenance levels must agree.
func provenanceScenarios(t *testing.T) []scenario {
	acc := acceptanceInputs(t)
	newBatch(t, &acc, "nmap", vigil.SourceScanner, 201).
		add("mac", "00:09:fb:00:00:01", "ip", "10.1.0.1").
		add("mac", "00:1b:a9:00:00:77", "ip", "10.1.0.77", "hostname", "prn-77")
	newBatch(t, &acc, "cmdb", vigil.SourceInventory, 301).
		add("serial", "SN1002", "manufacturer", "Philips", "mac", "00:09:fb:00:00:22")
	var prec []Input
	newBatch(t, &prec, "cmms", vigil.SourceInventory, 1).
		add("asset_tag", "BME-1", "model", "Alaris 8015", "hostname", "ce-name", "firmware", "9.1", "site", "North",
			"room", "12", "stores_ephi", "yes", "criticality", "HIGH")
	newBatch(t, &prec, "cmdb", vigil.SourceInventory, 101).seen(t0.Add(time.Hour)).
		add("asset_tag", "BME-1", "model", "Alaris PC", "hostname", "it-name", "firmware", "9.33", "site", "South", "sends_ephi", "1")
	newBatch(t, &prec, "cmdb", vigil.SourceInventory, 201).add() // a record with no fields: a device with none
	out := []scenario{
		{name: "acceptance", in: acc, cfg: Config{Sources: ceIT}, opt: DiscrepancyOptions{Now: t0.Add(48 * time.Hour)}},
		{name: "precedence", in: prec, cfg: Config{Sources: ceIT}, opt: DiscrepancyOptions{Now: t0}},
	}
	if !testing.Short() {
		out = append(out, generatedScenarios(t, 5000)...)
	}
	return out
}

// TestProvenanceLevels: the levels change Provenance and nothing else, and
// Chosen gives the chosen value of every field at every level.
func TestProvenanceLevels(t *testing.T) {
	for _, sc := range provenanceScenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			var results [3]*Result
			var reports [3][]byte
			for _, level := range []ProvenanceDetail{ProvenanceAll, ProvenanceChosen, ProvenanceNone} {
				cfg := sc.cfg
				cfg.Provenance = level
				res := mustResolve(t, sc.in, sc.ds, cfg)
				b, err := json.Marshal(res.Discrepancies(sc.opt))
				if err != nil {
					t.Fatal(err)
				}
				results[level], reports[level] = res, b
			}
			all := results[ProvenanceAll]
			for level, res := range results[1:] {
				if string(reports[ProvenanceAll]) != string(reports[level+1]) {
					t.Errorf("level %d: discrepancies differ from ProvenanceAll's", level+1)
				}
				if diff := cmp.Diff(all, res, cmpopts.IgnoreUnexported(Result{}, Device{}),
					cmpopts.IgnoreFields(Device{}, "Provenance")); diff != "" {
					t.Errorf("level %d: result differs beyond provenance (-all +level):\n%s", level+1, diff)
				}
			}
			for i, d := range all.Devices {
				chosen, none := results[ProvenanceChosen].Devices[i], results[ProvenanceNone].Devices[i]
				want := make([]vigil.FieldProvenance, len(d.Provenance))
				for j, p := range d.Provenance {
					p.Values = nil
					want[j] = p
				}
				if diff := cmp.Diff(want, chosen.Provenance); diff != "" {
					t.Fatalf("device %d: ProvenanceChosen (-want +got):\n%s", d.ID, diff)
				}
				if none.Provenance != nil {
					t.Fatalf("device %d: ProvenanceNone kept %d provenance entries", d.ID, len(none.Provenance))
				}
				for _, f := range append([]string{"no-such-field", ""}, vigil.Fields...) {
					want := ""
					for _, p := range d.Provenance {
						if p.Field == f {
							want = p.Value
						}
					}
					for _, x := range []*Device{d, chosen, none} {
						if got := x.Chosen(f); got != want {
							t.Fatalf("device %d: Chosen(%q) = %q, want %q", d.ID, f, got, want)
						}
					}
				}
			}
		})
	}
}

// TestChosenDecoded: a Device decoded from JSON has only its Provenance.
func TestChosenDecoded(t *testing.T) {
	res := mustResolve(t, acceptanceInputs(t), nil, Config{Sources: ceIT})
	b, err := json.Marshal(res.Devices[0])
	if err != nil {
		t.Fatal(err)
	}
	var d Device
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	for _, f := range vigil.Fields {
		if got, want := d.Chosen(f), res.Devices[0].Chosen(f); got != want {
			t.Errorf("Chosen(%q) = %q, want %q", f, got, want)
		}
	}
	if got := (&Device{}).Chosen(vigil.FieldModel); got != "" {
		t.Errorf("empty device: Chosen = %q", got)
	}
}

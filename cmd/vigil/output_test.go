package main

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// TestWriteJSONOutMatchesEncoder holds the streaming writer to the bytes
// json.Encoder with a two-space indent writes for the same value.
func TestWriteJSONOutMatchesEncoder(t *testing.T) {
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	for _, v := range []any{
		map[string]any{},
		map[string]any{"devices": []*vigil.Device{}, "total": 0},
		map[string]any{"devices": []*vigil.Device(nil)},
		map[string]any{"total": 2, "devices": []*vigil.Device{{ID: 1, AssetTag: "CE-1 <&>", FirstSeen: at}, {ID: 2, Hostname: "pump-2"}}},
		map[string]any{"discrepancies": []vigil.Discrepancy{{Kind: vigil.DiscrepancyFieldConflict, Field: "model", Values: map[string]string{"cmms": "B650", "cmdb": "B 650"}, Sources: []string{"cmdb", "cmms"}}}},
		map[string]any{"raw": json.RawMessage(`{"a":[1,2]}`), "bytes": []byte("x"), "nested": map[string]int{"b": 2, "a": 1}, "empty": []string{}},
		vigil.DiscrepancyReport{Discrepancies: []vigil.Discrepancy{}},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeJSONOut(&got, v); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("writeJSONOut(%T):\n got %s\nwant %s", v, got.String(), want.String())
		}
	}
}

// TestStreamJSONListMatchesEncoder holds the streamed export to what
// json.Encoder writes for the whole report.
func TestStreamJSONListMatchesEncoder(t *testing.T) {
	for _, ds := range [][]vigil.Discrepancy{
		{},
		{{Kind: vigil.DiscrepancyStale, Device: vigil.DeviceRef{ID: 7, AssetTag: "CE-7"}, Sources: []string{"cmms"}, Detail: "never seen <by> a scan"}},
		{{Kind: vigil.DiscrepancyDuplicate, Sources: []string{"cmdb"}}, {Kind: vigil.DiscrepancyFieldConflict, Field: "model", Values: map[string]string{"a": "1", "b": "2"}, Sources: []string{"a", "b"}}},
	} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		if err := enc.Encode(vigil.DiscrepancyReport{Discrepancies: ds}); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		err := streamJSONList(&got, "discrepancies", func(add func(any) error) error {
			for _, d := range ds {
				if err := add(d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || got.String() != want.String() {
			t.Errorf("streamJSONList(%d discrepancies) = %v\n got %s\nwant %s", len(ds), err, got.String(), want.String())
		}
	}
}

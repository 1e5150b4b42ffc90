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

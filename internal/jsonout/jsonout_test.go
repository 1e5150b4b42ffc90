package jsonout_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/jsonout"
)

// encoded is what json.Encoder with a two-space indent writes for v.
func encoded(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestWriteMatchesEncoder holds Write to json.Encoder's bytes.
func TestWriteMatchesEncoder(t *testing.T) {
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
		var got bytes.Buffer
		if err := jsonout.Write(&got, v); err != nil {
			t.Fatal(err)
		}
		if want := encoded(t, v); got.String() != want {
			t.Errorf("Write(%T):\n got %s\nwant %s", v, got.String(), want)
		}
	}
}

// TestStreamMatchesEncoder holds a streamed list to the bytes of the same
// list given whole, and passes a stream's failure on.
func TestStreamMatchesEncoder(t *testing.T) {
	for _, ds := range [][]vigil.Discrepancy{
		{},
		{{Kind: vigil.DiscrepancyStale, Device: vigil.DeviceRef{ID: 7, AssetTag: "CE-7"}, Sources: []string{"cmms"}, Detail: "never seen <by> a scan"}},
		{{Kind: vigil.DiscrepancyDuplicate, Sources: []string{"cmdb"}}, {Kind: vigil.DiscrepancyFieldConflict, Field: "model", Values: map[string]string{"a": "1", "b": "2"}, Sources: []string{"a", "b"}}},
	} {
		var got bytes.Buffer
		err := jsonout.Write(&got, map[string]any{"total": len(ds), "discrepancies": jsonout.Stream(func(add func(any) error) error {
			for _, d := range ds {
				if err := add(d); err != nil {
					return err
				}
			}
			return nil
		})})
		want := encoded(t, map[string]any{"total": len(ds), "discrepancies": ds})
		if err != nil || got.String() != want {
			t.Errorf("streamed %d discrepancies: %v\n got %s\nwant %s", len(ds), err, got.String(), want)
		}
	}
	boom := errors.New("the database went away")
	err := jsonout.Write(&bytes.Buffer{}, map[string]any{"x": jsonout.Stream(func(func(any) error) error { return boom })})
	if !errors.Is(err, boom) {
		t.Errorf("a failing stream gave %v", err)
	}
}

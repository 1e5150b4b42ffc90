package store

import (
	"database/sql"
	"encoding/json"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// DeviceVersion is one resolved state of a device and when it held.
type DeviceVersion struct {
	Device    *vigil.Device `json:"device"`
	ValidFrom time.Time     `json:"valid_from"`
	ValidTo   *time.Time    `json:"valid_to,omitempty"`
}

type nullString struct{ sql.NullString }

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

package store

import (
	"database/sql"
	"encoding/json"
)

type nullString struct{ sql.NullString }

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func jsonMarshal(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

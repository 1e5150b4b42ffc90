package store

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	vigil "github.com/vigil-health/vigil"
)

var flatCases = []map[string]string{
	{},
	{"asset_tag": "CE100003", "model": "XT Automated Dispensing Cabinet", "room": "354"},
	{"a": `quote " back \ slash`, "b": "<script>&amp;</script>", "c": "tab\tnew\nline\r\x00\x1f\x7f"},
	{"d": "bad utf8 \xff\xfe end", "e": "line sep \u2028 para \u2029", "f": "Ünïcödé 日本 🏥"},
	{"": "", "empty": ""},
}

// sameJSON writes the replacement character as its escape: encoding/json
// writes an invalid byte as the escape up to Go 1.26 and as the character
// itself from Go 1.27, the same string either way. encodeFlat keeps the
// escape, so that stored records do not change with the toolchain.
func sameJSON(s string) string { return strings.ReplaceAll(s, "\ufffd", `\ufffd`) }

func TestFlatJSONMatchesEncodingJSON(t *testing.T) {
	for _, m := range flatCases {
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got := encodeFlat(vigil.MakeFields(m))
		if sameJSON(got) != sameJSON(string(want)) {
			t.Errorf("encodeFlat(%q)\n got %s\nwant %s", m, got, want)
		}
		back, err := decodeFlat(got)
		if err != nil {
			t.Fatal(err)
		}
		var ref map[string]string
		json.Unmarshal(want, &ref)
		if diff := cmp.Diff(ref, back.Map(), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("decodeFlat(%s) (-encoding/json +got):\n%s", got, diff)
		}
	}
}

func TestDecodeFlatFallsBack(t *testing.T) {
	for _, s := range []string{`{ "a" : "b" }`, `{"a":"b","a":"c"}`, `{"a":"\u0041"}`} {
		var want map[string]string
		if err := json.Unmarshal([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		got, err := decodeFlat(s)
		if err != nil {
			t.Fatalf("decodeFlat(%s): %v", s, err)
		}
		if diff := cmp.Diff(want, got.Map(), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("decodeFlat(%s) (-want +got):\n%s", s, diff)
		}
	}
	for _, s := range []string{``, `{`, `{"a":}`, `{"a":"b"`, `{"a":"b",}`, `[]`, `{"a":1}`} {
		if _, err := decodeFlat(s); err == nil {
			t.Errorf("decodeFlat(%q) gave no error", s)
		}
	}
}

func FuzzFlatJSON(f *testing.F) {
	f.Add("k", "v", `{"a":"b"}`)
	f.Add("<", "\xff\u2028", `{"a":"b","c":"d"}`)
	f.Fuzz(func(t *testing.T, k, v, doc string) {
		m := map[string]string{k: v, "z" + k: v + k}
		want, _ := json.Marshal(m)
		if got := encodeFlat(vigil.MakeFields(m)); sameJSON(got) != sameJSON(string(want)) {
			t.Fatalf("encodeFlat(%q) = %s, want %s", m, got, want)
		}
		var ref map[string]string
		refErr := json.Unmarshal([]byte(doc), &ref)
		got, err := decodeFlat(doc)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("decodeFlat(%q) error %v, encoding/json %v", doc, err, refErr)
		}
		if err == nil && !cmp.Equal(ref, got.Map(), cmpopts.EquateEmpty()) {
			t.Fatalf("decodeFlat(%q) = %q, encoding/json %q", doc, got, ref)
		}
	})
}

func TestLabelDetailMatchesEncodingJSON(t *testing.T) {
	for _, label := range []string{"", "BD Alaris 8015 (CE-1)", `a "quoted" <label> & more`, "bad \xff"} {
		want, _ := json.Marshal(map[string]any{"label": label})
		if got := string(labelDetail(label)); sameJSON(got) != sameJSON(string(want)) {
			t.Errorf("labelDetail(%q) = %s, want %s", label, got, want)
		}
	}
}

package vigil_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	vigil "github.com/vigil-health/vigil"
)

// checkFields compares f with the map it should equal, through every
// accessor, and checks the sorted, distinct invariant.
func checkFields(t *testing.T, f vigil.RecordFields, want map[string]string) {
	t.Helper()
	if diff := cmp.Diff(want, f.Map(), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("fields (-want +got):\n%s", diff)
	}
	if f.Len() != len(want) {
		t.Fatalf("Len() = %d, want %d", f.Len(), len(want))
	}
	for k, v := range want {
		if got, ok := f.Lookup(k); !ok || got != v || f.Get(k) != v {
			t.Fatalf("Lookup(%q) = %q, %v; want %q", k, got, ok, v)
		}
	}
	if _, ok := f.Lookup("\x00absent"); ok {
		t.Fatal("Lookup of an absent field found it")
	}
	l := f.List()
	for i := 1; i < len(l); i++ {
		if l[i-1].Name >= l[i].Name {
			t.Fatalf("fields not sorted and distinct: %q", l)
		}
	}
	wantJSON, _ := json.Marshal(want)
	if len(want) == 0 {
		wantJSON = []byte("{}")
	}
	got, err := json.Marshal(f)
	if err != nil || string(got) != string(wantJSON) {
		t.Fatalf("json.Marshal = %s, %v; want %s", got, err, wantJSON)
	}
	// Read back as encoding/json reads the map's own encoding (invalid
	// UTF-8 comes back replaced).
	var wantBack map[string]string
	json.Unmarshal(wantJSON, &wantBack)
	var back vigil.RecordFields
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("json round trip: %v", err)
	}
	if diff := cmp.Diff(wantBack, back.Map(), cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("json round trip (-want +got):\n%s", diff)
	}
}

func TestRecordFields(t *testing.T) {
	var f vigil.RecordFields
	checkFields(t, f, nil)
	f.Set("model", "B650")
	f.Set("asset_tag", "CE-1")
	f.Set("serial", "S<1>&")
	f.Set("model", "B850")
	checkFields(t, f, map[string]string{"asset_tag": "CE-1", "model": "B850", "serial": "S<1>&"})
	f.Delete("asset_tag")
	f.Delete("nothing")
	checkFields(t, f, map[string]string{"model": "B850", "serial": "S<1>&"})

	// FieldsOf sorts and lets a later value win, as a map literal would.
	g := vigil.FieldsOf([]vigil.FieldValue{{"z", "1"}, {"a", "2"}, {"z", "3"}, {"m", ""}})
	checkFields(t, g, map[string]string{"a": "2", "m": "", "z": "3"})
	if c := g.Clone(); !c.Equal(g) || c.Equal(f) {
		t.Fatal("Clone is not equal to its original, or Equal is wrong")
	}
	c := g.Clone()
	c.Set("a", "changed")
	if g.Get("a") != "2" {
		t.Fatal("a clone shares storage with its original")
	}

	// Many fields take the binary-search path.
	m := map[string]string{}
	var big vigil.RecordFields
	for _, k := range vigil.Fields {
		m[k] = k + "!"
		big.Set(k, k+"!")
	}
	checkFields(t, big, m)
	checkFields(t, vigil.MakeFields(m), m)

	var r vigil.Record
	if err := json.Unmarshal([]byte(`{"fields":null}`), &r); err != nil || r.Fields.Len() != 0 {
		t.Fatalf("null fields: %v, %d", err, r.Fields.Len())
	}
	if err := json.Unmarshal([]byte(`{"fields":{"a":1}}`), &r); err == nil {
		t.Fatal("a number as a field value was accepted")
	}
}

// FuzzRecordFields applies a sequence of edits to RecordFields and to a map
// and requires them to agree, and reads arbitrary JSON as encoding/json
// reads a map.
func FuzzRecordFields(f *testing.F) {
	f.Add([]byte("\x01a\x01b\x02a\x01c"), `{"a":"b","a":"c"}`)
	f.Add([]byte("\x01model\x00\x01asset\x00"), `null`)
	f.Fuzz(func(t *testing.T, ops []byte, doc string) {
		var got vigil.RecordFields
		want := map[string]string{}
		for i := 0; i+1 < len(ops); i += 2 {
			k := string(ops[i+1 : i+2])
			switch ops[i] % 3 {
			case 0:
				got.Delete(k)
				delete(want, k)
			default:
				v := string(ops[i:min(i+4, len(ops))])
				got.Set(k, v)
				want[k] = v
			}
		}
		checkFields(t, got, want)

		var ref map[string]string
		refErr := json.Unmarshal([]byte(doc), &ref)
		var rf vigil.RecordFields
		err := json.Unmarshal([]byte(doc), &rf)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("Unmarshal(%q) error %v, as a map %v", doc, err, refErr)
		}
		if err == nil {
			checkFields(t, rf, ref)
		}
	})
}

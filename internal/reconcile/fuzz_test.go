package reconcile

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
)

// fuzzInputs decodes 7 bytes per record into a record with identifiers drawn
// from tiny pools, so collisions and contradictions are frequent. A byte
// after the records, if any, seeds a decision: "same" when it is odd.
func fuzzInputs(data []byte) ([]Input, []vigil.IdentityDecision) {
	sources := []struct {
		name string
		kind vigil.SourceKind
	}{{"cmms", vigil.SourceInventory}, {"cmdb", vigil.SourceInventory}, {"nmap", vigil.SourceScanner}}
	pick := func(b byte, n int, format string) string {
		if v := int(b) % (n + 1); v > 0 {
			return fmt.Sprintf(format, v)
		}
		return ""
	}
	var in []Input
	for i := 0; i+7 <= len(data) && len(in) < 64; i += 7 {
		b := data[i : i+7]
		s := sources[int(b[0])%len(sources)]
		f := map[string]string{
			vigil.FieldMAC:          pick(b[1], 4, "00:00:00:00:00:%02x"),
			vigil.FieldSerial:       pick(b[2], 4, "SN%d"),
			vigil.FieldManufacturer: pick(b[3], 2, "Maker%d Inc"),
			vigil.FieldAssetTag:     pick(b[4], 3, "BME-%d"),
			vigil.FieldHostname:     pick(b[5], 3, "host-%d"),
			vigil.FieldIP:           pick(b[6]&7, 3, "10.0.0.%d"),
		}
		for k, v := range f {
			if v == "" {
				delete(f, k)
			}
		}
		in = append(in, Input{
			Ref: int64(len(in) + 1), Source: s.name, Kind: s.kind, PrevDevice: int64(b[6] >> 5),
			Record: &vigil.Record{ObservedAt: t0.Add(time.Duration(b[6]>>3&3) * 20 * time.Hour), Fields: vigil.MakeFields(f)},
		})
	}
	var ds []vigil.IdentityDecision
	if rest := len(data) % 7; rest > 0 && len(in) > 1 {
		b := data[len(data)-1]
		a, c := in[int(b)%len(in)], in[int(b/7)%len(in)]
		ds = append(ds, vigil.IdentityDecision{A: RecordKey(a.Source, a.Record), B: RecordKey(c.Source, c.Record), Same: b%2 == 1})
	}
	return in, ds
}

func FuzzResolve(f *testing.F) {
	f.Add([]byte{0, 1, 1, 1, 0, 0, 0, 1, 2, 1, 1, 0, 0, 0, 2, 1, 0, 0, 1, 1, 1})
	f.Add([]byte{0, 0, 1, 0, 1, 0, 0, 1, 0, 2, 0, 1, 0, 0, 2, 1, 0, 0, 0, 1, 0, 9})
	f.Add([]byte{2, 0, 0, 0, 0, 1, 1, 2, 0, 0, 0, 0, 1, 9, 1, 1, 0, 0, 0, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		in, ds := fuzzInputs(data)
		res, err := Resolve(in, ds, Config{Sources: ceIT})
		if err != nil {
			t.Fatal(err)
		}
		where := make(map[int64]int64)
		for _, d := range res.Devices {
			for _, m := range d.Members {
				if _, dup := where[m]; dup {
					t.Fatalf("record %d in two devices", m)
				}
				where[m] = d.ID
			}
			if len(ds) == 0 || !ds[0].Same { // a person may merge contradicting records
				checkNoContradiction(t, res, d)
			}
		}
		if len(where) != len(in) {
			t.Fatalf("%d of %d records placed", len(where), len(in))
		}
		for _, c := range res.Conflicts {
			if where[c.A.Ref] != c.A.Device || where[c.B.Ref] != c.B.Device || c.A.Device == c.B.Device {
				t.Fatalf("conflict %+v does not match the devices", c)
			}
		}
		for _, d := range ds {
			for _, a := range in {
				for _, b := range in {
					if RecordKey(a.Source, a.Record) != d.A || RecordKey(b.Source, b.Record) != d.B || a.Ref == b.Ref {
						continue
					}
					if together := where[a.Ref] == where[b.Ref]; together != d.Same {
						t.Fatalf("records %d and %d decided same=%v but together=%v", a.Ref, b.Ref, d.Same, together)
					}
				}
			}
		}
		dopt := DiscrepancyOptions{Now: t0.Add(90 * 24 * time.Hour)}
		if diff := cmp.Diff(res.Discrepancies(dopt), streamed(t, res, dopt), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("EachDiscrepancy differs from Discrepancies (-want +got):\n%s", diff)
		}

		rev := slices.Clone(in)
		slices.Reverse(rev)
		again, _ := Resolve(rev, ds, Config{Sources: ceIT})
		if diff := cmp.Diff(res, again, cmpopts.IgnoreUnexported(Result{}, Device{})); diff != "" {
			t.Fatalf("result depends on input order (-first +reversed):\n%s", diff)
		}
	})
}

// checkNoContradiction fails if two records of a device hold different
// values of one strong identifier, except asset tags within one source:
// a source listing a device twice may give each listing its own tag, but
// two sources whose tags for the device have none in common contradict.
func checkNoContradiction(t *testing.T, res *Result, d *Device) {
	t.Helper()
	tags := map[string]map[string]bool{} // source -> its tags for the device
	for _, m := range d.members {
		if v := normTag(res.inputs[m].Record.Get(vigil.FieldAssetTag)); v != "" {
			src := res.inputs[m].Source
			if tags[src] == nil {
				tags[src] = map[string]bool{}
			}
			tags[src][v] = true
		}
	}
	for a, ta := range tags {
		for b, tb := range tags {
			shared := false
			for v := range ta {
				shared = shared || tb[v]
			}
			if a < b && !shared {
				t.Fatalf("device %d: %s and %s give asset tags %v and %v", d.ID, a, b, ta, tb)
			}
		}
	}
	for _, field := range []string{vigil.FieldMAC, vigil.FieldSerial} {
		val := ""
		for _, m := range d.members {
			v := res.inputs[m].Record.Get(field)
			if field != vigil.FieldMAC {
				v = normTag(v)
			}
			if v == "" {
				continue
			}
			if val != "" && v != val {
				t.Fatalf("device %d holds %s %q and %q", d.ID, field, val, v)
			}
			val = v
		}
	}
}

package inventory

import (
	"flag"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/reconcile"
)

var wordingSeed = flag.Uint64("wording.seed", 0, "seed for TestTypeWordingGenerated (0: from the clock)")

// synonyms returns, for each taxonomy type, the wordings the taxonomy
// itself gives it: its name and label, and the plain words of its model
// rules in rules.tsv ("anesthesia", "anaesthesia", "ventilator",
// "pumps, infusion") that classification maps back to it.
func synonyms(t *testing.T, c *classify.Classifier) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, ty := range c.Types() {
		out[ty.Name] = append(out[ty.Name], ty.Name, ty.Label)
	}
	data, err := os.ReadFile("../classify/rules.tsv")
	if err != nil {
		t.Fatal(err)
	}
	plain := regexp.MustCompile(`^[a-z][a-z ,-]*[a-z]$`)
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 || f[0] != classify.TierModel || f[2] == "-" {
			continue
		}
		for _, alt := range strings.Split(f[1], "|") {
			alt = strings.ReplaceAll(alt, `\b`, "")
			alt = strings.ReplaceAll(alt, "s?", "s")
			if !plain.MatchString(alt) {
				continue
			}
			if got, _, _ := c.Classify("", alt, "", ""); got.Name == f[2] {
				out[f[2]] = append(out[f[2]], alt)
			}
		}
	}
	return out
}

// respell writes a wording as another source might, in another case: an
// import has already trimmed it and collapsed its spaces.
func respell(r *rand.Rand, s string) string {
	var b strings.Builder
	mode, start := r.IntN(4), true
	for _, c := range s {
		switch {
		case mode == 0, mode == 1 && start, mode == 2 && r.IntN(2) == 0:
			c = unicode.ToUpper(c)
		default:
			c = unicode.ToLower(c)
		}
		b.WriteRune(c)
		start = c == ' ' || c == '-' || c == ','
	}
	return b.String()
}

// TestTypeWordingGenerated draws pairs of type wordings from the
// taxonomy's synonym lists, respelt, for a device both inventories list,
// and holds the discrepancies to the rule: a device_type field conflict
// exactly when classification types the two records differently. One
// source sometimes gives only a generic class ("Medical Device") beside a
// model wording, which classification types by the model.
func TestTypeWordingGenerated(t *testing.T) {
	s := *wordingSeed
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -wording.seed=%d)", s, s)
	r := rand.New(rand.NewPCG(s, 15))
	c, err := classify.New()
	if err != nil {
		t.Fatal(err)
	}
	tp := newTyper(c)
	syn := synonyms(t, c)
	var names []string
	for _, ty := range c.Types() {
		names = append(names, ty.Name)
		if len(syn[ty.Name]) < 2 {
			t.Errorf("type %s has %d wordings", ty.Name, len(syn[ty.Name]))
		}
	}
	draw := func(typ string) string { return syn[typ][r.IntN(len(syn[typ]))] }
	sources := []reconcile.SourceInfo{{Name: "cmms", Kind: vigil.SourceInventory}, {Name: "cmdb", Kind: vigil.SourceInventory}}
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	var in []reconcile.Input
	want := map[string]bool{} // asset tag -> a device_type conflict expected
	same := 0
	for i := range 400 {
		a := names[r.IntN(len(names))]
		b := a
		if r.IntN(2) == 0 {
			b = names[r.IntN(len(names))]
		}
		tag := "CE" + string(rune('A'+i/26%26)) + string(rune('A'+i%26)) + string(rune('0'+i/676))
		ra := map[string]string{vigil.FieldAssetTag: tag, vigil.FieldDeviceType: respell(r, draw(a))}
		rb := map[string]string{vigil.FieldAssetTag: tag}
		if r.IntN(4) == 0 {
			rb[vigil.FieldDeviceType], rb[vigil.FieldModel] = respell(r, "Medical Device"), respell(r, draw(b))
		} else {
			rb[vigil.FieldDeviceType] = respell(r, draw(b))
		}
		recA := &vigil.Record{Origin: vigil.Origin{File: "cmms.csv", Line: i + 2}, ObservedAt: at, Fields: vigil.MakeFields(ra)}
		recB := &vigil.Record{Origin: vigil.Origin{File: "cmdb.csv", Line: i + 2}, ObservedAt: at, Fields: vigil.MakeFields(rb)}
		in = append(in, reconcile.Input{Ref: int64(2*i + 1), Source: "cmms", Kind: vigil.SourceInventory, Record: recA},
			reconcile.Input{Ref: int64(2*i + 2), Source: "cmdb", Kind: vigil.SourceInventory, Record: recB})
		ta, tb := tp.recordType(recA), tp.recordType(recB)
		if ta != a {
			t.Errorf("%q is one of %s's wordings but types as %q", ra[vigil.FieldDeviceType], a, ta)
		}
		// Wordings alike but for case never conflict; else only a type
		// both records are given, the same, settles them.
		alike := strings.EqualFold(ra[vigil.FieldDeviceType], rb[vigil.FieldDeviceType])
		want[tag] = !alike && (ta == "" || ta != tb)
		if !want[tag] {
			same++
		}
	}
	if same < 100 || same > 350 {
		t.Errorf("%d of 400 pairs type alike: the draw tests one side of the rule too little", same)
	}
	res, err := reconcile.Resolve(in, nil, reconcile.Config{Sources: sources})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, d := range res.Discrepancies(reconcile.DiscrepancyOptions{DeviceType: tp.recordType}) {
		if d.Kind == vigil.DiscrepancyFieldConflict && d.Field == vigil.FieldDeviceType {
			got[d.Device.AssetTag] = true
		}
	}
	for tag, w := range want {
		if got[tag] != w {
			var a, b string
			for _, x := range in {
				if x.Record.Get(vigil.FieldAssetTag) == tag {
					if x.Source == "cmms" {
						a = x.Record.Get(vigil.FieldDeviceType)
					} else {
						b = x.Record.Get(vigil.FieldDeviceType) + " / " + x.Record.Get(vigil.FieldModel)
					}
				}
			}
			t.Errorf("%s: %q against %q: conflict %v, want %v", tag, a, b, got[tag], w)
		}
	}
}

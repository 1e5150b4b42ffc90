package udi

import (
	"flag"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/realdata"
)

var seedFlag = flag.Uint64("udi.seed", 0, "seed for TestRandomRoundTrip (0: from the clock)")

// TestRandomRoundTrip writes random UDIs of every issuer in their
// canonical form and, for GS1, as an element string too, and reads each
// back to the same parts and key.
func TestRandomRoundTrip(t *testing.T) {
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -udi.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0x0d1))
	for i := 0; i < 3000; i++ {
		issuer := []vigil.UDIIssuer{vigil.UDIIssuerGS1, vigil.UDIIssuerHIBCC, vigil.UDIIssuerICCBBA}[i%3]
		u := Random(rng, issuer)
		s, err := Format(u)
		if err != nil {
			t.Fatalf("Format(%+v): %v", u, err)
		}
		got, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if diff := cmp.Diff(u, got, noRaw); diff != "" {
			t.Fatalf("Parse(%q) (-want +got):\n%s", s, diff)
		}
		if got.Key() == "" || got.Key() != u.Key() {
			t.Fatalf("key %q, want %q", got.Key(), u.Key())
		}
		if issuer == vigil.UDIIssuerGS1 {
			es := elementString(u)
			got, err := Parse(es)
			if err != nil {
				t.Fatalf("Parse(%q): %v", es, err)
			}
			if diff := cmp.Diff(u, got, noRaw); diff != "" {
				t.Fatalf("Parse(%q) (-want +got):\n%s", es, diff)
			}
		}
		// One changed byte of the DI is caught by the check digit or
		// character (GS1, HIBCC) or changes the key.
		bad := []byte(s)
		j := strings.Index(s, u.DI) + rng.IntN(len(u.DI))
		bad[j] = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"[rng.IntN(34)]
		if b, err := Parse(string(bad)); err == nil && bad[j] != s[j] && b.Key() == u.Key() {
			t.Fatalf("Parse(%q) = key %q, the key of %q", bad, b.Key(), s)
		}
	}
}

// elementString writes a GS1 UDI as a Data Matrix scanner sends it.
func elementString(u vigil.UDI) string {
	var b strings.Builder
	b.WriteString("]d201" + u.DI)
	date := func(ai, d string) {
		if d != "" {
			t, _ := time.Parse(time.DateOnly, d)
			b.WriteString(ai + t.Format("060102"))
		}
	}
	date("17", u.Expiry)
	date("11", u.Manufactured)
	if u.Serial != "" {
		b.WriteString("21" + u.Serial)
	}
	if u.Lot != "" {
		if u.Serial != "" {
			b.WriteByte(GS)
		}
		b.WriteString("10" + u.Lot)
	}
	return b.String()
}

// TestGUDIDSample reads every device identifier of the FDA's GUDID sample
// record (openFDA's test file): each is a GTIN whose check digit holds, a
// UDI of it with a serial number has a key, and one wrong digit is caught.
func TestGUDIDSample(t *testing.T) {
	path := realdata.Path(t, "inventory", "fda-gudid", "gudid_device_test.xml")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`<(deviceId|containsDINumber)>([^<]+)</`)
	seen := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(string(b), -1) {
		di := m[2]
		if seen[di] {
			continue
		}
		seen[di] = true
		u, err := ParseDI(vigil.UDIIssuerGS1, di)
		if err != nil || u.DI != di {
			t.Errorf("ParseDI(%s) = %+v, %v", di, u, err)
			continue
		}
		full, err := Parse("(01)" + di + "(17)181231(10)LOT1(21)SN-0001")
		if err != nil || full.Key() != "gs1:"+di+"/SN-0001" {
			t.Errorf("UDI of %s: %+v, %v", di, full, err)
		}
		wrong := di[:13] + string('0'+(di[13]-'0'+1)%10)
		if _, err := Parse(wrong); err == nil {
			t.Errorf("Parse(%s), a wrong check digit, succeeded", wrong)
		}
	}
	if len(seen) != 3 {
		t.Errorf("read %d distinct DIs from the sample, want 3 (primary, package, contained)", len(seen))
	}
}

// TestHIBCSpaceCheck reads HIBC data whose check character is a space:
// as Format writes it ('_'), as a scanner sends it (a space), with the
// space trimmed away, and as a caption. (Seed 1796532526657758896 of
// TestRandomRoundTrip found a UDI whose trimmed form read back wrong when
// Format wrote the space.)
func TestHIBCSpaceCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for found := 0; found < 3; {
		u := Random(rng, vigil.UDIIssuerHIBCC)
		s, err := Format(u)
		if err != nil {
			t.Fatal(err)
		}
		if s[len(s)-1] != '_' {
			continue // Format writes a space check character '_'
		}
		found++
		scanned := s[:len(s)-1] + " " // as a scanner sends it
		for _, in := range []string{s, scanned, strings.TrimSpace(scanned), "*" + s + "*"} {
			got, err := Parse(in)
			if err != nil || got.Key() != u.Key() {
				t.Errorf("Parse(%q) = %+v, %v", in, got, err)
			}
		}
	}
}

package totp

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"hash"
	"net/url"
	"strings"
	"testing"
	"time"
)

// The test vectors of RFC 6238, Appendix B: 8 digits, 30-second steps, each
// hash with its own seed.
func TestRFC6238Vectors(t *testing.T) {
	seeds := []struct {
		name string
		h    func() hash.Hash
		key  string
	}{
		{"SHA1", sha1.New, "12345678901234567890"},
		{"SHA256", sha256.New, "12345678901234567890123456789012"},
		{"SHA512", sha512.New, "1234567890123456789012345678901234567890123456789012345678901234"},
	}
	vectors := []struct {
		unix int64
		step string // T in hex, as the RFC prints it
		want [3]string
	}{
		{59, "0000000000000001", [3]string{"94287082", "46119246", "90693936"}},
		{1111111109, "00000000023523EC", [3]string{"07081804", "68084774", "25091201"}},
		{1111111111, "00000000023523ED", [3]string{"14050471", "67062674", "99943326"}},
		{1234567890, "000000000273EF07", [3]string{"89005924", "91819424", "93441116"}},
		{2000000000, "0000000003F940AA", [3]string{"69279037", "90698825", "38618901"}},
		{20000000000, "0000000027BC86AA", [3]string{"65353130", "77737706", "47863826"}},
	}
	for _, v := range vectors {
		at := time.Unix(v.unix, 0)
		if got := hex16(Step(at)); got != v.step {
			t.Errorf("T at %d = %s, want %s", v.unix, got, v.step)
		}
		for i, s := range seeds {
			if got := hotp(s.h, []byte(s.key), uint64(Step(at)), 8); got != v.want[i] {
				t.Errorf("%s at %d = %s, want %s", s.name, v.unix, got, v.want[i])
			}
		}
		// The six-digit code an app shows is the last six of the SHA-1 one.
		if got, want := Code([]byte(seeds[0].key), at), v.want[0][2:]; got != want {
			t.Errorf("Code at %d = %s, want %s", v.unix, got, want)
		}
	}
}

func hex16(n int64) string {
	const digits = "0123456789ABCDEF"
	b := make([]byte, 16)
	for i := 15; i >= 0; i-- {
		b[i] = digits[n&0xf]
		n >>= 4
	}
	return string(b)
}

func TestVerifySkewAndReplay(t *testing.T) {
	secret := []byte("12345678901234567890")
	now := time.Unix(1111111111, 0)
	step := Step(now)
	for _, tc := range []struct {
		name  string
		at    time.Time
		after int64
		ok    bool
		step  int64
	}{
		{"now", now, 0, true, step},
		{"one step behind", now.Add(-Period), 0, true, step - 1},
		{"one step ahead", now.Add(Period), 0, true, step + 1},
		{"two steps behind", now.Add(-2 * Period), 0, false, 0},
		{"two steps ahead", now.Add(2 * Period), 0, false, 0},
		{"already used", now, step, false, 0},
		{"an earlier step used", now, step - 1, true, step},
	} {
		got, ok := Verify(secret, Code(secret, tc.at), now, tc.after)
		if ok != tc.ok || got != tc.step {
			t.Errorf("%s: Verify = %d, %v; want %d, %v", tc.name, got, ok, tc.step, tc.ok)
		}
	}
	// A code typed with a space, as apps show it, is the same code.
	c := Code(secret, now)
	if _, ok := Verify(secret, c[:3]+" "+c[3:], now, 0); !ok {
		t.Error("a code with a space in the middle is refused")
	}
	for _, bad := range []string{"", "12345", "1234567", "12345a", "１２３４５６"} {
		if _, ok := Verify(secret, bad, now, 0); ok {
			t.Errorf("Verify accepted %q", bad)
		}
	}
	if _, ok := Verify(nil, c, now, 0); ok {
		t.Error("Verify accepted a code without a secret")
	}
}

func TestSecretsAndURI(t *testing.T) {
	s, err := NewSecret()
	if err != nil || len(s) != SecretSize {
		t.Fatalf("NewSecret = %x, %v", s, err)
	}
	enc := EncodeSecret(s)
	if len(enc) != 32 || strings.Contains(enc, "=") {
		t.Errorf("EncodeSecret = %q", enc)
	}
	// As a person types it: lower case, in groups, with padding.
	typed := strings.ToLower(enc[:4]+" "+enc[4:16]+"-"+enc[16:]) + "===="
	if got, err := ParseSecret(typed); err != nil || string(got) != string(s) {
		t.Errorf("ParseSecret(%q) = %x, %v", typed, got, err)
	}
	for _, bad := range []string{"", "AAAA", "not base32!", EncodeSecret(make([]byte, 15))} {
		if _, err := ParseSecret(bad); err == nil {
			t.Errorf("ParseSecret(%q) accepted", bad)
		}
	}
	u, err := url.Parse(URI("Vigil (St. Brigid)", "dana", s))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Vigil (St. Brigid):dana" || q.Get("secret") != enc ||
		q.Get("issuer") != "Vigil (St. Brigid)" || q.Get("digits") != "6" || q.Get("period") != "30" || q.Get("algorithm") != "SHA1" {
		t.Errorf("URI = %s", u)
	}
}

// FuzzParse holds the parsers of what a person types to their contract:
// never a panic; a secret that parses encodes back to what it decoded from
// (less spacing, case and padding) and is at least 128 bits; a code that
// parses is exactly six ASCII digits, the input's digits in order.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "123456", "123 456", " 12 34 56 ", "1234567", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
		"gezd gnbv gy3t qojq gezd gnbv gy3t qojq", "GEZDGNBVGY3TQOJQ====", "\x00", "１２３４５６", "ABCDEFGH-ABCDEFGH-ABCDEFGH"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if b, err := ParseSecret(s); err == nil {
			if len(b) < MinSecretSize {
				t.Fatalf("ParseSecret(%q) = %d bytes", s, len(b))
			}
			again, err := ParseSecret(EncodeSecret(b))
			if err != nil || string(again) != string(b) {
				t.Fatalf("ParseSecret(EncodeSecret(%x)) = %x, %v", b, again, err)
			}
		}
		if c, err := ParseCode(s); err == nil {
			if len(c) != Digits || strings.Trim(c, "0123456789") != "" || strings.ReplaceAll(s, " ", "") != c {
				t.Fatalf("ParseCode(%q) = %q", s, c)
			}
		}
		secret := []byte("12345678901234567890")
		if step, ok := Verify(secret, s, time.Unix(1111111111, 0), 0); ok {
			if c, _ := ParseCode(s); c != Code(secret, time.Unix(step*30, 0)) {
				t.Fatalf("Verify(%q) matched step %d whose code is another", s, step)
			}
		}
	})
}

package bound

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
)

func TestReaderStopsPastTheLimit(t *testing.T) {
	for _, size := range []int{0, 1, 99, 100, 101, 5000} {
		data := bytes.Repeat([]byte("x"), size)
		got, err := io.ReadAll(Reader(bytes.NewReader(data), "f.json", LimitFileBytes, 100, "a file of more than %s"))
		if size <= 100 {
			if err != nil || len(got) != size {
				t.Errorf("%d bytes: read %d, %v; want all of it", size, len(got), err)
			}
			continue
		}
		le, ok := AsLimitError(err)
		if !ok || le.Limit != LimitFileBytes || le.Max != 100 {
			t.Fatalf("%d bytes: err = %v, want the file-bytes limit", size, err)
		}
		if len(got) != 100 {
			t.Errorf("%d bytes: handed on %d bytes before failing, want 100", size, len(got))
		}
		if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), "f.json: a file of more than 100 bytes (the --max-file-bytes limit") {
			t.Errorf("%d bytes: message %q", size, err)
		}
	}
}

func TestGunzip(t *testing.T) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(bytes.Repeat([]byte{'a'}, 10<<20)) // 10 MiB of one byte: a few KiB packed
	zw.Close()
	lim := Limits{Inflated: 1 << 20}
	r, gz, err := Gunzip(bytes.NewReader(z.Bytes()), "feed.json.gz", lim)
	if err != nil || !gz {
		t.Fatalf("Gunzip: gz=%v err=%v", gz, err)
	}
	n, err := io.Copy(io.Discard, r)
	if le, ok := AsLimitError(err); !ok || le.Limit != LimitInflated || n != 1<<20 {
		t.Fatalf("a 10 MiB bomb under a 1 MiB limit: read %d, err %v", n, err)
	}
	r, gz, err = Gunzip(strings.NewReader(`{"a":1}`), "plain.json", lim)
	if b, _ := io.ReadAll(r); err != nil || gz || string(b) != `{"a":1}` {
		t.Fatalf("plain input: %q gz=%v err=%v", b, gz, err)
	}
	if _, _, err := Gunzip(strings.NewReader("\x1f\x8bnot gzip at all"), "bad.gz", lim); err == nil || !strings.Contains(err.Error(), "bad.gz") {
		t.Fatalf("a damaged gzip header: %v", err)
	}
}

func TestJSONRefusesBombs(t *testing.T) {
	lim := Limits{Depth: 8, FieldBytes: 32}
	for _, tc := range []struct {
		name, in, limit string
		at              int64
	}{
		{"deep arrays", strings.Repeat("[", 9) + strings.Repeat("]", 9), LimitDepth, 8},
		{"deep objects", strings.Repeat(`{"a":`, 9) + "1" + strings.Repeat("}", 9), LimitDepth, 40},
		{"long string", `{"k": "` + strings.Repeat("y", 40) + `"}`, LimitFieldBytes, 6},
		{"long escaped string", `["` + strings.Repeat(`\"`, 20) + `"]`, LimitFieldBytes, 1},
		{"long number", `[` + strings.Repeat("9", 40) + `]`, LimitFieldBytes, 1},
		{"long key", `{"` + strings.Repeat("k", 40) + `": 1}`, LimitFieldBytes, 1},
	} {
		_, err := io.ReadAll(JSON(strings.NewReader(tc.in), "x.json", lim))
		le, ok := AsLimitError(err)
		if !ok || le.Limit != tc.limit {
			t.Errorf("%s: err = %v, want the %s limit", tc.name, err, tc.limit)
			continue
		}
		if want := fmt.Sprintf("x.json: byte %d: ", tc.at); !strings.HasPrefix(vigil.ErrorMessage(err), want) {
			t.Errorf("%s: %q does not start %q", tc.name, err, want)
		}
	}
}

// TestJSONPassesWhatFits generates JSON documents at random within the
// limits and checks the guard hands them on byte for byte, in reads of
// every size.
func TestJSONPassesWhatFits(t *testing.T) {
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 0))
	for i := 0; i < 300; i++ {
		doc, err := json.Marshal(randomValue(rng, 0))
		if err != nil {
			t.Fatal(err)
		}
		r := JSON(&chunked{data: doc, rng: rng}, "doc.json", Limits{Depth: 6, FieldBytes: 40})
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, doc) {
			t.Fatalf("seed %d, document %d: %v\n%s\nhanded on\n%s", seed, i, err, doc, got)
		}
	}
}

// randomValue draws a JSON value at most 6 deep with strings of at most 40
// bytes once escaped.
func randomValue(rng *rand.Rand, depth int) any {
	k := rng.IntN(6)
	if depth >= 5 {
		k = rng.IntN(4)
	}
	switch k {
	case 0:
		return rng.Float64() * 1e6
	case 1:
		return rng.IntN(2) == 0
	case 2:
		return nil
	case 3:
		const chars = "ab \"\\/\t\né€<>&"
		var b strings.Builder
		for n := rng.IntN(6); n > 0; n-- {
			b.WriteString(string([]rune(chars)[rng.IntN(len([]rune(chars)))]))
		}
		return b.String()
	case 4:
		var a []any
		for n := rng.IntN(4); n > 0; n-- {
			a = append(a, randomValue(rng, depth+1))
		}
		return a
	}
	m := map[string]any{}
	for n := rng.IntN(4); n > 0; n-- {
		m[fmt.Sprint("k", rng.IntN(100))] = randomValue(rng, depth+1)
	}
	return m
}

// chunked hands data on in reads of random sizes.
type chunked struct {
	data []byte
	rng  *rand.Rand
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), len(c.data), 1+c.rng.IntN(7))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

func TestOverMessageIsBounded(t *testing.T) {
	err := Over(strings.Repeat("n", 5000), "", LimitRows, 10, "more than %s rows")
	if len(vigil.ErrorMessage(err)) > MaxMessage+3 {
		t.Fatalf("message of %d bytes", len(vigil.ErrorMessage(err)))
	}
	if !errors.Is(err, err) || vigil.ErrorCode(err) != vigil.EINVALID {
		t.Fatal("not an EINVALID error")
	}
}

// FuzzJSON: the guard never panics, and what it hands on is the input, or
// a prefix of it with a limit error.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":"c\"d"}]}`, `[[[[[[[[[`, `"\`, `{"x":` + strings.Repeat("1", 50) + `}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkGuarded(t, in, JSON(bytes.NewReader(in), "fuzz.json", Limits{Depth: 4, FieldBytes: 16}))
	})
}

// checkGuarded holds what a guard read of in hands on: in itself, or a
// prefix of it with a limit error.
func checkGuarded(t *testing.T, in []byte, guarded io.Reader) {
	t.Helper()
	got, err := io.ReadAll(guarded)
	if !bytes.HasPrefix(in, got) {
		t.Fatalf("handed on %q, not a prefix of %q", got, in)
	}
	if err != nil {
		if _, ok := AsLimitError(err); !ok {
			t.Fatalf("error that is not a limit: %v", err)
		}
	} else if len(got) != len(in) {
		t.Fatalf("handed on %d of %d bytes without an error", len(got), len(in))
	}
}

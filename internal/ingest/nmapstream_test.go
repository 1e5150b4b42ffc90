package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// nmapStreamed reads data as Read reads a scan, streamed through a window
// of window bytes holding ahead bytes ahead, the first head bytes already
// read, the rest coming through wrap.
func nmapStreamed(data []byte, head, window, ahead int, wrap func(io.Reader) io.Reader) (*Result, error) {
	oldWindow, oldAhead := xmlWindow, xmlAhead
	xmlWindow, xmlAhead = window, ahead
	defer func() { xmlWindow, xmlAhead = oldWindow, oldAhead }()
	head = min(head, len(data))
	return parse(context.Background(), "scan.xml", Options{Now: testNow}, func(p *parser) (string, error) {
		return FormatNmap, p.readNmapFrom(data[:head], wrap(bytes.NewReader(data[head:])))
	})
}

// checkStreamSame wants the streamed reader to give exactly what the
// in-memory one gives: the same result, or the same error message.
func checkStreamSame(t *testing.T, data []byte, head, window, ahead int, wrap func(io.Reader) io.Reader) {
	t.Helper()
	want, wantErr := Parse(context.Background(), "scan.xml", data, Options{Now: testNow, Format: FormatNmap})
	got, gotErr := nmapStreamed(data, head, window, ahead, wrap)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("window %d, ahead %d, head %d: streamed: %v; in memory: %v", window, ahead, head, gotErr, wantErr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("window %d, ahead %d, head %d: streamed and in-memory results differ (-memory +streamed):\n%s", window, ahead, head, diff)
	}
}

var streamWraps = []func(io.Reader) io.Reader{
	func(r io.Reader) io.Reader { return r },
	iotest.OneByteReader,
	iotest.HalfReader,
	iotest.DataErrReader,
}

// TestNmapStreamed reads documents through small windows and odd reads:
// every element, token and character crosses a window's end somewhere.
func TestNmapStreamed(t *testing.T) {
	var docs [][]byte
	files, _ := filepath.Glob(filepath.Join(realNmapDir, "*", "*.xml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, data)
	}
	for seed := range 150 {
		g := &nmapGen{r: rand.New(rand.NewPCG(uint64(seed), 13))}
		docs = append(docs, g.document())
	}
	const head = `<?xml version="1.0"?>` + "\n"
	for _, s := range []string{
		head + "<nmaprun><host>", head + "<nmaprun>\n<host></hosts></nmaprun>", "junk\n<nmaprun/>", "<nmaprun/>\njunk",
		head + "<nmaprun>\n<host><ports><port portid='x'/></ports></host></nmaprun>", "\ufeff<?xml version='1.0'?><nmaprun/>",
		`<?xml version="1.0" encoding="ISO-8859-1"?><nmaprun><host><address addr="10.0.0.9" addrtype="ipv4"/>` +
			"<hostnames><hostname name=\"caf\xe9\" type=\"user\"/></hostnames></host></nmaprun>",
		head + `<!DOCTYPE nmaprun [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]>` + "\n<nmaprun>&b;</nmaprun>",
		"   \n\n  " + head + "<nmaprun><host><address addr='10.1.1.1'/></host></nmaprun>",
		"<nmaprun><host><address addr='10.1.1.1' vendor='\u00e9\u00e9\u00e9\U0001D11E'/></host></nmaprun>\n<!-- end -->",
		"<nmaprun><runstats><finished errormsg='x'/></runstats></nmaprun>",
		"<nmaprun><host>\xff</host></nmaprun>", "<nmaprun><host><?xml-stylesheet x?><?xm?></host></nmaprun>",
		"Asset Tag,MAC\n", "", "<", "<nmaprun", "<nmaprun><host a='&#x1D11E;&amp' /></nmaprun>",
		"<nmaprun><hôte été='1'><é𐀀lément/></hôte><host><address addr='10.2.2.2'/></host></nmaprun>",
		"<nmaprun><é é='1' é='2'/></nmaprun>", "<nmaprun><a×b/></nmaprun>",
	} {
		docs = append(docs, []byte(s))
	}
	r := rand.New(rand.NewPCG(5, 6))
	for i, data := range docs {
		for _, c := range []struct{ window, ahead int }{{1, 1}, {16, 1}, {64, 8}, {300, 40}, {4096, 512}} {
			head := r.IntN(len(data) + 2)
			if i%3 == 0 {
				head = 0
			}
			checkStreamSame(t, data, head, c.window, c.ahead, streamWraps[r.IntN(len(streamWraps))])
		}
	}
}

// TestNmapStreamedReadError passes a read error on, naming the file.
func TestNmapStreamedReadError(t *testing.T) {
	data := []byte(`<nmaprun><host><address addr="10.0.0.1"/></host>` + strings.Repeat("<host/>", 1000))
	_, err := nmapStreamed(data, 10, 64, 8, func(r io.Reader) io.Reader {
		return io.MultiReader(io.LimitReader(r, 100), iotest.ErrReader(fmt.Errorf("disk on fire")))
	})
	if err == nil || !strings.Contains(err.Error(), "cannot read scan.xml") || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

// TestReadStreamsNmap reads a scan file through Read, which streams it,
// and wants what Parse gives for the same bytes.
func TestReadStreamsNmap(t *testing.T) {
	g := &nmapGen{r: rand.New(rand.NewPCG(1, 1))}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?><nmaprun start="1399586500">`)
	for b.Len() < 3*headSize {
		g.b.Reset()
		g.host()
		b.WriteString(g.b.String())
	}
	b.WriteString("</nmaprun>")
	data := b.Bytes()
	path := filepath.Join(t.TempDir(), "big.xml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Read(context.Background(), path, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	want, err := Parse(context.Background(), path, data, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" || len(got.Records) == 0 {
		t.Fatalf("%d records; Read and Parse differ (-Parse +Read):\n%s", len(got.Records), diff)
	}
	// A file of white space longer than the head, then the scan.
	if err := os.WriteFile(path, append(bytes.Repeat([]byte("\n"), headSize+10), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := Read(context.Background(), path, Options{Now: testNow, Format: ""}); err != nil || len(got.Records) != len(want.Records) {
		t.Fatalf("leading white space: %v", err)
	}
}

// FuzzNmapStream holds the streamed reader to the in-memory one on any
// input: the same result or the same error.
func FuzzNmapStream(f *testing.F) {
	addFiles(f, filepath.Join(realNmapDir, "*", "*.xml"))
	for seed := range 10 {
		g := &nmapGen{r: rand.New(rand.NewPCG(uint64(seed), 17))}
		f.Add(g.document())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		n := int(data[0])
		checkStreamSame(t, data, n%7, 1+n%37, 1+n%5, streamWraps[n%len(streamWraps)])
	})
}

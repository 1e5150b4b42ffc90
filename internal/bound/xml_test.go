package bound

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
)

func TestXMLRefusesBombs(t *testing.T) {
	lim := Limits{Depth: 8, FieldBytes: 32}
	for _, tc := range []struct {
		name, in, limit string
		at              int64
	}{
		{"deep elements", "<r>" + strings.Repeat("<a>", 8), LimitDepth, 24},
		{"long text", "<r>" + strings.Repeat("t", 40) + "</r>", LimitFieldBytes, 3},
		{"long attribute", `<r a="` + strings.Repeat("v", 40) + `"/>`, LimitFieldBytes, 6},
		{"long tag name", "<" + strings.Repeat("n", 40) + "/>", LimitFieldBytes, 0},
		{"long comment", "<r><!--" + strings.Repeat("c", 40) + "--></r>", LimitFieldBytes, 3},
		{"long CDATA", "<r><![CDATA[" + strings.Repeat("d", 40) + "]]></r>", LimitFieldBytes, 3},
	} {
		_, err := io.ReadAll(XML(strings.NewReader(tc.in), "x.xml", lim))
		le, ok := AsLimitError(err)
		if !ok || le.Limit != tc.limit {
			t.Errorf("%s: err = %v, want the %s limit", tc.name, err, tc.limit)
			continue
		}
		if want := fmt.Sprintf("x.xml: byte %d: ", tc.at); !strings.HasPrefix(vigil.ErrorMessage(err), want) {
			t.Errorf("%s: %q does not start %q", tc.name, vigil.ErrorMessage(err), want)
		}
	}
}

// TestXMLPassesRealFiles: real nmap, GUDID and CycloneDX XML pass under
// the default limits byte for byte, in reads of random sizes.
func TestXMLPassesRealFiles(t *testing.T) {
	var files []string
	for _, pat := range []string{"nmap/*/*.xml", "inventory/fda-gudid/*.xml", "sbom/cyclonedx/*.xml"} {
		m, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "realdata", pat))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no real XML under ../shared/realdata")
	}
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 2))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(XML(&chunked{data: data, rng: rng}, f, Limits{}))
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("seed %d: %s: %v (%d of %d bytes handed on)", seed, f, err, len(got), len(data))
		}
	}
}

// TestXMLPassesWhatFits generates documents within the limits with
// encoding/xml and checks the guard hands them on unchanged.
func TestXMLPassesWhatFits(t *testing.T) {
	type node struct {
		XMLName xml.Name
		Attr    []xml.Attr `xml:",any,attr"`
		Text    string     `xml:",chardata"`
		Kids    []node     `xml:",any"`
	}
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 3))
	word := func() string {
		const chars = "ab<>&\"' é€\t"
		var b strings.Builder
		for n := rng.IntN(5); n > 0; n-- {
			b.WriteString(string([]rune(chars)[rng.IntN(len([]rune(chars)))]))
		}
		return b.String()
	}
	var build func(depth int) node
	build = func(depth int) node {
		n := node{XMLName: xml.Name{Local: fmt.Sprint("e", rng.IntN(9))}, Text: word()}
		for i := rng.IntN(3); i > 0; i-- {
			n.Attr = append(n.Attr, xml.Attr{Name: xml.Name{Local: fmt.Sprint("a", i)}, Value: word()})
		}
		for i := rng.IntN(3); depth < 5 && i > 0; i-- {
			n.Kids = append(n.Kids, build(depth+1))
		}
		return n
	}
	for i := 0; i < 300; i++ {
		doc, err := xml.Marshal(build(0))
		if err != nil {
			t.Fatal(err)
		}
		doc = append([]byte(`<?xml version="1.0"?><!-- generated --><!DOCTYPE e0>`), doc...)
		got, err := io.ReadAll(XML(&chunked{data: doc, rng: rng}, "doc.xml", Limits{Depth: 6, FieldBytes: 120}))
		if err != nil || !bytes.Equal(got, doc) {
			t.Fatalf("seed %d, document %d: %v\n%s", seed, i, err, doc)
		}
	}
}

// TestXMLMarkupIsNotElements: what only looks like elements (in comments,
// CDATA, processing instructions, a DOCTYPE, attribute values) does not
// count towards the depth; an empty element takes its level while it is
// read (the first <c .../> is the third level).
func TestXMLMarkupIsNotElements(t *testing.T) {
	doc := `<?xml version="1.0"?><!DOCTYPE bom [<!ELEMENT a ANY><!-- ] > -->]><bom xmlns="http://cyclonedx.org/schema/bom/1.4">` +
		`<!-- <a><a><a><a> --><?pi <a><a><a>?><components><![CDATA[<a><a><a><a>]]><c x='>>' y="/"/><c/><c></c><c>t</c></components></bom>`
	lim := Limits{Depth: 3, FieldBytes: 64, RecordBytes: 128}.OrDefault()
	if _, err := io.ReadAll(XMLElements(strings.NewReader(doc), "g.xml", lim)); err != nil {
		t.Errorf("depth 3: %v", err)
	}
	lim.Depth = 2
	_, err := io.ReadAll(XMLElements(strings.NewReader(doc), "g.xml", lim))
	if msg := vigil.ErrorMessage(err); !strings.Contains(msg, "--max-depth") || !strings.Contains(msg, "byte 188") {
		t.Errorf("depth 2: %v", err)
	}
}

// FuzzXML: the guard never panics, and hands on the input, or a prefix of
// it with a limit error.
func FuzzXML(f *testing.F) {
	for _, s := range []string{`<a b="c"><d>e</d><!-- x --><![CDATA[y]]><?pi z?></a>`, `<a><a><a><a><a>`, `<!DOCTYPE a [<!ENTITY b "c">]><a/>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		checkGuarded(t, in, XML(bytes.NewReader(in), "fuzz.xml", Limits{Depth: 4, FieldBytes: 16}))
	})
}

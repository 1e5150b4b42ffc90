package xmlscan

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// realNmapDir is the shared real nmap corpus, relative to this package.
var realNmapDir = filepath.Join("..", "..", "..", "shared", "realdata", "nmap")

// seeds are documents in every form the syntax allows, and some it does
// not.
var seeds = []string{
	`<?xml version="1.0" encoding="UTF-8"?>` + "\n<a x='1' y=\"&lt;&#65;&#x42;&amp;&quot;&apos;\"><b/>text &gt; more<![CDATA[<raw>]]></a>\n",
	"\ufeff<?xml version='1.0' standalone='yes' ?><!-- c --><?pi data ?><!DOCTYPE a SYSTEM \"a.dtd\"><a>\r\nline\rbreak</a>",
	"  <?xml version=\"1.0\"?><n:a xmlns:n='urn:x' n:k='v'><n:b>é ü ✓ 𝄞</n:b></n:a>",
	"<a>\n<b c='\r\n'>x<!-- y -->z<?p q?></b></a><!-- after -->",
	`<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>`,
	"<a><b></a></b>", "<a>", "</a>", "<a b='1' b='2'/>", "<a>]]></a>", "<a>\x01</a>", "<a>\xff</a>",
	"<a:b:c/>", "<a><?xml version='1.0'?></a>", "<![CDATA[x]]><a/>", "<a x=1/>", "<a>&bogus;</a>",
	"<hôte été='1'><é𐀀lément/></hôte>", "<a×b/>", `<?xml version="1.0" encoding="ISO-8859-1"?><a/>`,
	"text<a/>more", "<a/><b/>", "",
}

// scanTokens reads data with a Scanner and writes its tokens out as
// encoding/xml sees them: local names, decoded values, empty-element tags
// as a start and an end, adjacent text joined.
func scanTokens(data []byte) ([]string, error) {
	s := New(data)
	d, err := s.Prolog(0)
	if err != nil {
		return nil, err
	}
	if d.Encoding != "" && !strings.EqualFold(d.Encoding, "utf-8") {
		return nil, errors.New("encoding " + d.Encoding)
	}
	var out tokens
	for {
		tok, err := s.Next()
		if err != nil || tok == EOF {
			return out.list, err
		}
		out.scanned(s, tok)
	}
}

// tokens is a token list as scanTokens and xmlTokens write it.
type tokens struct {
	list  []string
	depth int
}

func (t *tokens) add(tok string) { t.list = append(t.list, tok) }

// text adds character data, joined to text just before; white space
// outside the root (and a byte order mark) is left out, as Prolog leaves
// it out before the declaration.
func (t *tokens) text(v string) {
	// Consecutive text tokens are one text a window cut in pieces: a
	// piece of spaces continues it, even outside the root.
	if n := len(t.list); n > 0 && strings.HasPrefix(t.list[n-1], "text ") {
		t.list[n-1] += v
		return
	}
	if t.depth == 0 && strings.Trim(v, " \t\r\n\ufeff") == "" {
		return
	}
	t.add("text " + v)
}

func (t *tokens) start(name string, attrs []string) {
	t.depth++
	t.add("start " + name + " " + strings.Join(attrs, " "))
}

func (t *tokens) end(name string) {
	t.depth--
	t.add("end " + name)
}

// scanned adds the token s just read.
func (t *tokens) scanned(s *Scanner, tok Kind) {
	switch tok {
	case StartTag:
		var attrs []string
		for i := range s.Attrs() {
			a := &s.Attrs()[i]
			attrs = append(attrs, fmt.Sprintf("%s=%q", LocalName(a.Name), s.AttrValue(a)))
		}
		t.start(string(LocalName(s.Name())), attrs)
		if s.SelfClosing() {
			t.end(string(LocalName(s.Name())))
		}
	case EndTag:
		t.end(string(LocalName(s.Name())))
	case Text:
		t.text(string(s.TextValue()))
	case Comment:
		t.add("comment")
	case ProcInst:
		t.add("pi " + string(s.Text()))
	case Doctype:
		t.add("doctype")
	}
}

// xmlTokens reads data with encoding/xml in strict mode and writes its
// tokens out as scanTokens does.
func xmlTokens(data []byte) ([]string, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var out tokens
	bom := bytes.HasPrefix(data, utf8BOM) // Prolog reads it, encoding/xml gives it as text
	for first := true; ; first = false {
		tok, err := dec.Token()
		if err == io.EOF {
			return out.list, nil
		}
		if err != nil {
			return out.list, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			var attrs []string
			for _, a := range t.Attr {
				attrs = append(attrs, fmt.Sprintf("%s=%q", a.Name.Local, a.Value))
			}
			out.start(t.Name.Local, attrs)
		case xml.EndElement:
			out.end(t.Name.Local)
		case xml.CharData:
			if first && bom {
				t = t[len(utf8BOM):]
			}
			out.text(string(t))
		case xml.Comment:
			out.add("comment")
		case xml.ProcInst:
			if t.Target != "xml" { // Prolog reads the declaration
				out.add("pi " + t.Target)
			}
		case xml.Directive:
			out.add("doctype")
		}
	}
}

// checkSame holds the Scanner to encoding/xml on data: what both read
// gives the same tokens, and the Scanner reads nothing encoding/xml
// refuses, but where encoding/xml is wrong.
func checkSame(t *testing.T, data []byte) {
	t.Helper()
	got, gotErr := scanTokens(data)
	want, wantErr := xmlTokens(data)
	switch {
	case gotErr == nil && wantErr == nil:
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Scanner and encoding/xml differ (-encoding/xml +Scanner):\n%s\n%q", diff, data)
		}
	case gotErr == nil && !encodingXMLWrong(data, wantErr):
		t.Fatalf("Scanner reads a document encoding/xml refuses (%v):\n%q", wantErr, data)
	}
}

// encodingXMLWrong reports whether encoding/xml refused data where XML
// does not: it reads the XML declaration loosely, so that it misses an
// encoding written with spaces around '=' (and then finds Latin-1 text to
// be bad UTF-8), and it refuses characters in names that the fifth edition
// of XML 1.0 allows.
func encodingXMLWrong(data []byte, err error) bool {
	msg := err.Error()
	if strings.Contains(msg, "invalid UTF-8") && bytes.Contains(data, []byte("encoding")) {
		return true
	}
	for _, r := range string(data) {
		if r >= 0x80 && IsNameChar(r) && strings.Contains(msg, "name") {
			return true
		}
	}
	return false
}

// corpus is the seeds and the real nmap files.
func corpus(tb testing.TB) [][]byte {
	var docs [][]byte
	for _, s := range seeds {
		docs = append(docs, []byte(s))
	}
	files, _ := filepath.Glob(filepath.Join(realNmapDir, "*", "*.xml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		docs = append(docs, data)
	}
	return docs
}

// TestScannerMatchesEncodingXML reads the corpus with both: the same
// tokens, and nothing read that encoding/xml refuses.
func TestScannerMatchesEncodingXML(t *testing.T) {
	accepted := 0
	for _, data := range corpus(t) {
		checkSame(t, data)
		if _, err := scanTokens(data); err == nil {
			accepted++
		}
	}
	if accepted < 8 {
		t.Fatalf("only %d documents read: the test is too weak", accepted)
	}
}

// FuzzScanner holds the Scanner to encoding/xml on any input.
func FuzzScanner(f *testing.F) {
	for _, data := range corpus(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkSame(t, data) })
}

package ingest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil/internal/xmlscan"
)

// nmapBoth reads data as nmap XML with xmlScanner (readNmap) and with the
// encoding/xml reader it replaced.
func nmapBoth(data []byte) (got, want *Result, gotErr, wantErr error) {
	read := func(fn func(*parser, []byte) error) (*Result, error) {
		res := &Result{File: "diff.xml", Format: FormatNmap}
		p := &parser{ctx: context.Background(), name: res.File, opt: Options{Now: testNow}, lim: DefaultLimits(), m: newMapper(nil), res: res}
		if err := fn(p, data); err != nil {
			return nil, err
		}
		sortRowErrors(res.Errors)
		sortRowErrors(res.Warnings)
		return res, nil
	}
	got, gotErr = read((*parser).readNmap)
	want, wantErr = read((*parser).readNmapEncodingXML)
	return got, want, gotErr, wantErr
}

// checkNmapSame fails unless both readers accept data and give the same
// result.
func checkNmapSame(t *testing.T, data []byte) {
	t.Helper()
	got, want, gotErr, wantErr := nmapBoth(data)
	if wantErr != nil {
		t.Fatalf("encoding/xml refuses the document: %v\n%s", wantErr, data)
	}
	if gotErr != nil {
		t.Fatalf("xmlScanner refuses a document encoding/xml reads: %v\n%s", gotErr, data)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("xmlScanner and encoding/xml differ (-encoding/xml +xmlScanner):\n%s\n%s", diff, data)
	}
}

// TestNmapScannerMatchesEncodingXML reads the real nmap corpus with both
// readers: the same results, and the same files refused.
func TestNmapScannerMatchesEncodingXML(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(realNmapDir, "*", "*.xml"))
	if len(files) == 0 {
		t.Skip("shared/realdata/nmap is absent")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, want, gotErr, wantErr := nmapBoth(data)
			if (gotErr != nil) != (wantErr != nil) {
				t.Fatalf("xmlScanner: %v; encoding/xml: %v", gotErr, wantErr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("(-encoding/xml +xmlScanner):\n%s", diff)
			}
		})
	}
}

// TestNmapScannerGenerated writes random valid nmap documents in every
// form the XML syntax allows (quotes, references, comments, processing
// instructions, CDATA, empty-element tags, white space, prefixes) and
// wants both readers to give the same result.
func TestNmapScannerGenerated(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	for seed := range n {
		g := &nmapGen{r: rand.New(rand.NewPCG(uint64(seed), 7))}
		checkNmapSame(t, g.document())
	}
}

// TestNmapScannerRefuses lists documents that are not well-formed XML, or
// not what nmap writes, which the scanner must refuse with the file, line
// and byte offset.
func TestNmapScannerRefuses(t *testing.T) {
	const head = `<?xml version="1.0"?>` + "\n"
	tests := []struct{ name, xml, want string }{
		{"unclosed", head + "<nmaprun><host>", "line 2, byte 37: malformed or truncated XML: unexpected EOF"},
		{"mismatched", head + "<nmaprun>\n<host></hosts></nmaprun>", "line 3, byte 38: malformed or truncated XML: element <host> closed by </hosts>"},
		{"stray end", head + "<nmaprun/></nmaprun>", "unexpected end element </nmaprun>"},
		{"bad entity", head + "<nmaprun a='&bogus;'/>", "line 2, byte 34: malformed or truncated XML: invalid character entity &bogus;"},
		{"no semicolon", head + "<nmaprun>&amp</nmaprun>", "invalid character entity &amp (no semicolon)"},
		{"bad char ref", head + "<nmaprun a='&#0;'/>", "invalid character entity &#0;"},
		{"surrogate ref", head + "<nmaprun a='&#xD800;'/>", "invalid character entity &#xD800;"},
		{"huge ref", head + "<nmaprun a='&#99999999999999999999;'/>", "invalid character entity"},
		{"lt in value", head + "<nmaprun a='<'/>", "unescaped < inside quoted string"},
		{"unquoted", head + "<nmaprun a=1/>", "unquoted or missing attribute value"},
		{"no equals", head + "<nmaprun a/>", "attribute name without ="},
		{"no space", head + `<nmaprun a="1"b="2"/>`, "expected white space before an attribute"},
		{"duplicate", head + `<nmaprun a="1" a="2"/>`, "attribute a appears twice"},
		{"control char", head + "<nmaprun>\x01</nmaprun>", "illegal character code U+0001"},
		{"control in comment", head + "<!-- \x02 --><nmaprun/>", "illegal character code U+0002"},
		{"bad utf-8", head + "<nmaprun>\xff</nmaprun>", "invalid UTF-8"},
		{"double dash", head + "<!-- a -- b --><nmaprun/>", `invalid sequence "--" not allowed in comments`},
		{"cdata end in text", head + "<nmaprun>]]></nmaprun>", "unescaped ]]> not in CDATA section"},
		{"cdata outside", head + "<![CDATA[x]]><nmaprun/>", "CDATA section outside the root element"},
		{"two colons", head + "<a:b:nmaprun/>", "name with more than one colon"},
		{"late declaration", "<nmaprun><?xml version='1.0'?></nmaprun>", "XML declaration not at the start"},
		{"bad version", `<?xml version="1.1"?><nmaprun/>`, "only version 1.0 is supported"},
		{"no version", `<?xml encoding="UTF-8"?><nmaprun/>`, "malformed XML declaration: no version"},
		{"unknown encoding", `<?xml version="1.0" encoding="EBCDIC"?><nmaprun/>`, `unsupported encoding "EBCDIC"`},
		{"text before root", "junk\n<nmaprun/>", "line 1, byte 0: malformed or truncated XML: text before the root element"},
		{"text after root", "<nmaprun/>\njunk", "line 2, byte 11: malformed or truncated XML: text after the root element"},
		{"second root", "<nmaprun/><nmaprun/>", "a second root element"},
		{"host after root", "<nmaprun/><host><address addr='10.0.0.1'/></host>", "a second root element"},
		{"late doctype", "<nmaprun><!DOCTYPE nmaprun></nmaprun>", "DOCTYPE not before the root element"},
		{"unknown markup", "<nmaprun><!ELEMENT x ANY></nmaprun>", "invalid markup after <!"},
		{"internal subset", "<!DOCTYPE nmaprun [<!ATTLIST host starttime CDATA '1'>]><nmaprun/>", "byte 18: DOCTYPE has an internal subset"},
		{"entity in subset", "<!DOCTYPE nmaprun [<!-- x --><!ENTITY e 'x'>]><nmaprun/>", "byte 29: DOCTYPE declares an entity"},
		{"bad doctype", "<!DOCTYPE>\n<nmaprun/>", "malformed DOCTYPE"},
		{"bad port", head + "<nmaprun>\n<host><ports><port portid='x'/></ports></host></nmaprun>", "line 3, byte 45: malformed nmap XML: attribute portid is not a number"},
		{"bad accuracy", head + "<nmaprun><host><os><osmatch accuracy=' 9 9'/></os></host></nmaprun>", "attribute accuracy is not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(context.Background(), "scan.xml", []byte(tt.xml), Options{Now: testNow, Format: FormatNmap})
			if err == nil || !strings.Contains(err.Error(), "scan.xml: ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one naming scan.xml containing %q", err, tt.want)
			}
		})
	}
}

// FuzzNmapDifferential holds xmlScanner to encoding/xml on any input: when
// both read it, the same result; and the scanner never reads a document
// encoding/xml refuses, except for what encoding/xml gets wrong itself.
func FuzzNmapDifferential(f *testing.F) {
	addFiles(f, filepath.Join(realNmapDir, "*", "*.xml"))
	for seed := range 20 {
		g := &nmapGen{r: rand.New(rand.NewPCG(uint64(seed), 11))}
		f.Add(g.document())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, want, gotErr, wantErr := nmapBoth(data)
		switch {
		case gotErr == nil && wantErr == nil:
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("xmlScanner and encoding/xml differ (-encoding/xml +xmlScanner):\n%s", diff)
			}
		case gotErr == nil && !encodingXMLWrong(data, wantErr):
			t.Fatalf("xmlScanner reads a document encoding/xml refuses (%v)", wantErr)
		}
	})
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
		if r >= 0x80 && xmlscan.IsNameChar(r) && strings.Contains(msg, "name") {
			return true
		}
	}
	return false
}

// nmapGen writes random nmap documents, valid XML all.
type nmapGen struct {
	r *rand.Rand
	b strings.Builder
}

func (g *nmapGen) pick(s ...string) string { return s[g.r.IntN(len(s))] }
func (g *nmapGen) chance(n int) bool       { return g.r.IntN(n) == 0 }

// ws is white space where XML allows it, usually none or one space.
func (g *nmapGen) ws() string {
	if g.chance(3) {
		return g.pick(" ", "\n", "\t", "  \r\n ", "\r")
	}
	return ""
}

// misc is what may stand between elements: space, comments, PIs.
func (g *nmapGen) misc() {
	for g.chance(3) {
		switch g.r.IntN(3) {
		case 0:
			g.b.WriteString(g.pick("\n", " ", "\r\n", "\t"))
		case 1:
			g.b.WriteString("<!--" + g.pick("", " x ", "a-b", "<host addr='1.2.3.4'/>", " é ") + "-->")
		case 2:
			g.b.WriteString("<?" + g.pick("pi", "xml-stylesheet", "x.y") + g.pick("?>", " data ?>", " a?b ?>"))
		}
	}
}

// text is a random value, escaped every way XML allows, for an attribute
// quoted with q (0 for character data).
func (g *nmapGen) text(plain string, q byte) string {
	var b strings.Builder
	for _, r := range plain {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString(g.pick("&lt;", "&#60;", "&#x3c;"))
		case r == '>' && q == 0:
			// ]]> may not appear in text, even across two calls.
			if out := g.b.String() + b.String(); strings.HasSuffix(out, "]") || g.chance(2) {
				b.WriteString("&gt;")
			} else {
				b.WriteString(">")
			}
		case r == '"' && q == '"', r == '\'' && q == '\'':
			if r == '"' {
				b.WriteString(g.pick("&quot;", "&#34;", "&#x22;"))
			} else {
				b.WriteString(g.pick("&apos;", "&#39;"))
			}
		case r >= 0x80 && g.chance(2):
			fmt.Fprintf(&b, g.pick("&#%d;", "&#x%X;", "&#x%x;"), r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (g *nmapGen) value() string {
	return g.pick("", "a", "10.0.0.1", "Apache httpd", "Tom & Jerry", `say "hi"`, "it's", "<x>", "é ü ✓",
		"a]]>b", "line\r\nbreak", "tab\there", "  padded  ", "cpe:/a:apache:http_server:2.4", "𝄞", "a\rb")
}

// attr writes name="value" with a random quote and spacing.
func (g *nmapGen) attr(name, v string) {
	q := byte('"')
	if g.chance(2) {
		q = '\''
	}
	g.b.WriteString(g.pick(" ", "\n", "\t", "  ") + name + g.ws() + "=" + g.ws() + string(q) + g.text(v, q) + string(q))
}

// elem writes an element with attributes and content (nil: empty-element
// tag, or an explicit end tag with nothing between).
func (g *nmapGen) elem(name string, attrs []string, content func()) {
	if g.chance(8) {
		name = "n:" + name // encoding/xml matches local names
	}
	g.b.WriteString("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		g.attr(attrs[i], attrs[i+1])
	}
	g.b.WriteString(g.ws())
	if content == nil && g.chance(2) {
		g.b.WriteString("/>")
		return
	}
	g.b.WriteString(">")
	if content != nil {
		content()
	}
	g.b.WriteString("</" + name + g.ws() + ">")
}

// chardata writes v as character data: text, CDATA, split by comments.
func (g *nmapGen) chardata(v string) {
	for v != "" {
		n := 1 + g.r.IntN(len(v))
		for n < len(v) && !isRuneStart(v[n]) {
			n++
		}
		part := v[:n]
		v = v[n:]
		switch {
		case g.chance(3) && !strings.Contains(part, "]]>") && !strings.Contains(part, "\r"):
			g.b.WriteString("<![CDATA[" + part + "]]>")
		default:
			g.b.WriteString(g.text(part, 0))
		}
		if g.chance(4) {
			g.b.WriteString(g.pick("<!-- c -->", "<?p x?>", "<skip>ignored<b>x</b></skip>", "<e/>"))
		}
	}
}

func isRuneStart(c byte) bool { return c&0xC0 != 0x80 }

func (g *nmapGen) unknown() {
	g.elem(g.pick("times", "extraports", "script", "hostscript", "uptime", "distance"), []string{"id", g.value()}, func() {
		g.chardata(g.value())
		if g.chance(2) {
			g.elem("elem", []string{"key", "k"}, func() { g.chardata(g.value()) })
		}
	})
}

func (g *nmapGen) host() {
	attrs := []string{}
	if !g.chance(4) {
		attrs = append(attrs, "starttime", g.pick("1399586579", "", "12x", " 1400000000 "), "endtime", g.pick("1399586600", "0", "-5"))
	}
	g.elem("host", attrs, func() {
		n := g.r.IntN(8)
		for range n + 1 {
			g.misc()
			switch g.r.IntN(8) {
			case 0:
				g.elem("status", []string{"state", g.pick("up", "up", "down", ""), "reason", "arp-response"}, nil)
			case 1, 2:
				a := []string{"addr", g.pick("10.0.0.1", "192.168.1.20", "fe80::1", "2001:DB8::1", "00:1A:2B:3C:4D:5E", "zz", "")}
				if !g.chance(5) {
					a = append(a, "addrtype", g.pick("ipv4", "ipv6", "mac", "other"))
				}
				if g.chance(2) {
					a = append(a, "vendor", g.value())
				}
				g.elem("address", a, nil)
			case 3:
				g.elem("hostnames", nil, func() {
					for range g.r.IntN(3) {
						g.misc()
						g.elem("hostname", []string{"name", g.pick("Host-1.Example.org.", "a", "", "B", "dhcp-10-0-0-1"), "type", g.pick("PTR", "user", "")}, nil)
					}
					if g.chance(3) {
						g.unknown()
					}
				})
			case 4:
				g.elem("ports", nil, func() {
					for range g.r.IntN(4) {
						g.misc()
						g.elem("port", []string{"protocol", g.pick("tcp", "udp", "sctp"), "portid", g.pick("22", "443", "0", "", " 80 ")}, func() {
							for range g.r.IntN(4) {
								switch g.r.IntN(3) {
								case 0:
									g.elem("state", []string{"state", g.pick("open", "closed", "filtered")}, nil)
								case 1:
									g.elem("service", []string{"name", g.value(), "product", g.value(), "version", g.value(), "extrainfo", g.value()}, func() {
										for range g.r.IntN(3) {
											g.elem("cpe", nil, func() { g.chardata(g.value()) })
										}
									})
								case 2:
									g.unknown()
								}
							}
						})
					}
				})
			case 5:
				g.elem("os", nil, func() {
					for range g.r.IntN(3) {
						g.elem("osmatch", []string{"name", g.value(), "accuracy", g.pick("100", "95", "", "7")}, func() {
							for range g.r.IntN(3) {
								g.elem("osclass", []string{"type", "general purpose"}, func() {
									for range g.r.IntN(3) {
										g.elem("cpe", nil, func() { g.chardata(g.value()) })
									}
								})
							}
						})
					}
					if g.chance(2) {
						g.elem("portused", []string{"state", "open"}, nil)
					}
				})
			default:
				g.unknown()
			}
		}
		g.misc()
	})
}

// document writes a whole scan.
func (g *nmapGen) document() []byte {
	g.b.Reset()
	if g.chance(6) {
		g.b.WriteString("\ufeff")
	}
	if !g.chance(5) {
		g.b.WriteString("<?xml version=" + g.pick(`"1.0"`, `'1.0'`) + g.pick("", ` encoding="UTF-8"`, ` encoding='utf-8'`) +
			g.pick("", ` standalone="yes"`) + g.ws() + "?>")
	}
	g.misc()
	if g.chance(2) {
		g.b.WriteString("<!DOCTYPE nmaprun" + g.pick("", ` SYSTEM "nmap.dtd"`, ` PUBLIC "-//x//EN" 'nmap.dtd'`, " []") + g.ws() + ">")
	}
	g.misc()
	attrs := []string{"scanner", "nmap", "start", g.pick("1399586500", "", "x")}
	if g.chance(4) {
		attrs = append(attrs, "xmlns:n", "http://example.org/n")
	}
	g.elem("nmaprun", attrs, func() {
		for range g.r.IntN(6) {
			g.misc()
			if g.chance(5) {
				g.unknown()
			} else {
				g.host()
			}
		}
		g.misc()
		if g.chance(2) {
			g.elem("runstats", nil, func() {
				g.elem("finished", []string{"time", g.pick("1399586700", ""), "exit", g.pick("success", "success", "")}, nil)
				g.elem("hosts", []string{"up", "1"}, nil)
			})
		}
	})
	g.misc()
	return []byte(g.b.String())
}

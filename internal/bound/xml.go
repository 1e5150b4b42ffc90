package bound

import (
	"fmt"
	"io"
)

// XML returns r checked as it is read against l: elements nested at most
// l.Depth deep; every run of text, attribute value, tag (its name and
// attributes, values aside), comment, CDATA section, processing
// instruction and DOCTYPE at most l.FieldBytes long. Like JSON it follows
// the markup and nothing more, so that the decoder behind it (encoding/xml
// holds a tag's attributes, a text and its stack of open elements in
// memory) never sees a token past the limits; the decoder finds whatever
// else is wrong. Errors name the byte offset where the token starts.
func XML(r io.Reader, name string, l Limits) io.Reader {
	l = l.OrDefault()
	g := &xmlGuard{name: name, lim: l, text: -1}
	return &stepReader{r: r, step: g.step}
}

// XMLElements is XML that also counts the elements: at most l.Rows in
// all. A document decoded whole (an SBOM) grows in memory with its
// elements, however short each is; a streamed one (a GUDID release, whose
// devices are counted one by one) does not need it.
func XMLElements(r io.Reader, name string, l Limits) io.Reader {
	l = l.OrDefault()
	g := &xmlGuard{name: name, lim: l, text: -1, maxElements: int64(l.Rows)}
	return &stepReader{r: r, step: g.step}
}

// The guard's states: what the byte in hand belongs to.
const (
	xText    = iota // character data between tags
	xOpen           // just after '<'
	xTag            // inside a start or end tag, outside attribute values
	xValue          // inside a quoted attribute value
	xBang           // after "<!": telling a comment, CDATA or DOCTYPE apart
	xComment        // inside <!-- -->
	xCDATA          // inside <![CDATA[ ]]>
	xDecl           // inside <!DOCTYPE ...> or another <!...>
	xPI             // inside <? ?>
)

type xmlGuard struct {
	name   string
	lim    Limits
	depth  int
	state  int
	text   int64 // where the text being read starts, or -1
	tok    int64 // where the markup being read starts (its '<')
	value  int64 // where the attribute value being read starts
	tagLen int   // bytes of the tag read, attribute values aside
	end    bool  // the tag is an end tag
	quote  byte  // the quote of the attribute value being read
	prev   byte  // the byte before in a tag (to tell "/>")
	tail   [2]byte
	bang   []byte // the bytes after "<!" while they are told apart
	brack  int    // '[' open inside a DOCTYPE

	elements, maxElements int64 // start tags read, and the most allowed (0: not counted)
}

// step takes one byte at offset at.
func (g *xmlGuard) step(c byte, at int64) error {
	switch g.state {
	case xText:
		if c == '<' {
			g.state, g.tok, g.text = xOpen, at, -1
			return nil
		}
		if g.text < 0 {
			g.text = at
		}
		return g.check(at, g.text, "XML text of more than %s")
	case xOpen:
		g.tagLen, g.prev = 2, c
		switch c {
		case '/':
			g.state, g.end = xTag, true
			if g.depth > 0 {
				g.depth--
			}
		case '!':
			g.state, g.bang = xBang, g.bang[:0]
		case '?':
			g.state, g.tail = xPI, [2]byte{}
		default:
			g.state, g.end = xTag, false
			if g.depth++; g.depth > g.lim.Depth {
				return Over(g.name, fmt.Sprintf("byte %d", g.tok), LimitDepth, int64(g.lim.Depth), "XML nested more than %s deep")
			}
			if g.elements++; g.maxElements > 0 && g.elements > g.maxElements {
				return Over(g.name, fmt.Sprintf("byte %d", g.tok), LimitRows, g.maxElements, "more than %s XML elements")
			}
		}
	case xTag:
		switch c {
		case '"', '\'':
			g.state, g.quote, g.value = xValue, c, at+1
		case '>':
			if g.prev == '/' && !g.end && g.depth > 0 {
				g.depth--
			}
			g.state = xText
		default:
			if g.tagLen++; g.tagLen > g.lim.FieldBytes {
				return Over(g.name, fmt.Sprintf("byte %d", g.tok), LimitFieldBytes, int64(g.lim.FieldBytes), "an XML tag of more than %s")
			}
		}
		g.prev = c
	case xValue:
		if c == g.quote {
			g.state, g.prev = xTag, c
			return nil
		}
		return g.check(at, g.value, "an XML attribute value of more than %s")
	case xBang:
		g.bang = append(g.bang, c)
		switch {
		case string(g.bang) == "--":
			g.state, g.tail = xComment, [2]byte{}
		case string(g.bang) == "[CDATA[":
			g.state, g.tail = xCDATA, [2]byte{}
		case len(g.bang) <= 2 && string(g.bang) == "--"[:len(g.bang)],
			len(g.bang) <= 7 && string(g.bang) == "[CDATA["[:len(g.bang)]:
		default:
			g.state, g.brack = xDecl, 0
			for _, b := range g.bang {
				g.decl(b)
			}
		}
		return g.check(at, g.tok, "XML markup of more than %s")
	case xComment:
		if c == '>' && g.tail == [2]byte{'-', '-'} {
			g.state = xText
		}
		g.tail = [2]byte{g.tail[1], c}
		return g.check(at, g.tok, "an XML comment of more than %s")
	case xCDATA:
		if c == '>' && g.tail == [2]byte{']', ']'} {
			g.state = xText
		}
		g.tail = [2]byte{g.tail[1], c}
		return g.check(at, g.tok, "XML text of more than %s")
	case xDecl:
		g.decl(c)
		return g.check(at, g.tok, "an XML declaration of more than %s")
	case xPI:
		if c == '>' && g.tail[1] == '?' {
			g.state = xText
		}
		g.tail = [2]byte{g.tail[1], c}
		return g.check(at, g.tok, "an XML processing instruction of more than %s")
	}
	return nil
}

// decl follows a <!DOCTYPE ...> (or another <!...>) to its end, past the
// brackets of an internal subset.
func (g *xmlGuard) decl(c byte) {
	switch c {
	case '[':
		g.brack++
	case ']':
		g.brack--
	case '>':
		if g.brack <= 0 {
			g.state = xText
		}
	}
}

// check refuses a token started at start that, at byte at, is longer than
// l.FieldBytes.
func (g *xmlGuard) check(at, start int64, what string) error {
	if at-start >= int64(g.lim.FieldBytes) {
		return Over(g.name, fmt.Sprintf("byte %d", start), LimitFieldBytes, int64(g.lim.FieldBytes), what)
	}
	return nil
}

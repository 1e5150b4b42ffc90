package bound

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
)

// Reader returns r cut to max bytes: the read that would go past them
// fails with Over(name, "", limit, max, what), what being a phrase such as
// "a file of more than %s". Nothing past max+1 bytes is read from r.
func Reader(r io.Reader, name, limit string, max int64, what string) io.Reader {
	return &counted{r: r, max: max, over: func() error { return Over(name, "", limit, max, what) }}
}

// File is Reader for a whole file or upload held to l.FileBytes.
func File(r io.Reader, name string, l Limits) io.Reader {
	l = l.OrDefault()
	return Reader(r, name, LimitFileBytes, l.FileBytes, "a file of more than %s")
}

type counted struct {
	r    io.Reader
	n    int64
	max  int64
	over func() error
	err  error
}

func (c *counted) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if room := c.max - c.n + 1; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		c.err = c.over()
		return n - int(c.n-c.max), c.err
	}
	return n, err
}

// gzipMagic starts every gzip stream.
var gzipMagic = []byte{0x1f, 0x8b}

// Gunzip returns r, unpacked when it is gzip (told by its first bytes, not
// its name), and whether it was. What it unpacks to is held to
// l.Inflated; a damaged gzip header is an error naming the file.
func Gunzip(r io.Reader, name string, l Limits) (io.Reader, bool, error) {
	l = l.OrDefault()
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	head, err := br.Peek(2)
	if err != nil || head[0] != gzipMagic[0] || head[1] != gzipMagic[1] {
		return br, false, nil // too short to be gzip: the parser says what it is
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, true, fmt.Errorf("%s: not a readable gzip file: %w", name, err)
	}
	return Reader(zr, name, LimitInflated, l.Inflated, "gzip that unpacks to more than %s"), true, nil
}

// JSON returns r checked as it is read against l: arrays and objects
// nested at most l.Depth deep, every string, number or literal at most
// l.FieldBytes long. It follows strings and their escapes and nothing
// more: the decoder behind it finds whatever else is wrong, and it never
// holds more than the read in hand. Errors name the byte offset.
func JSON(r io.Reader, name string, l Limits) io.Reader {
	l = l.OrDefault()
	g := &jsonGuard{name: name, lim: l, tokenStart: -1}
	return &stepReader{r: r, step: g.step}
}

// stepReader hands r on, giving each byte read and its offset to step
// first; the first error step returns ends the reading, with the bytes
// before it handed on.
type stepReader struct {
	r    io.Reader
	step func(c byte, at int64) error
	off  int64 // of the next byte read
	err  error
}

func (s *stepReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	for i := 0; i < n; i++ {
		if e := s.step(p[i], s.off+int64(i)); e != nil {
			s.err = e
			return i, e
		}
	}
	s.off += int64(n)
	return n, err
}

type jsonGuard struct {
	name       string
	lim        Limits
	depth      int
	inString   bool
	escape     bool
	tokenStart int64 // where the string or scalar being read starts, or -1
}

// step takes one byte at offset at.
func (g *jsonGuard) step(c byte, at int64) error {
	if g.inString {
		switch {
		case g.escape:
			g.escape = false
		case c == '\\':
			g.escape = true
		case c == '"':
			g.inString, g.tokenStart = false, -1
			return nil
		}
		return g.checkToken(at, "a JSON string of more than %s")
	}
	switch c {
	case '"':
		g.inString, g.tokenStart = true, at
	case '{', '[':
		g.tokenStart = -1
		if g.depth++; g.depth > g.lim.Depth {
			return Over(g.name, fmt.Sprintf("byte %d", at), LimitDepth, int64(g.lim.Depth), "JSON nested more than %s deep")
		}
	case '}', ']':
		g.tokenStart = -1
		if g.depth > 0 {
			g.depth--
		}
	case ',', ':', ' ', '\t', '\r', '\n':
		g.tokenStart = -1
	default: // a number or a literal
		if g.tokenStart < 0 {
			g.tokenStart = at
		}
		return g.checkToken(at, "a JSON value of more than %s")
	}
	return nil
}

func (g *jsonGuard) checkToken(at int64, what string) error {
	if at-g.tokenStart > int64(g.lim.FieldBytes) {
		return Over(g.name, fmt.Sprintf("byte %d", g.tokenStart), LimitFieldBytes, int64(g.lim.FieldBytes), what)
	}
	return nil
}

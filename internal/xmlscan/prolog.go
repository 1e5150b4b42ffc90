package xmlscan

import (
	"bytes"
	"io"
	"strings"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Decl is what the start of a document says of it.
type Decl struct {
	BOM      bool   // the document starts with a UTF-8 byte order mark
	Offset   int    // the window offset of the XML declaration; -1 without one
	Encoding string // the encoding the declaration names, as written; "" for none
}

// Prolog reads a byte order mark and the XML declaration, if any, and
// leaves the scanner after them. White space before the declaration is
// tolerated, as encoding/xml tolerates it. A streamed document is read on,
// ahead bytes at a time, until the window holds the declaration whole. The
// encoding declared is the caller's to honour (see Recode).
func (s *Scanner) Prolog(ahead int) (Decl, error) {
	// A streamed document: have what starts it in the window.
	for s.src != nil {
		head := bytes.TrimLeft(bytes.TrimPrefix(s.data, utf8BOM), " \t\r\n")
		if len(head) >= 6 {
			break
		}
		s.Fill(len(s.data) + ahead)
	}
	d := Decl{Offset: -1}
	start := 0
	if d.BOM = bytes.HasPrefix(s.data, utf8BOM); d.BOM {
		start = len(utf8BOM)
	}
	i := s.SkipSpace(start)
	rest := s.data[i:]
	if !bytes.HasPrefix(rest, []byte("<?xml")) || len(rest) < 6 || !(xmlClass[rest[5]]&cSpace != 0 || rest[5] == '?') {
		s.pos = start
		return d, nil
	}
	end, enc, err := s.decl(i) // s.pos is 0: Fill keeps offsets
	for err == ErrNeedMore {
		s.Fill(len(s.data) + ahead)
		end, enc, err = s.decl(i)
	}
	if err != nil {
		return d, err
	}
	s.pos = end
	d.Offset, d.Encoding = i, enc
	return d, nil
}

// Recode makes the scanner read the document through dec, which turns its
// bytes into UTF-8, from where Prolog left it on. The bytes before that
// must mean the same in both (an ASCII declaration does): offsets up to it
// hold.
func (s *Scanner) Recode(dec func(io.Reader) io.Reader) error {
	data, pos, src := s.data, s.pos, s.src
	if src == nil {
		text, err := io.ReadAll(dec(bytes.NewReader(data)))
		if err != nil {
			return err
		}
		*s = Scanner{data: text, pos: pos}
		return nil
	}
	*s = Scanner{data: make([]byte, 0, cap(data)), src: dec(io.MultiReader(bytes.NewReader(data), src))}
	s.Fill(len(data))
	s.pos = pos
	return nil
}

// decl reads <?xml version="1.0" encoding="..." standalone="..."?> at
// window offset i and returns where it ends and the encoding it names; for
// a streamed document ErrNeedMore when the window ends inside it.
func (s *Scanner) decl(i int) (end int, enc string, err error) {
	data := s.data
	bad := func(at int, what string) error {
		return s.syntaxError(at, "malformed XML declaration: "+what)
	}
	pos := i + len("<?xml")
	// pseudo reads ` name = "value"` and returns the value.
	pseudo := func(name string) ([]byte, bool, error) {
		j := s.SkipSpace(pos)
		if j >= len(data) {
			return nil, false, s.eof()
		}
		if j == pos || !bytes.HasPrefix(data[j:], []byte(name)) {
			if len(data)-j < len(name) && strings.HasPrefix(name, string(data[j:])) {
				return nil, false, s.eof()
			}
			return nil, false, nil
		}
		k := s.SkipSpace(j + len(name))
		if k >= len(data) {
			return nil, false, s.eof()
		}
		if data[k] != '=' {
			return nil, false, bad(k, "expected = after "+name)
		}
		k = s.SkipSpace(k + 1)
		if k >= len(data) {
			return nil, false, s.eof()
		}
		if data[k] != '"' && data[k] != '\'' {
			return nil, false, bad(k, "expected a quoted "+name)
		}
		e := bytes.IndexByte(data[k+1:], data[k])
		if e < 0 {
			return nil, false, s.eof()
		}
		pos = k + 1 + e + 1
		return data[k+1 : k+1+e], true, nil
	}
	v, ok, err := pseudo("version")
	if err != nil {
		return 0, "", err
	}
	if !ok {
		return 0, "", bad(pos, "no version")
	}
	if string(v) != "1.0" {
		return 0, "", bad(pos, "unsupported version; only version 1.0 is supported")
	}
	if v, ok, err = pseudo("encoding"); err != nil {
		return 0, "", err
	} else if ok {
		for j, c := range v {
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || j > 0 && (c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
				return 0, "", bad(pos, "bad encoding name")
			}
		}
		if len(v) == 0 {
			return 0, "", bad(pos, "bad encoding name")
		}
		enc = string(v)
	}
	if v, ok, err = pseudo("standalone"); err != nil {
		return 0, "", err
	} else if ok && string(v) != "yes" && string(v) != "no" {
		return 0, "", bad(pos, "standalone must be yes or no")
	}
	pos = s.SkipSpace(pos)
	if pos >= len(data) || pos+1 >= len(data) && data[pos] == '?' {
		return 0, "", s.eof()
	}
	if !bytes.HasPrefix(data[pos:], []byte("?>")) {
		return 0, "", bad(pos, "expected ?>")
	}
	return pos + 2, enc, nil
}

package xmlscan

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// TestMaxDepth: a start tag deeper than SetMaxDepth allows is a
// *DepthError, in memory and streamed alike; as deep is fine.
func TestMaxDepth(t *testing.T) {
	doc := []byte(strings.Repeat("<a>", 10) + strings.Repeat("</a>", 10))
	read := func(s *Scanner) error {
		s.SetMaxDepth(9)
		for {
			m := s.Mark()
			tok, err := s.Next()
			if err == ErrNeedMore {
				s.Reset(m)
				s.Fill(2*s.Buffered() + 8)
				continue
			}
			if err != nil || tok == EOF {
				return err
			}
		}
	}
	for name, s := range map[string]*Scanner{"memory": New(doc), "stream": NewStream(make([]byte, 0, 4), bytes.NewReader(doc))} {
		var de *DepthError
		if err := read(s); !errors.As(err, &de) || de.Max != 9 || de.Offset != 27 || de.Line != 1 {
			t.Errorf("%s: err = %#v", name, err)
		}
	}
	s := New(doc)
	s.SetMaxDepth(10)
	for {
		tok, err := s.Next()
		if err != nil {
			t.Fatalf("10 deep with a limit of 10: %v", err)
		}
		if tok == EOF {
			break
		}
	}
}

// TestErrorsQuoteNamesShort: a long name is cut in a message.
func TestErrorsQuoteNamesShort(t *testing.T) {
	name := strings.Repeat("n", 5000)
	s := New([]byte("<" + name + "></b>"))
	var err error
	for err == nil {
		_, err = s.Next()
	}
	if len(err.Error()) > 300 || !strings.Contains(err.Error(), "(5000 bytes)") {
		t.Errorf("error of %d bytes: %.120s", len(err.Error()), err)
	}
}

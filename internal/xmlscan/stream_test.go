package xmlscan

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// streamTokens reads data as scanTokens does, but streamed through a
// window of window bytes holding ahead bytes ahead, the way the nmap
// reader streams: Fill only between the root's children, and on
// ErrNeedMore back to the last Mark with a larger window.
func streamTokens(data []byte, window, ahead int, wrap func(io.Reader) io.Reader) ([]string, error) {
	s := NewStream(make([]byte, 0, window), wrap(bytes.NewReader(data)))
	d, err := s.Prolog(ahead)
	if err != nil {
		return nil, err
	}
	if d.Encoding != "" && d.Encoding != "UTF-8" && d.Encoding != "utf-8" {
		return nil, fmt.Errorf("encoding %s", d.Encoding)
	}
	var out tokens
	s.Fill(ahead)
	m, n, depth := s.Mark(), 0, 0
	for {
		tok, err := s.Next()
		if err == ErrNeedMore {
			s.Reset(m)
			out.list, out.depth = out.list[:n], depth
			s.Fill(2*s.Buffered() + ahead)
			continue
		}
		if err != nil || tok == EOF {
			return out.list, err
		}
		out.scanned(s, tok)
		if s.Depth() <= 1 {
			s.Fill(ahead)
			m, n, depth = s.Mark(), len(out.list), out.depth
		}
	}
}

// errString writes an error out with where it is.
func errString(err error) string {
	if e, ok := err.(*SyntaxError); ok {
		return fmt.Sprintf("line %d, byte %d: %s", e.Line, e.Offset, e.Msg)
	}
	return fmt.Sprint(err)
}

// checkStream wants the streamed Scanner to give exactly what the
// in-memory one gives: the same tokens, or the same error at the same
// line and byte.
func checkStream(t *testing.T, data []byte, window, ahead int, wrap func(io.Reader) io.Reader) {
	t.Helper()
	want, wantErr := scanTokens(data)
	got, gotErr := streamTokens(data, window, ahead, wrap)
	if errString(gotErr) != errString(wantErr) {
		t.Fatalf("window %d, ahead %d: streamed: %v; in memory: %v\n%q", window, ahead, errString(gotErr), errString(wantErr), data)
	}
	if wantErr == nil {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("window %d, ahead %d: (-memory +streamed):\n%s", window, ahead, diff)
		}
	}
}

var wraps = []func(io.Reader) io.Reader{
	func(r io.Reader) io.Reader { return r },
	iotest.OneByteReader,
	iotest.HalfReader,
	iotest.DataErrReader,
}

// TestStream reads the corpus through small windows and odd reads: every
// token and character crosses a window's end somewhere.
func TestStream(t *testing.T) {
	for i, data := range corpus(t) {
		for _, c := range []struct{ window, ahead int }{{1, 1}, {16, 1}, {64, 8}, {300, 40}, {4096, 512}} {
			checkStream(t, data, c.window, c.ahead, wraps[(i+c.window)%len(wraps)])
		}
	}
}

// TestStreamReadError reads as if the document ended where the source
// failed, and says why.
func TestStreamReadError(t *testing.T) {
	data := []byte("<a>" + string(bytes.Repeat([]byte("<b/>"), 100)) + "</a>")
	s := NewStream(make([]byte, 0, 16), io.MultiReader(bytes.NewReader(data[:50]), iotest.ErrReader(io.ErrClosedPipe)))
	for {
		s.Fill(8)
		m := s.Mark()
		tok, err := s.Next()
		if err == ErrNeedMore {
			s.Reset(m)
			s.Fill(2*s.Buffered() + 8)
			continue
		}
		if err != nil || tok == EOF {
			break
		}
	}
	if s.ReadErr() != io.ErrClosedPipe {
		t.Fatalf("ReadErr() = %v", s.ReadErr())
	}
}

// FuzzStream holds the streamed Scanner to the in-memory one on any input.
func FuzzStream(f *testing.F) {
	for _, data := range corpus(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		n := int(data[0])
		checkStream(t, data, 1+n%37, 1+n%5, wraps[n%len(wraps)])
	})
}

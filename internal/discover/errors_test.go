package discover

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/pcapgen"
)

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pcap")
	os.WriteFile(bad, []byte("this is not a capture file at all"), 0o644)
	_, err := RunFiles(context.Background(), []string{bad}, Options{})
	if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), "bad.pcap: byte 0: bad magic") {
		t.Errorf("bad magic: %v", err)
	}
	_, err = RunFiles(context.Background(), []string{filepath.Join(dir, "missing.pcap")}, Options{})
	if vigil.ErrorCode(err) != vigil.ENOTFOUND {
		t.Errorf("missing file: %v", err)
	}
	// A corrupt record length after good records names the byte offset.
	var buf bytes.Buffer
	pcapgen.Write(&buf, pcapgen.Options{Seed: 1, ImageBytes: 1024})
	b := buf.Bytes()[:5000]
	off := 24
	for off+16 < len(b) {
		off += 16 + int(binary.LittleEndian.Uint32(b[off+8:]))
		if off > 2000 {
			break
		}
	}
	binary.LittleEndian.PutUint32(b[off+8:], 1<<30)
	src, _ := capture.NewReader("corrupt.pcap", bytes.NewReader(b))
	_, err = Run(context.Background(), []capture.Source{src}, Options{})
	if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(err.Error(), "corrupt.pcap: byte ") || !strings.Contains(err.Error(), "--max-record-bytes") {
		t.Errorf("corrupt record: %v", err)
	}
}

func TestRunCancelledKeepsReport(t *testing.T) {
	var buf bytes.Buffer
	pcapgen.Write(&buf, pcapgen.Options{Seed: 1, ImageBytes: 1024})
	src, _ := capture.NewReader("x.pcap", bytes.NewReader(buf.Bytes()))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := Run(ctx, []capture.Source{src}, Options{})
	if !errors.Is(err, context.Canceled) || r == nil {
		t.Errorf("cancelled run: report %v, error %v", r != nil, err)
	}
}

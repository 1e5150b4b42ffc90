package discover

import (
	"bytes"
	"context"
	"encoding/binary"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/capture"
)

// frame is an Ethernet II, IPv4 frame from host i (MAC 02:00:..:i, IP
// 10.x.y.z of i) to 10.255.255.254 carrying payload over proto (6 TCP, 17
// UDP) between the ports.
func frame(i uint32, proto byte, sport, dport uint16, payload []byte) []byte {
	b := []byte{0x02, 0, 0, 0, 0, 1, 0x02, 0}
	b = binary.BigEndian.AppendUint32(b, i)
	b = append(b, 0x08, 0x00)
	l4 := 8
	if proto == 6 {
		l4 = 20
	}
	b = append(b, 0x45, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(20+l4+len(payload)))
	b = append(b, 0, 0, 0, 0, 64, proto, 0, 0)
	b = binary.BigEndian.AppendUint32(b, 10<<24|i&0xffffff)
	b = append(b, 10, 255, 255, 254)
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	if proto == 6 {
		b = append(b, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0) // seq 1, PSH|ACK
	} else {
		b = binary.BigEndian.AppendUint16(b, uint16(8+len(payload)))
		b = append(b, 0, 0)
	}
	return append(b, payload...)
}

// pcapOf is a classic pcap file of the frames, 1 ms apart.
func pcapOf(frames ...[]byte) []byte {
	b := []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0}
	for i, f := range frames {
		b = binary.LittleEndian.AppendUint32(b, 1_700_000_000)
		b = binary.LittleEndian.AppendUint32(b, uint32(i*1000))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = binary.LittleEndian.AppendUint32(b, uint32(len(f)))
		b = append(b, f...)
	}
	return b
}

func runBytes(t *testing.T, data []byte, opt Options) (*vigil.DiscoveryReport, error) {
	t.Helper()
	src, err := capture.NewReaderLimits("lim.pcap", bytes.NewReader(data), opt.Limits)
	if err != nil {
		t.Fatal(err)
	}
	return Run(context.Background(), []capture.Source{src}, opt)
}

func TestHostLimit(t *testing.T) {
	var frames [][]byte
	for i := range uint32(20) {
		frames = append(frames, frame(i+1, 17, 40000, 514, []byte("<14>x")))
	}
	data := pcapOf(frames...)
	_, err := runBytes(t, data, Options{MaxHosts: 10})
	le, ok := bound.AsLimitError(err)
	want := "lim.pcap: packet 6 (byte 339): more than 10 distinct addresses (IP or MAC) sent packets (the --max-hosts limit"
	if !ok || le.Limit != LimitHosts || vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	// A live capture carries on with the hosts it has, and says so once.
	r, err := runBytes(t, data, Options{MaxHosts: 10, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Devices) != 5 || len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "new ones are no longer tracked (the --max-hosts limit)") {
		t.Errorf("%d devices, warnings %q; want 5 (10 addresses) and one warning", len(r.Devices), r.Warnings)
	}
	// Under the defaults every host is kept.
	if r, err := runBytes(t, data, Options{}); err != nil || len(r.Devices) != 20 {
		t.Errorf("defaults: %v", err)
	}
}

func TestFieldLimit(t *testing.T) {
	mllp := func(app string) []byte {
		return []byte("\x0bMSH|^~\\&|" + app + "|WARD|LIS|LAB|20240101120000||ORU^R01|1|P|2.5\r\x1c\x0d")
	}
	long := strings.Repeat("A", 60<<10)
	data := pcapOf(frame(1, 6, 40000, 2575, mllp("MONITOR")), frame(2, 6, 40001, 2575, mllp(long)))
	lim := bound.Limits{FieldBytes: 1 << 10}
	_, err := runBytes(t, data, Options{Limits: lim})
	le, ok := bound.AsLimitError(err)
	want := "lim.pcap: packet 2 (byte "
	if !ok || le.Limit != bound.LimitFieldBytes || !strings.Contains(err.Error(), want) ||
		!strings.Contains(err.Error(), "HL7 value of more than 1 KiB (the --max-field-bytes limit") {
		t.Errorf("error %v, want the field limit at packet 2", err)
	}
	if len(err.Error()) > bound.MaxMessage+200 {
		t.Errorf("error of %d bytes", len(err.Error()))
	}
	// Live, the long value is dropped and the run goes on.
	r, err := runBytes(t, data, Options{Limits: lim, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	apps := 0
	for _, d := range r.Devices {
		if d.HL7 != nil {
			for _, a := range d.HL7.Applications {
				apps++
				if len(a) > 1<<10 {
					t.Errorf("kept an application of %d bytes", len(a))
				}
			}
		}
	}
	if apps == 0 || len(r.Warnings) != 1 {
		t.Errorf("%d applications, warnings %q", apps, r.Warnings)
	}
	// The defaults keep the 60 KB value.
	if _, err := runBytes(t, data, Options{}); err != nil {
		t.Errorf("defaults: %v", err)
	}
}

// TestRealdataUnderDefaultLimits reads every shared real capture whole
// under the default limits.
func TestRealdataUnderDefaultLimits(t *testing.T) {
	dir := filepath.Dir(realdata(t, "ndpi"))
	var files []string
	for _, pat := range []string{"*/*.pcap", "*/*.pcapng", "*/*.pcap.gz"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		files = append(files, m...)
	}
	if len(files) < 30 {
		t.Fatalf("found %d captures", len(files))
	}
	for _, f := range files {
		r, err := RunFiles(context.Background(), []string{f}, Options{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		for _, w := range r.Warnings {
			if strings.Contains(w, "--max-") {
				t.Errorf("%s: %s", f, w)
			}
		}
	}
}

package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/bound"
)

// readErr reads data under l to its first error.
func readErr(data []byte, l bound.Limits) error {
	s, err := NewReaderLimits("lim.pcap", bytes.NewReader(data), l)
	if err != nil {
		return err
	}
	var p Packet
	for err == nil {
		err = s.ReadPacket(&p)
	}
	return err
}

func TestLimits(t *testing.T) {
	frame := bytes.Repeat([]byte("x"), 3000)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(pcapFile(binary.LittleEndian, false, LinkEthernet, frame, frame, frame))
	zw.Close()
	// A pcapng block claiming 1 GiB: refused before any of it is read.
	bigBlock := append(append(ngSHB(), ngIDB(LinkEthernet, 6)...), 6, 0, 0, 0, 0, 0, 0, 0x40)
	tests := []struct {
		name  string
		data  []byte
		lim   bound.Limits
		limit string
		want  string
	}{
		{"record", pcapFile(binary.LittleEndian, false, LinkEthernet, frame), bound.Limits{RecordBytes: 2048}, bound.LimitRecordBytes,
			"lim.pcap: byte 24: record length 3000: a record of more than 2 KiB (the --max-record-bytes limit"},
		{"block", append(append(ngSHB(), ngIDB(LinkEthernet, 6)...), ngEPB(0, 1, frame)...), bound.Limits{RecordBytes: 2048}, bound.LimitRecordBytes,
			"lim.pcap: byte 60: record length 3032 (block type 0x6): a record of more than 2 KiB (the --max-record-bytes limit"},
		{"huge block", bigBlock, bound.Limits{}, bound.LimitRecordBytes,
			"lim.pcap: byte 60: record length 1073741824 (block type 0x6): a record of more than 16 MiB (the --max-record-bytes limit"},
		{"inflated", gz.Bytes(), bound.Limits{Inflated: 5000}, bound.LimitInflated,
			"lim.pcap: gzip that unpacks to more than 5000 bytes (the --max-inflated limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := readErr(tt.data, tt.lim)
			le, ok := bound.AsLimitError(err)
			if !ok || le.Limit != tt.limit || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want the %s limit: %q", err, tt.limit, tt.want)
			}
		})
	}
	// Under the defaults the same files read whole.
	for _, data := range [][]byte{gz.Bytes(), pcapFile(binary.LittleEndian, false, LinkEthernet, frame)} {
		if got, _ := readAll(t, "ok.pcap", data); len(got) == 0 {
			t.Errorf("no packets under the defaults")
		}
	}
}

package dissect

import (
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dicomConn is one TCP connection's PDUs, per direction.
type dicomConn struct {
	client, server []*DICOMPDU
}

// dicomConns parses every DICOM PDU of every connection in a capture.
func dicomConns(t testing.TB, path string) []dicomConn {
	t.Helper()
	streams := appStreams(t, path)
	byDir := map[string][]*DICOMPDU{}
	var clients []appStream
	for _, s := range streams {
		var pdus []*DICOMPDU
		for off := 0; off < len(s.data); {
			p, n, err := ParseDICOM(s.data[off:])
			if err != nil {
				t.Fatalf("%s %s>%s byte %d: %v", path, s.src, s.dst, off, err)
			}
			pdus = append(pdus, p)
			off += n
		}
		byDir[s.src+">"+s.dst] = pdus
		if len(pdus) > 0 && pdus[0].Type == DICOMAssociateRQ {
			clients = append(clients, s)
		}
	}
	var out []dicomConn
	for _, s := range streams {
		if got := SniffApp(s.data); got != AppDICOM {
			t.Errorf("%s %s>%s: SniffApp = %q, want dicom", path, s.src, s.dst, got)
		}
	}
	for _, c := range clients {
		out = append(out, dicomConn{client: byDir[c.src+">"+c.dst], server: byDir[c.dst+">"+c.src]})
	}
	return out
}

func dicomExchanges(conns []dicomConn) []DICOMExchange {
	var x []DICOMExchange
	for _, c := range conns {
		e := DICOMExchange{Request: c.client[0]}
		if len(c.server) > 0 {
			e.Response = c.server[0]
		}
		x = append(x, e)
	}
	return x
}

func TestParseDICOMCapture(t *testing.T) {
	conns := dicomConns(t, filepath.Join("testdata", "dicom_any_ae.pcap"))
	if len(conns) != 3 {
		t.Fatalf("got %d associations, want 3", len(conns))
	}
	var seq [][]string
	for _, c := range conns {
		var s []string
		for _, p := range c.client {
			s = append(s, "> "+p.Type.String())
		}
		for _, p := range c.server {
			s = append(s, "< "+p.Type.String())
		}
		seq = append(seq, s)
	}
	echo := []string{"> A-ASSOCIATE-RQ", "> P-DATA-TF", "> A-RELEASE-RQ", "< A-ASSOCIATE-AC", "< P-DATA-TF", "< A-RELEASE-RP"}
	store := []string{"> A-ASSOCIATE-RQ", "> P-DATA-TF", "> P-DATA-TF", "> P-DATA-TF", "> P-DATA-TF", "> A-RELEASE-RQ",
		"< A-ASSOCIATE-AC", "< P-DATA-TF", "< A-RELEASE-RP"}
	if diff := cmp.Diff([][]string{echo, echo, store}, seq); diff != "" {
		t.Errorf("PDU sequence (-want +got):\n%s", diff)
	}

	rq := conns[2].client[0]
	rq.Length = 0
	wantRQ := &DICOMPDU{
		Type: DICOMAssociateRQ, ProtocolVersion: 1,
		CalledAETitle: "STORESCP", CallingAETitle: "CT_SCANNER",
		ApplicationContext: DICOMApplicationContext,
		PresentationContexts: []DICOMPresentationContext{
			{ID: 1, AbstractSyntax: "1.2.840.10008.5.1.4.1.1.2", Service: DICOMServiceStorage, TransferSyntaxes: []string{"1.2.840.10008.1.2.1"}},
			{ID: 3, AbstractSyntax: "1.2.840.10008.5.1.4.1.1.2", Service: DICOMServiceStorage, TransferSyntaxes: []string{"1.2.840.10008.1.2.2", "1.2.840.10008.1.2"}},
		},
		MaxPDULength:           16384,
		ImplementationClassUID: "1.2.276.0.7230010.3.0.3.6.7",
		ImplementationVersion:  "OFFIS_DCMTK_367",
	}
	if diff := cmp.Diff(wantRQ, rq); diff != "" {
		t.Errorf("A-ASSOCIATE-RQ (-want +got):\n%s", diff)
	}
	ac := conns[2].server[0]
	if len(ac.PresentationContexts) != 2 || !ac.PresentationContexts[0].Accepted() || ac.PresentationContexts[1].TransferSyntaxes[0] != "1.2.840.10008.1.2.2" {
		t.Errorf("A-ASSOCIATE-AC presentation contexts = %+v", ac.PresentationContexts)
	}
	if got := ManufacturerFromDICOMUID(ac.ImplementationClassUID); got != "OFFIS DCMTK" {
		t.Errorf("manufacturer of %s = %q", ac.ImplementationClassUID, got)
	}
	echoRQ := conns[0].client[0]
	if echoRQ.PresentationContexts[0].Service != DICOMServiceVerification {
		t.Errorf("echo service = %q", echoRQ.PresentationContexts[0].Service)
	}
	pd := conns[2].client[1]
	if len(pd.PDVs) == 0 || !pd.PDVs[0].Command || pd.PDVs[0].ContextID != 1 {
		t.Errorf("first P-DATA-TF PDVs = %+v, want a command on context 1", pd.PDVs)
	}
}

func TestDICOMAcceptsAnyAE(t *testing.T) {
	anyAE := dicomExchanges(dicomConns(t, filepath.Join("testdata", "dicom_any_ae.pcap")))
	reject := dicomExchanges(dicomConns(t, filepath.Join("testdata", "dicom_reject_ae.pcap")))
	if rj := reject[1].Response; rj.Type != DICOMAssociateRJ || rj.Result != 1 || !rj.IsCalledAERejection() ||
		DICOMRejectReason(rj.Source, rj.Reason) != "called AE title not recognized" {
		t.Errorf("reject response = %+v", rj)
	}
	tests := []struct {
		name string
		own  []string
		x    []DICOMExchange
		want DICOMAEVerdict
	}{
		{"storescp known title", []string{"STORESCP"}, anyAE,
			DICOMAEVerdict{AcceptedTitles: []string{"STORESCP", "WRONG_AE"}, AnyAE: true, Evidence: "WRONG_AE"}},
		{"storescp title inferred", nil, anyAE,
			DICOMAEVerdict{AcceptedTitles: []string{"STORESCP", "WRONG_AE"}, AnyAE: true, Evidence: "WRONG_AE"}},
		{"dcmqrscp checks titles", []string{"PACS_AE"}, reject,
			DICOMAEVerdict{AcceptedTitles: []string{"PACS_AE"}, RejectedTitles: []string{"WRONG_AE"}}},
		{"dcmqrscp title inferred", nil, reject,
			DICOMAEVerdict{AcceptedTitles: []string{"PACS_AE"}, RejectedTitles: []string{"WRONG_AE"}}},
		{"no exchanges", []string{"X"}, nil, DICOMAEVerdict{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, DICOMAcceptsAnyAE(tt.own, tt.x)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
}

// dicomItem encodes one item or sub-item.
func dicomItem(typ byte, v []byte) []byte {
	b := []byte{typ, 0, byte(len(v) >> 8), byte(len(v))}
	return append(b, v...)
}

// dicomRQ builds an A-ASSOCIATE-RQ with the given variable items.
func dicomRQ(called, calling string, items ...[]byte) []byte {
	body := make([]byte, 68)
	binary.BigEndian.PutUint16(body, 1)
	copy(body[4:20], []byte(called+"                "))
	copy(body[20:36], []byte(calling+"                "))
	for _, it := range items {
		body = append(body, it...)
	}
	h := []byte{1, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(h[2:], uint32(len(body)))
	return append(h, body...)
}

func dicomSyntheticRQ() []byte {
	pc := func(id byte, as string, ts ...string) []byte {
		v := append([]byte{id, 0, 0, 0}, dicomItem(0x30, []byte(as))...)
		for _, t := range ts {
			v = append(v, dicomItem(0x40, []byte(t+"\x00"))...)
		}
		return dicomItem(0x20, v)
	}
	role := append([]byte{0, 22}, []byte("1.2.840.10008.5.1.4.31")...)
	role = append(role, 1, 0)
	ui := append(dicomItem(0x51, []byte{0, 0, 0x40, 0}), dicomItem(0x52, []byte("1.2.840.113619.6.374"))...)
	ui = append(ui, dicomItem(0x53, []byte{0, 1, 0, 1})...)
	ui = append(ui, dicomItem(0x54, role)...)
	ui = append(ui, dicomItem(0x55, []byte("CARESCAPE_V2"))...)
	ui = append(ui, dicomItem(0x58, []byte{2, 0, 0, 5, 'a', 'l', 'i', 'c', 'e', 0, 6, 's', 'e', 'c', 'r', 'e', 't'})...)
	return dicomRQ("PACS", "GE_MONITOR",
		dicomItem(0x10, []byte(DICOMApplicationContext)),
		pc(1, "1.2.840.10008.5.1.4.31", "1.2.840.10008.1.2"),
		pc(3, "1.2.840.10008.3.1.2.3.3", "1.2.840.10008.1.2"),
		pc(5, "1.2.840.10008.5.1.4.1.2.2.2", "1.2.840.10008.1.2"),
		pc(7, "1.2.840.10008.1.20.1", "1.2.840.10008.1.2"),
		dicomItem(0x50, ui))
}

func TestParseDICOMSynthetic(t *testing.T) {
	b := dicomSyntheticRQ()
	p, n, err := ParseDICOM(b)
	if err != nil || n != len(b) {
		t.Fatalf("ParseDICOM = %d, %v; want %d, nil", n, err, len(b))
	}
	var svc []DICOMService
	for _, pc := range p.PresentationContexts {
		svc = append(svc, pc.Service)
	}
	if diff := cmp.Diff([]DICOMService{DICOMServiceWorklist, DICOMServiceMPPS, DICOMServiceRetrieveMove, DICOMServiceStorageCommitment}, svc); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]DICOMRole{{SOPClassUID: "1.2.840.10008.5.1.4.31", SCU: true}}, p.Roles); diff != "" {
		t.Errorf("roles (-want +got):\n%s", diff)
	}
	if p.MaxPDULength != 16384 || p.AsyncOpsInvoked != 1 || p.UserIdentityType != 2 || p.ImplementationVersion != "CARESCAPE_V2" {
		t.Errorf("user information = %+v", p)
	}
	if got := ManufacturerFromDICOMUID(p.ImplementationClassUID); got != "GE Healthcare" {
		t.Errorf("manufacturer = %q", got)
	}
}

func TestParseDICOMErrors(t *testing.T) {
	b := dicomSyntheticRQ()
	for i := 0; i < len(b); i++ {
		if _, n, err := ParseDICOM(b[:i]); !errors.Is(err, ErrShort) || n != 0 {
			t.Fatalf("prefix of %d bytes: n=%d err=%v, want ErrShort", i, n, err)
		}
	}
	bad := append([]byte(nil), b...)
	bad[6+68+2] = 0xff // application context item length overruns the PDU
	if _, _, err := ParseDICOM(bad); !isMalformed(err) {
		t.Errorf("overrunning item: err = %v, want ErrMalformed", err)
	}
	for _, in := range [][]byte{
		{0x09, 0, 0, 0, 0, 4, 0, 0, 0, 0},             // unknown type
		{0x03, 0, 0, 0, 0, 5, 0, 1, 1, 7, 0},          // RJ of 5 bytes
		{0x04, 0, 0, 0, 0, 2, 0, 0},                   // P-DATA too short
		{0x01, 0, 0, 0, 0, 4, 0, 1, 0, 0},             // RQ without fixed fields
		{0x02, 0, 0xff, 0xff, 0xff, 0xff, 0, 1, 0, 0}, // absurd length
	} {
		if _, _, err := ParseDICOM(in); !isMalformed(err) {
			t.Errorf("% x: err = %v, want ErrMalformed", in, err)
		}
	}
	if SniffDICOM([]byte("GET / HTTP/1.1\r\n")) || !SniffDICOM(b) {
		t.Error("SniffDICOM misclassifies")
	}
}

func TestParseDICOMSmallPDUs(t *testing.T) {
	tests := []struct {
		in   []byte
		want *DICOMPDU
	}{
		{[]byte{5, 0, 0, 0, 0, 4, 0, 0, 0, 0}, &DICOMPDU{Type: DICOMReleaseRQ, Length: 4}},
		{[]byte{6, 0, 0, 0, 0, 4, 0, 0, 0, 0}, &DICOMPDU{Type: DICOMReleaseRP, Length: 4}},
		{[]byte{7, 0, 0, 0, 0, 4, 0, 0, 2, 6}, &DICOMPDU{Type: DICOMAbort, Length: 4, Source: 2, Reason: 6}},
		{[]byte{3, 0, 0, 0, 0, 4, 0, 2, 3, 1}, &DICOMPDU{Type: DICOMAssociateRJ, Length: 4, Result: 2, Source: 3, Reason: 1}},
	}
	for _, tt := range tests {
		got, n, err := ParseDICOM(tt.in)
		if err != nil || n != 10 {
			t.Errorf("% x: n=%d err=%v", tt.in, n, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("% x (-want +got):\n%s", tt.in, diff)
		}
	}
	if got := DICOMRejectReason(3, 1); got != "temporary congestion" {
		t.Errorf("reason 3/1 = %q", got)
	}
}

// TestParseDICOMPDataPartial checks that a P-DATA-TF is decoded from its
// header alone and that consumed spans the whole PDU, for the caller to skip.
func TestParseDICOMPDataPartial(t *testing.T) {
	b := []byte{4, 0, 0, 0, 0x40, 0x06, 0, 0, 0x40, 0x02, 3, 0x00, 0x08, 0x00}
	p, n, err := ParseDICOM(b)
	if err != nil || n != 6+0x4006 {
		t.Fatalf("n=%d err=%v, want %d", n, err, 6+0x4006)
	}
	if diff := cmp.Diff([]DICOMPDV{{Length: 0x4002, ContextID: 3}}, p.PDVs); diff != "" {
		t.Errorf("PDVs (-want +got):\n%s", diff)
	}
	if _, _, err := ParseDICOM(b[:5]); !errors.Is(err, ErrShort) {
		t.Errorf("5-byte header: %v, want ErrShort", err)
	}
}

func FuzzParseDICOM(f *testing.F) {
	f.Add(dicomSyntheticRQ())
	for _, c := range dicomConns(f, filepath.Join("testdata", "dicom_reject_ae.pcap")) {
		f.Add(c.client[0].raw(f))
	}
	f.Add([]byte{0x03, 0, 0, 0, 0, 4, 0, 1, 1, 7})
	f.Add([]byte{0x04, 0, 0, 0, 0, 12, 0, 0, 0, 6, 1, 3, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, n, err := ParseDICOM(b)
		if err == nil && (p == nil || n < 6) {
			t.Fatalf("no error but pdu %v consumed %d", p, n)
		}
		if err != nil && n != 0 {
			t.Fatalf("error %v but consumed %d", err, n)
		}
	})
}

// raw returns a rebuilt RQ of p, for fuzz seeds.
func (p *DICOMPDU) raw(t testing.TB) []byte {
	var items [][]byte
	items = append(items, dicomItem(0x10, []byte(p.ApplicationContext)))
	for _, pc := range p.PresentationContexts {
		v := append([]byte{pc.ID, 0, 0, 0}, dicomItem(0x30, []byte(pc.AbstractSyntax))...)
		for _, ts := range pc.TransferSyntaxes {
			v = append(v, dicomItem(0x40, []byte(ts))...)
		}
		items = append(items, dicomItem(0x20, v))
	}
	items = append(items, dicomItem(0x50, dicomItem(0x52, []byte(p.ImplementationClassUID))))
	return dicomRQ(p.CalledAETitle, p.CallingAETitle, items...)
}

func BenchmarkParseDICOMAssociate(b *testing.B) {
	rq := dicomSyntheticRQ()
	b.SetBytes(int64(len(rq)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseDICOM(rq); err != nil {
			b.Fatal(err)
		}
	}
}

package dissect

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestRegenerateDICOMCaptures rebuilds the DICOM captures in testdata from
// real dcmtk peers on loopback. It runs only with -update, needs dcmtk and
// tcpdump (apt-get install dcmtk tcpdump) and capture rights, and skips
// otherwise:
//
//	go test ./internal/dissect -run TestRegenerateDICOMCaptures -update
func TestRegenerateDICOMCaptures(t *testing.T) {
	if !*update {
		t.Skip("regenerates captures only with -update")
	}
	for _, tool := range []string{"storescp", "echoscu", "storescu", "dcmqrscp", "tcpdump"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}
	ct := appRealdata(t, "dicom", "pynetdicom", "CTImageStorage.dcm")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dir := t.TempDir()

	// An SCP that accepts any called AE title: dcmtk's storescp does not
	// check the called AE title, so an echo to WRONG_AE is accepted.
	dcmCapture(ctx, t, "dicom_any_ae.pcap", 41104, func() {
		scp := dcmStart(ctx, t, "storescp", "-aet", "STORESCP", "-od", dir, "41104")
		defer dcmStop(scp)
		dcmRun(ctx, t, true, "echoscu", "-aet", "MODALITY1", "-aec", "STORESCP", "localhost", "41104")
		dcmRun(ctx, t, true, "echoscu", "-aet", "MODALITY1", "-aec", "WRONG_AE", "localhost", "41104")
		dcmRun(ctx, t, true, "storescu", "-R", "-aet", "CT_SCANNER", "-aec", "STORESCP", "localhost", "41104", ct)
	})

	// An SCP that checks titles: dcmqrscp only knows PACS_AE and answers
	// any other called AE title with A-ASSOCIATE-RJ source 1 reason 7.
	db := filepath.Join(dir, "db")
	if err := os.MkdirAll(db, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "dcmqrscp.cfg")
	conf := fmt.Sprintf("NetworkTCPPort = 41105\nMaxPDUSize = 16384\nMaxAssociations = 4\n"+
		"HostTable BEGIN\nHostTable END\nVendorTable BEGIN\nVendorTable END\n"+
		"AETable BEGIN\nPACS_AE %s RW (10, 1024mb) ANY\nAETable END\n", db)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	dcmCapture(ctx, t, "dicom_reject_ae.pcap", 41105, func() {
		scp := dcmStart(ctx, t, "dcmqrscp", "-c", cfg, "41105")
		defer dcmStop(scp)
		dcmRun(ctx, t, true, "echoscu", "-aet", "MODALITY1", "-aec", "PACS_AE", "localhost", "41105")
		dcmRun(ctx, t, false, "echoscu", "-aet", "MODALITY1", "-aec", "WRONG_AE", "localhost", "41105")
	})
}

// dcmCapture records loopback traffic on port into testdata/name while fn runs.
func dcmCapture(ctx context.Context, t *testing.T, name string, port int, fn func()) {
	t.Helper()
	out, err := filepath.Abs(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	td := dcmStart(ctx, t, "tcpdump", "-i", "lo", "--immediate-mode", "-U", "-w", out, fmt.Sprintf("tcp port %d", port))
	time.Sleep(time.Second) // let tcpdump open the interface
	fn()
	time.Sleep(1500 * time.Millisecond) // let tcpdump drain its ring
	dcmStop(td)
	t.Logf("wrote %s", out)
}

func dcmStart(ctx context.Context, t *testing.T, name string, args ...string) *exec.Cmd {
	t.Helper()
	c := exec.CommandContext(ctx, name, args...)
	c.Stderr = os.Stderr
	if err := c.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	time.Sleep(500 * time.Millisecond) // let a server listen
	return c
}

func dcmStop(c *exec.Cmd) {
	c.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		c.Process.Kill()
		<-done
	}
}

func dcmRun(ctx context.Context, t *testing.T, mustSucceed bool, name string, args ...string) {
	t.Helper()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil && mustSucceed {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

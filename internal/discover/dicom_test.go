package discover

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vigil-health/vigil"
)

// dicomCapture runs discovery over one of the dcmtk captures kept by the
// dissect package (real dcmtk 3.6.7 peers on loopback).
func dicomCapture(t *testing.T, name string) *vigil.DiscoveryReport {
	t.Helper()
	p := filepath.Join("..", "dissect", "testdata", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("dcmtk capture absent: %v", err)
	}
	r, err := RunFiles(context.Background(), []string{p}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDICOMAnyAE(t *testing.T) {
	r := dicomCapture(t, "dicom_any_ae.pcap")
	d := deviceByIP(r, "127.0.0.1")
	if d == nil || d.DICOM == nil {
		t.Fatal("no DICOM device")
	}
	if !hasFinding(d, vigil.FindingDICOMAnyAE) || !hasFinding(d, vigil.FindingCleartextPHI) {
		t.Errorf("findings %v", d.Findings)
	}
	if d.DICOM.ImplementationVersion != "OFFIS_DCMTK_367" || d.DICOM.ImplementationClassUID != "1.2.276.0.7230010.3.0.3.6.7" {
		t.Errorf("implementation %q %q", d.DICOM.ImplementationClassUID, d.DICOM.ImplementationVersion)
	}
	for _, ae := range []string{"STORESCP", "MODALITY1", "CT_SCANNER"} {
		if !slices.Contains(d.DICOM.AETitles, ae) {
			t.Errorf("AE titles %v lack %s", d.DICOM.AETitles, ae)
		}
	}
}

func TestDICOMRejectsWrongAE(t *testing.T) {
	r := dicomCapture(t, "dicom_reject_ae.pcap")
	for _, d := range r.Devices {
		if hasFinding(d, vigil.FindingDICOMAnyAE) {
			t.Errorf("%v: dicom-any-ae although the wrong AE title was rejected", d.IPs)
		}
		if d.DICOM != nil && slices.Contains(d.DICOM.AETitles, "WRONG_AE") {
			t.Errorf("rejected called AE title recorded as the SCP's: %v", d.DICOM.AETitles)
		}
	}
}

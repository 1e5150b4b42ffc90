package vigil_test

import (
	"testing"

	vigil "github.com/vigil-health/vigil"
)

func TestMDS2FormDescribes(t *testing.T) {
	f := &vigil.MDS2Form{Manufacturer: "GE Healthcare", Model: "CARESCAPE  B450"}
	for _, tc := range []struct {
		maker, model string
		want         bool
	}{
		{"GE Medical Systems", "carescape b450", true},
		{"GE", "CARESCAPE B450", true},
		{"Philips", "CARESCAPE B450", false},
		{"GE Healthcare", "CARESCAPE B650", false},
		{"GE Healthcare", "", false},
	} {
		if got := f.Describes(&vigil.Device{Manufacturer: tc.maker, Model: tc.model}); got != tc.want {
			t.Errorf("Describes(%q, %q) = %v, want %v", tc.maker, tc.model, got, tc.want)
		}
	}
}

func TestMDS2FormDeriveFacts(t *testing.T) {
	f := &vigil.MDS2Form{Questions: []vigil.MDS2Question{{ID: vigil.MDS2QEncryptsAtRest, Answer: vigil.MDS2Yes}, {ID: vigil.MDS2QRemoteService, Answer: vigil.MDS2No}}}
	f.DeriveFacts()
	if !f.Facts.EncryptsAtRest.Yes() || f.Facts.RemoteService != vigil.MDS2No || f.Facts.SBOMAvailable != vigil.MDS2Blank {
		t.Errorf("facts %+v", f.Facts)
	}
}

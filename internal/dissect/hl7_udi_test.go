package dissect

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil/internal/realdata"
)

// hl7PRTUDI is an IHE PCD-01 style ORU^R01 whose monitor names itself by a
// UDI in PRT (the carrier in PRT-10, the parts in PRT-16 to PRT-20) and by
// an EUI-64 in OBX-18; a second PRT names an implant, not equipment, and
// an ISBT 128 carrier travels with its '&' escaped.
const hl7PRTUDI = "MSH|^~\\&|MONITOR^0012A5FFFE3B7C10^EUI-64|ICU|ENGINE|HOSP|20260105080000||ORU^R01^ORU_R01|M1|P|2.8\r" +
	"PID|1||SYN000001^^^HOSP^MR||TEST^SYNTHETIC\r" +
	"OBR|1|||182777000^monitoring of patient^SCT\r" +
	"PRT|1|UC||EQUIP^Equipment^HL70912||||||(01)00844588018923(17)281231(10)LOT7(21)SN-0042||||||00844588018923^GS1|20240102|20281231|LOT7|SN-0042\r" +
	"PRT|2|UC||IMPLANT^Implant^L||||||(01)10884521062856(21)9999\r" +
	"PRT|3|UC||EQUIP^Equipment^HL70912||||||=/W4146EB0010T0475=,000025=A99971312345600\\T\\,1000000000000XYZ123\r" +
	"OBX|1|NM|150456^MDC_PULS_OXIM_SAT_O2^MDC||97|262688^MDC_DIM_PERCENT^MDC|||||F|||||||0012A5FFFE3B7C10^^0012A5FFFE3B7C10^EUI-64\r"

func TestHL7UDIs(t *testing.T) {
	msgs, err := ParseHL7([]byte(hl7PRTUDI))
	if err != nil {
		t.Fatal(err)
	}
	m := msgs[0]
	want := []string{
		"(01)00844588018923(11)240102(17)281231(10)LOT7(21)SN-0042", // PRT-10 and PRT-16..20 agree
		"=/W4146EB0010T0475=A99971312345600=,000025&,1000000000000XYZ123",
	}
	// PRT-10's carrier has no manufacture date, PRT-16..20 add it: two
	// spellings of one device, one key.
	got := m.UDIs
	if len(got) != 3 {
		t.Fatalf("UDIs %q, want the carrier, the parts and the ISBT 128 carrier", got)
	}
	if got[0] != "(01)00844588018923(17)281231(10)LOT7(21)SN-0042" || got[1] != want[0] {
		t.Errorf("GS1 UDIs %q", got[:2])
	}
	if got[2] != want[1] {
		t.Errorf("ISBT 128 UDI %q, want %q", got[2], want[1])
	}
	if diff := cmp.Diff([]string{"00:12:a5:ff:fe:3b:7c:10"}, m.EUI64s); diff != "" {
		t.Errorf("EUI-64s (-want +got):\n%s", diff)
	}
}

func TestHL7UDIIgnored(t *testing.T) {
	for name, msg := range map[string]string{
		"implant":       "MSH|^~\\&|A||B||||ORU^R01|1|P|2.8\rPRT|1|UC||IMPLANT||||||(01)00844588018923(21)S1\r",
		"bad check":     "MSH|^~\\&|A||B||||ORU^R01|1|P|2.8\rPRT|1|UC||EQUIP||||||(01)00844588018924(21)S1\r",
		"no issuer":     "MSH|^~\\&|A||B||||ORU^R01|1|P|2.8\rPRT|1|UC||EQUIP||||||||||||ABC^XYZ||||S1\r",
		"EUI not hex":   "MSH|^~\\&|A||B||||ORU^R01|1|P|2.8\rOBX|1|NM|X||1||||||F|||||||NOTAHEXVALUE1234^^^EUI-64\r",
		"plain OBX-18":  "MSH|^~\\&|A||B||||ORU^R01|1|P|2.8\rOBX|1|NM|X||1||||||F|||||||0012A5FFFE3B7C10\r",
		"PID not read":  "MSH|^~\\&|A||B||||ORU^R01|1|P|2.8\rPID|1||(01)00844588018923(21)S1\r",
		"DI parts only": "MSH|^~\\&|A||B||||ORU^R01|1|P|2.8\rPRT|1|UC||EQUIP||||||||||||00844588018924^GS1||||S1\r",
	} {
		msgs, err := ParseHL7([]byte(msg))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m := msgs[0]; len(m.UDIs)+len(m.EUI64s) != 0 {
			t.Errorf("%s: UDIs %q EUI-64s %q, want none", name, m.UDIs, m.EUI64s)
		}
	}
	// A DI with parts that do not fit still names the model.
	msgs, _ := ParseHL7([]byte("MSH|^~\\&|A||B||||ORU^R01|1|P|2.8\rPRT|1|UC||EQUIP||||||||||||00844588018923^^1.3.160^ISO|2024|||S 1\r"))
	if got := msgs[0].UDIs; len(got) != 1 || got[0] != "(01)00844588018923" {
		t.Errorf("UDIs %q, want the DI alone", got)
	}
}

// TestHL7UDIRealMessages reads the real HL7 files of shared/realdata: none
// names equipment by a UDI or an EUI-64, and none of their patient or
// order identifiers is taken for one.
func TestHL7UDIRealMessages(t *testing.T) {
	dir := realdata.Path(t, "hl7", "node-hl7-complete")
	files, _ := filepath.Glob(filepath.Join(dir, "*.hl7"))
	if len(files) == 0 {
		t.Skip("no HL7 files")
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := ParseHL7(b)
		if err != nil {
			continue // the invalid examples
		}
		for _, m := range msgs {
			if len(m.UDIs)+len(m.EUI64s) != 0 {
				t.Errorf("%s: UDIs %q EUI-64s %q", filepath.Base(p), m.UDIs, m.EUI64s)
			}
		}
	}
}

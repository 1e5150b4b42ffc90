package udi

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
)

var noRaw = cmpopts.IgnoreFields(vigil.UDI{}, "Raw")

func TestParse(t *testing.T) {
	gs1, hibcc, isbt := vigil.UDIIssuerGS1, vigil.UDIIssuerHIBCC, vigil.UDIIssuerICCBBA
	for _, c := range []struct {
		name, in string
		want     vigil.UDI
	}{
		// The FDA's GS1 example (GUDID guidance, AccessGUDID parse API).
		{"gs1 hri", "(01)10884521062856(11)141231(17)150707(10)A213B1(21)1234",
			vigil.UDI{Issuer: gs1, DI: "10884521062856", Manufactured: "2014-12-31", Expiry: "2015-07-07", Lot: "A213B1", Serial: "1234"}},
		{"gs1 hri spaced", " (01) 00844588018923 (17) 251200 (21) SN-7/A ",
			vigil.UDI{Issuer: gs1, DI: "00844588018923", Expiry: "2025-12-31", Serial: "SN-7/A"}},
		{"gs1 hri other AIs", "(01)00844588018923(240)REF-1(30)5(21)X",
			vigil.UDI{Issuer: gs1, DI: "00844588018923", Serial: "X"}},
		{"gs1 element string", "]d2010084458801892317251231" + "10LOT7\x1d" + "21SN42",
			vigil.UDI{Issuer: gs1, DI: "00844588018923", Expiry: "2025-12-31", Lot: "LOT7", Serial: "SN42"}},
		{"gs1 element string FNC1 first", "\x1d0100844588018923" + "21SN42\x1d" + "10L1",
			vigil.UDI{Issuer: gs1, DI: "00844588018923", Serial: "SN42", Lot: "L1"}},
		{"gs1 element string bare", "0100844588018923" + "11991231" + "21A1",
			vigil.UDI{Issuer: gs1, DI: "00844588018923", Manufactured: "1999-12-31", Serial: "A1"}},
		{"gs1 element string ]C1", "]C1010084458801892310ABC",
			vigil.UDI{Issuer: gs1, DI: "00844588018923", Lot: "ABC"}},
		{"gtin-14", "00844588018923", vigil.UDI{Issuer: gs1, DI: "00844588018923"}},
		{"gtin-13", "0844588018923", vigil.UDI{Issuer: gs1, DI: "00844588018923"}},
		{"gtin-12", "844588018923", vigil.UDI{Issuer: gs1, DI: "00844588018923"}},
		// BarcodeParserBuilder's HIBC example, its check character verified.
		{"hibcc concatenated", "+A123ABCDEFGHI1234567891/$$420020216LOT123456789012345/SXYZ456789012345678/16D20130202$",
			vigil.UDI{Issuer: hibcc, DI: "A123ABCDEFGHI1234567891", Expiry: "2020-02-02", Lot: "LOT123456789012345",
				Serial: "XYZ456789012345678", Manufactured: "2013-02-02"}},
		// The FHIR Device example's HIBC UDI, with the check character that
		// verifies (the example prints an illustrative 'C').
		{"hibcc fhir example", "+H123PARTNO1234567890120/$$420020216LOT123456789012345/SXYZ456789012345678/16D20130202H",
			vigil.UDI{Issuer: hibcc, DI: "H123PARTNO1234567890120", Expiry: "2020-02-02", Lot: "LOT123456789012345",
				Serial: "XYZ456789012345678", Manufactured: "2013-02-02"}},
		{"hibcc python-hibc example", "+A99912345/$$52001510X3/16D20111212/S77DE1G45-",
			vigil.UDI{Issuer: hibcc, DI: "A99912345", Expiry: "2020-01-15", Lot: "10X3", Manufactured: "2011-12-12", Serial: "77DE1G45"}},
		{"hibcc caption", "*+A123BJC5D6E71/$$52001510X3C*",
			vigil.UDI{Issuer: hibcc, DI: "A123BJC5D6E71", Expiry: "2020-01-15", Lot: "10X3"}},
		{"hibcc primary alone", "+A99912345" + string(mod43("+A99912345")), vigil.UDI{Issuer: hibcc, DI: "A99912345"}},
		{"hibcc serial MMYY", hibcCheck("+A99912345/$$+0325SER1"), vigil.UDI{Issuer: hibcc, DI: "A99912345", Expiry: "2025-03-31", Serial: "SER1"}},
		{"hibcc quantity", hibcCheck("+A99912345/$$905000LOT9"), vigil.UDI{Issuer: hibcc, DI: "A99912345", Lot: "LOT9"}},
		{"hibcc julian legacy", hibcCheck("+A99912345/25032LOT9"), vigil.UDI{Issuer: hibcc, DI: "A99912345", Expiry: "2025-02-01", Lot: "LOT9"}},
		{"hibcc $ lot", hibcCheck("+A99912345/$LOT9"), vigil.UDI{Issuer: hibcc, DI: "A99912345", Lot: "LOT9"}},
		{"hibcc $+ serial", hibcCheck("+A99912345/$+SN9"), vigil.UDI{Issuer: hibcc, DI: "A99912345", Serial: "SN9"}},
		{"hibcc late expiry", hibcCheck("+A99912345/$+SN1/14D20991231/16D19850601"),
			vigil.UDI{Issuer: hibcc, DI: "A99912345", Serial: "SN1", Expiry: "2099-12-31", Manufactured: "1985-06-01"}},
		{"hibcc 14D", hibcCheck("+A99912345/$$7L1/14D20271231"), vigil.UDI{Issuer: hibcc, DI: "A99912345", Lot: "L1", Expiry: "2027-12-31"}},
		// The AccessGUDID parse API's ISBT 128 example.
		{"isbt", "=/W4146EB0010T0475=,000025=A99971312345600=>014032=}013032&,1000000000000XYZ123",
			vigil.UDI{Issuer: isbt, DI: "W4146EB0010T0475", Serial: "000025", DonationID: "A999713123456",
				Expiry: "2014-02-01", Manufactured: "2013-02-01", Lot: "000000000000XYZ123"}},
		{"isbt compound", "=+05000=/A9997AB3456T0123=,000025=A99971712345600=>025365&,1000000000000XYZ123",
			vigil.UDI{Issuer: isbt, DI: "A9997AB3456T0123", Serial: "000025", DonationID: "A999717123456",
				Expiry: "2025-12-31", Lot: "000000000000XYZ123"}},
		{"isbt other structures", "=/A9997AB3456T0123=<T0123V00", vigil.UDI{Issuer: isbt, DI: "A9997AB3456T0123"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", c.in, err)
			}
			if got.Raw != c.in {
				t.Errorf("Raw = %q, want the input", got.Raw)
			}
			if diff := cmp.Diff(c.want, got, noRaw); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", c.in, diff)
			}
			// The canonical form reads back to the same parts.
			s, err := Format(got)
			if err != nil {
				t.Fatalf("Format: %v", err)
			}
			back, err := Parse(s)
			if err != nil {
				t.Fatalf("Parse(Format) %q: %v", s, err)
			}
			if diff := cmp.Diff(got, back, noRaw); diff != "" {
				t.Errorf("Parse(%q) (-first +canonical):\n%s", s, diff)
			}
		})
	}
}

// hibcCheck appends the modulo 43 check character.
func hibcCheck(s string) string { return s + string(mod43(s)) }

func TestParseErrors(t *testing.T) {
	for _, c := range []struct {
		in     string
		offset int
		reason string
	}{
		{"", 0, "empty"},
		{"   ", 0, "empty"},
		{"hello", 0, "not a UDI"},
		{"(01)00844588018924", 17, "GTIN check digit is 4, want 3"},
		{"(01)0084458801892", 4, "(01) takes 14 characters, not 13"},
		{"(17)251231(21)X", 15, "no GTIN"},
		{"(01)00844588018923(17)251331", 22, "month 13"},
		{"(01)00844588018923(17)250230", 22, "day 30 does not exist"},
		{"(01)00844588018923(21)A B", 23, "byte 0x20 is not allowed"},
		{"(01)00844588018923(21)123456789012345678901", 22, "(21) takes 1 to 20 characters, not 21"},
		{"(01)00844588018923(21)A(21)B", 27, "(21) appears twice"},
		{"(1)00844588018923", 1, "2 to 4 digits"},
		{"(01)00844588018923(", 4, "(01) takes 14 characters, not 15"},
		{"(01", 0, "without ')'"},
		{"0100844588018923" + "1725", 20, "takes 6 characters, the text ends after 2"},
		{"0100844588018923" + "88X", 16, "unknown or cut-short GS1 application identifier"},
		{"00844588018924", 13, "GTIN check digit"},
		{"  00844588018924", 15, "GTIN check digit"},
		{"+A123BJC5D6E71/$$52001510X3D", 27, "HIBC check character is 'D', want 'C'"},
		{"+a123", 1, "byte 0x61 is not in the HIBC character set"},
		{hibcCheck("+$$52001510X3"), 1, "secondary data alone"},
		{hibcCheck("+1123BJC5"), 1, "secondary data alone"},
		{hibcCheck("+A12"), 4, "HIBC primary data is"},
		{hibcCheck("+A123BJCX"), 8, "unit of measure is a digit"},
		{hibcCheck("+A12312345678901234567890"), 5, "at most 18 characters, not 19"},
		{hibcCheck("+A12312345/$$A"), 13, "a format digit follows"},
		{hibcCheck("+A12312345/$$3251340L"), 14, "month 13"},
		{hibcCheck("+A12312345/$$525366L"), 14, "day of year 366 is not 1 to 365"},
		{hibcCheck("+A12312345/$$7L1/X9"), 17, "unknown HIBC supplemental data"},
		{hibcCheck("+A12312345/$$7L1/16D2013"), 20, "date is YYYYMMDD"},
		{hibcCheck("+A12312345/$$+7S1/S2"), 18, "a second HIBC serial"},
		{hibcCheck("+A12312345/$$7L/16D08991231"), 19, "year 899 is before 1900"},
		{"*+A123BJC5D6E71/$$52001510X3C", 28, "caption ends with '*'"},
		{"=/W4146EB0010T047", 17, "takes 16 characters, the text ends after 15"},
		{"=/W4146EB0010t0475", 13, "capital letters and digits"},
		{"=/O4146EB0010T0475", 2, "capital letters and digits"},
		{"=,000025", 8, "no device identifier"},
		{"=/W4146EB0010T0475=!123", 18, "unknown ISBT 128 data identifier"},
		{"=/W4146EB0010T0475=>014366", 20, "day of year 366"},
		{"=+03000=/W4146EB0010T0475=,000025", 0, "declares 3 data structures, 2 follow"},
		{"=/W4146EB0010T0475=/W4146EB0010T0475", 18, "appears twice"},
		{"=/W4146EB0010T0475=A9997131234560!", 33, "flags are capital letters and digits"},
		{"]d2", 3, "nothing after the symbology identifier"},
	} {
		_, err := Parse(c.in)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) = %v, want an *Error", c.in, err)
			continue
		}
		if e.Offset != c.offset || !strings.Contains(e.Reason, c.reason) {
			t.Errorf("Parse(%q) = %v, want byte %d: ...%s...", c.in, err, c.offset, c.reason)
		}
	}
}

func TestParseDI(t *testing.T) {
	for _, c := range []struct {
		issuer vigil.UDIIssuer
		in     string
		want   string
	}{
		{"", "00844588018923", "00844588018923"},
		{vigil.UDIIssuerGS1, "844588018923", "00844588018923"},
		{"", "+A99912345", "A99912345"},
		{vigil.UDIIssuerHIBCC, "A99912345", "A99912345"},
		{vigil.UDIIssuerHIBCC, "+A123BJC5D6E71G", "A123BJC5D6E71"},
		{"", "=/W4146EB0010T0475", "W4146EB0010T0475"},
		{vigil.UDIIssuerICCBBA, "W4146EB0010T0475", "W4146EB0010T0475"},
	} {
		u, err := ParseDI(c.issuer, c.in)
		if err != nil || u.DI != c.want || u.Key() != "" {
			t.Errorf("ParseDI(%q, %q) = %+v, %v; want DI %q", c.issuer, c.in, u, err, c.want)
		}
	}
	for _, in := range []string{"", "A1", "00844588018924", "W4146EB0010T04"} {
		if u, err := ParseDI("", in); err == nil {
			t.Errorf("ParseDI(%q) = %+v, want an error", in, u)
		}
	}
}

func TestKey(t *testing.T) {
	for in, want := range map[string]string{
		"(01)00844588018923(21)SN1":               "gs1:00844588018923/SN1",
		"(01)00844588018923(10)LOT":               "", // a model, not a device
		"00844588018923":                          "",
		hibcCheck("+A99912345/$+SN9"):             "hibcc:A99912345/SN9",
		"=/W4146EB0010T0475=A99971312345600":      "iccbba:W4146EB0010T0475/A999713123456",
		"=/W4146EB0010T0475=,000025":              "iccbba:W4146EB0010T0475/000025",
		"=/W4146EB0010T0475=A99971312345600=,ABC": "",
		"not a udi": "",
	} {
		if got := KeyOf(in); got != want {
			t.Errorf("KeyOf(%q) = %q, want %q", in, got, want)
		}
	}
	// One device written in the two GS1 forms has one key.
	a := KeyOf("(01)00844588018923(17)251231(21)SN1")
	b := KeyOf("]d2010084458801892321SN1\x1d17251231")
	if a == "" || a != b {
		t.Errorf("keys %q and %q, want one", a, b)
	}
}

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"]d2010084458801892321SN1\x1d17251231":                "(01)00844588018923(17)251231(21)SN1",
		"(01)00844588018923(21)SN1(17)251200":                 "(01)00844588018923(17)251231(21)SN1",
		"844588018923":                                        "(01)00844588018923",
		"*+A123BJC5D6E71/$$52001510X3C*":                      "+A123BJC5D6E71/$$3200115" + "10X3" + string(mod43("+A123BJC5D6E71/$$320011510X3")),
		"=+02000=,000025=/W4146EB0010T0475":                   "=/W4146EB0010T0475=,000025",
		"(01)00844588018923(240)REF(11)010203(10)L(21)S(30)1": "(01)00844588018923(11)010203(10)L(21)S",
	} {
		got, _, err := Canonical(in)
		if err != nil || got != want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNormalizeDI(t *testing.T) {
	for in, want := range map[string]string{
		"00844588018923": "00844588018923", " +a99912345 ": "A99912345", "=/W4146EB0010T0475": "W4146EB0010T0475",
	} {
		if got := NormalizeDI(in); got != want {
			t.Errorf("NormalizeDI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormatRefuses(t *testing.T) {
	for _, u := range []vigil.UDI{
		{Issuer: "ean", DI: "1"},
		{Issuer: vigil.UDIIssuerGS1, DI: "00844588018924"},
		{Issuer: vigil.UDIIssuerGS1, DI: "00844588018923", Serial: "A(21)B"},
		{Issuer: vigil.UDIIssuerGS1, DI: "00844588018923", Expiry: "2071-01-01"},
		{Issuer: vigil.UDIIssuerGS1, DI: "00844588018923", DonationID: "A999713123456"},
		{Issuer: vigil.UDIIssuerHIBCC, DI: "a99912345"},
		{Issuer: vigil.UDIIssuerHIBCC, DI: "A99912345", Lot: "l*t"},
		{Issuer: vigil.UDIIssuerICCBBA, DI: "W4146EB0010T0475", Expiry: "1999-01-01"},
		{Issuer: vigil.UDIIssuerICCBBA, DI: "W4146EB0010T0475", Serial: "1"},
	} {
		if s, err := Format(u); err == nil {
			t.Errorf("Format(%+v) = %q, want an error", u, s)
		}
	}
}

package vigil

import "time"

// UDIIssuer names the FDA-accredited agency whose rules a unique device
// identifier follows.
type UDIIssuer string

// The UDI issuing agencies.
const (
	UDIIssuerGS1    UDIIssuer = "gs1"    // GTIN and application identifiers
	UDIIssuerHIBCC  UDIIssuer = "hibcc"  // HIBC labeler identification code
	UDIIssuerICCBBA UDIIssuer = "iccbba" // ISBT 128
)

// Valid reports whether i is a known issuer.
func (i UDIIssuer) Valid() bool {
	return i == UDIIssuerGS1 || i == UDIIssuerHIBCC || i == UDIIssuerICCBBA
}

// UDI is a unique device identifier read from a label, a column or a
// message: the device identifier (DI), which names a labeler's model and
// package level, and the production identifiers (PI) of one unit. A DI
// alone is a model, not a device; only a DI with a serial number (or, for
// ISBT 128, a donation identification number) names one physical device.
//
// Dates are calendar dates, "2006-01-02"; a label's hour, where it gives
// one, is dropped.
type UDI struct {
	Issuer UDIIssuer `json:"issuer"`
	// DI is the device identifier without its data identifier: a GTIN-14
	// for GS1, the labeler code, product number and unit of measure for
	// HIBCC (no '+', no check character), the 16-character processor
	// product identification code for ICCBBA (no "=/").
	DI           string `json:"di"`
	Lot          string `json:"lot,omitempty"`
	Serial       string `json:"serial,omitempty"`
	DonationID   string `json:"donation_id,omitempty"` // ISBT 128 donation identification number, without its flags
	Expiry       string `json:"expiry,omitempty"`
	Manufactured string `json:"manufactured,omitempty"`
	// Raw is the text the UDI was read from, as given.
	Raw string `json:"raw,omitempty"`
}

// Instance returns what tells one unit of the DI's model from another: the
// serial number, and for ISBT 128 the donation identification number
// before it. "" when the UDI names a model only.
func (u *UDI) Instance() string {
	switch {
	case u.DonationID != "" && u.Serial != "":
		return u.DonationID + "." + u.Serial
	case u.DonationID != "":
		return u.DonationID
	}
	return u.Serial
}

// Key returns the UDI's identity key, "gs1:00844588018923/SN123": issuer,
// DI and instance. Two records with one key are one device. "" when the
// UDI names a model only, since many devices share a DI.
func (u *UDI) Key() string {
	inst := u.Instance()
	if inst == "" || u.DI == "" {
		return ""
	}
	return string(u.Issuer) + ":" + u.DI + "/" + inst
}

// Validate checks the UDI's own rules: a known issuer, a DI, and dates that
// are dates. The issuer's syntax is checked where the UDI is parsed.
func (u *UDI) Validate() error {
	if !u.Issuer.Valid() {
		return Errorf(EINVALID, "unknown UDI issuer %q", u.Issuer)
	}
	if u.DI == "" {
		return Errorf(EINVALID, "a UDI needs a device identifier")
	}
	for _, d := range []string{u.Expiry, u.Manufactured} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return Errorf(EINVALID, "UDI date %q is not a date (YYYY-MM-DD)", d)
		}
	}
	return nil
}

// NormalizeEUI64 turns an EUI-64 (an IEEE 64-bit extended unique
// identifier, as IHE PCD devices send in OBX-18) in any common notation
// (bare hex, colons, dashes, spaces; any case) into lower-case
// colon-separated form, "00:12:a5:ff:fe:3b:7c:10". All zeros and all ones
// are refused: they identify nothing.
func NormalizeEUI64(s string) (string, error) {
	out, bad, n := colonHex(s, 16, ":- ")
	switch {
	case bad >= 0:
		return "", Errorf(EINVALID, "not an EUI-64: byte %d is not a hex digit", bad)
	case n > 16:
		return "", Errorf(EINVALID, "not an EUI-64: more than 16 hex digits")
	case out == "":
		return "", Errorf(EINVALID, "not an EUI-64: %d hex digits, want 16", n)
	case out == "00:00:00:00:00:00:00:00" || out == "ff:ff:ff:ff:ff:ff:ff:ff":
		return "", Errorf(EINVALID, "not an EUI-64: all zeros or all ones")
	}
	return out, nil
}

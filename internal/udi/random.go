package udi

import (
	"math/rand/v2"
	"time"

	"github.com/vigil-health/vigil"
)

// Random returns a valid UDI of the issuer with a serial number and, at
// random, a lot, an expiry and a manufacture date: for generated captures,
// inventories and tests. Format writes every one of them.
func Random(rng *rand.Rand, issuer vigil.UDIIssuer) vigil.UDI {
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	str := func(set string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = set[rng.IntN(len(set))]
		}
		return string(b)
	}
	day := func(from, to int) string {
		start := time.Date(from, 1, 1, 0, 0, 0, 0, time.UTC)
		days := int(time.Date(to, 1, 1, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
		return start.AddDate(0, 0, rng.IntN(days)).Format(time.DateOnly)
	}
	u := vigil.UDI{Issuer: issuer}
	switch issuer {
	case vigil.UDIIssuerGS1:
		body := str("0123456789", 13)
		u.DI = body + string(gtinCheck(body))
		u.Serial = str(alnum+"abcdefghijklmnopqrstuvwxyz-./", 1+rng.IntN(20))
		if rng.IntN(2) == 0 {
			u.Lot = str(alnum, 1+rng.IntN(20))
		}
	case vigil.UDIIssuerHIBCC:
		u.DI = str("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1) + str(alnum, 3) + str(alnum, 1+rng.IntN(18)) + str("0123456789", 1)
		u.Serial = str(alnum, 1+rng.IntN(18))
		if rng.IntN(2) == 0 {
			u.Lot = str(alnum, 1+rng.IntN(18))
		}
	case vigil.UDIIssuerICCBBA:
		fin := "0123456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
		u.DI = str(fin, 5) + str(alnum, 11)
		u.Serial = str(alnum, 6)
		if rng.IntN(2) == 0 {
			u.DonationID = str(fin[1:], 1) + str(fin, 4) + str("0123456789", 8)
		}
		if rng.IntN(2) == 0 {
			u.Lot = str(alnum, 18)
		}
	default:
		panic("udi.Random: unknown issuer " + string(issuer))
	}
	if rng.IntN(2) == 0 {
		u.Expiry = day(2000, 2069)
	}
	if rng.IntN(2) == 0 {
		u.Manufactured = day(2000, 2069)
	}
	return u
}

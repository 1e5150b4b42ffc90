package dissect

import (
	"crypto/md5"
	"encoding/hex"
	"strconv"
)

// JA3 returns the JA3 string of the ClientHello: legacy version, cipher
// suites, extensions, supported groups and point formats, in decimal, each
// list '-'-joined, the five fields ','-joined, GREASE values removed (as
// Salesforce's reference and tshark compute it).
func (c *ClientHello) JA3() string {
	b := make([]byte, 0, 256)
	b = strconv.AppendUint(b, uint64(c.LegacyVersion), 10)
	b = append(b, ',')
	b = appendU16List(b, c.CipherSuites)
	b = append(b, ',')
	b = appendU16List(b, c.Extensions)
	b = append(b, ',')
	b = appendU16List(b, c.Groups)
	b = append(b, ',')
	for i, f := range c.PointFormats {
		if i > 0 {
			b = append(b, '-')
		}
		b = strconv.AppendUint(b, uint64(f), 10)
	}
	return string(b)
}

// JA3Hash returns the MD5 of JA3 in lower-case hex: the usual JA3
// fingerprint.
func (c *ClientHello) JA3Hash() string {
	sum := md5.Sum([]byte(c.JA3()))
	return hex.EncodeToString(sum[:])
}

// JA3S returns the JA3S string of the ServerHello: version, chosen cipher
// and extensions, in decimal.
func (s *ServerHello) JA3S() string {
	b := make([]byte, 0, 64)
	b = strconv.AppendUint(b, uint64(s.LegacyVersion), 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(s.CipherSuite), 10)
	b = append(b, ',')
	b = appendU16List(b, s.Extensions)
	return string(b)
}

// JA3SHash returns the MD5 of JA3S in lower-case hex.
func (s *ServerHello) JA3SHash() string {
	sum := md5.Sum([]byte(s.JA3S()))
	return hex.EncodeToString(sum[:])
}

// appendU16List appends the non-GREASE values in decimal, '-'-joined.
func appendU16List(b []byte, vs []uint16) []byte {
	first := true
	for _, v := range vs {
		if isGREASE(v) {
			continue
		}
		if !first {
			b = append(b, '-')
		}
		first = false
		b = strconv.AppendUint(b, uint64(v), 10)
	}
	return b
}

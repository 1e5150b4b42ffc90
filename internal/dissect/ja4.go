package dissect

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
)

// JA4 returns the FoxIO JA4 fingerprint of a ClientHello seen over TCP, in
// its a_b_c form: "t" + version + SNI flag + cipher and extension counts +
// ALPN first/last characters, then the truncated SHA-256 of the sorted
// cipher suites, then that of the sorted extensions (SNI and ALPN excluded)
// and the signature algorithms in order. GREASE values are ignored.
func (c *ClientHello) JA4() string {
	a := make([]byte, 0, 10)
	a = append(a, 't')
	a = append(a, ja4Version(c.MaxVersion())...)
	if c.ServerName != "" || slices.Contains(c.Extensions, 0) {
		a = append(a, 'd')
	} else {
		a = append(a, 'i')
	}
	ciphers := nonGREASE(c.CipherSuites)
	exts := nonGREASE(c.Extensions)
	a = appendCount(a, len(ciphers))
	a = appendCount(a, len(exts))
	a = append(a, ja4ALPN(c.ALPN)...)

	slices.Sort(ciphers)
	b := ja4Hash(hexList(nil, ciphers))

	var sorted []uint16
	for _, e := range exts {
		if e != 0x0000 && e != 0x0010 {
			sorted = append(sorted, e)
		}
	}
	slices.Sort(sorted)
	var cs string
	if len(sorted) == 0 {
		cs = "000000000000"
	} else {
		in := hexList(nil, sorted)
		if sigs := nonGREASE(c.SignatureAlgorithms); len(sigs) > 0 {
			in = append(in, '_')
			in = hexList(in, sigs)
		}
		cs = ja4Hash(in)
	}
	return string(a) + "_" + b + "_" + cs
}

func ja4Version(v uint16) string {
	switch v {
	case 0x0304:
		return "13"
	case 0x0303:
		return "12"
	case 0x0302:
		return "11"
	case 0x0301:
		return "10"
	case 0x0300:
		return "s3"
	case 0x0002:
		return "s2"
	case 0xfeff:
		return "d1"
	case 0xfefd:
		return "d2"
	case 0xfefc:
		return "d3"
	}
	return "00"
}

// ja4ALPN returns the first and last characters of the first ALPN value,
// "00" when there is none, or the first and last hex digits of its bytes
// when either character is not alphanumeric.
func ja4ALPN(alpn []string) string {
	if len(alpn) == 0 || alpn[0] == "" {
		return "00"
	}
	p := alpn[0]
	f, l := p[0], p[len(p)-1]
	if isAlnum(f) && isAlnum(l) {
		return string([]byte{f, l})
	}
	const hexd = "0123456789abcdef"
	return string([]byte{hexd[f>>4], hexd[l&0x0f]})
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func appendCount(b []byte, n int) []byte {
	n = min(n, 99)
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

func nonGREASE(vs []uint16) []uint16 {
	out := make([]uint16, 0, len(vs))
	for _, v := range vs {
		if !isGREASE(v) {
			out = append(out, v)
		}
	}
	return out
}

// hexList appends the values as 4-digit lower-case hex, ','-joined.
func hexList(b []byte, vs []uint16) []byte {
	const hexd = "0123456789abcdef"
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, hexd[v>>12], hexd[v>>8&0xf], hexd[v>>4&0xf], hexd[v&0xf])
	}
	return b
}

// ja4Hash returns the first 12 hex digits of the SHA-256 of in, or twelve
// zeros for empty input.
func ja4Hash(in []byte) string {
	if len(in) == 0 {
		return "000000000000"
	}
	sum := sha256.Sum256(in)
	return hex.EncodeToString(sum[:6])
}

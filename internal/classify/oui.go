package classify

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

//go:generate go run ./ouigen -dir /usr/share/ieee-data -out oui.tsv.gz

// ouiTable is the IEEE registry as ouigen writes it: gzip'd lines of
// "HEXPREFIX<TAB>Organization" for /24, /28 and /36 blocks.
//
//go:embed oui.tsv.gz
var ouiTable []byte

// OUI maps MAC address prefixes to the organisation the IEEE assigned them
// to. It is read-only once loaded and safe for concurrent use.
type OUI struct {
	by24, by28, by36 map[uint64]string
	header           string
}

// LoadOUI loads the registry embedded in the binary.
func LoadOUI() (*OUI, error) {
	zr, err := gzip.NewReader(bytes.NewReader(ouiTable))
	if err != nil {
		return nil, fmt.Errorf("load embedded OUI table: %w", err)
	}
	o, err := ParseOUI(zr, "oui.tsv.gz")
	if err != nil {
		return nil, err
	}
	return o, zr.Close()
}

// ParseOUI reads an uncompressed table: "#" comment lines, then
// "HEXPREFIX<TAB>Organization" lines with 6, 7 or 9 hex digits. name is
// used in errors, which give the line number.
func ParseOUI(r io.Reader, name string) (*OUI, error) {
	o := &OUI{by24: make(map[uint64]string, 40000), by28: make(map[uint64]string, 5000), by36: make(map[uint64]string, 10000)}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" {
			continue
		}
		if text[0] == '#' {
			if o.header == "" {
				o.header = strings.TrimSpace(text[1:])
			}
			continue
		}
		prefix, org, ok := strings.Cut(text, "\t")
		if !ok || org == "" {
			return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: want HEXPREFIX<TAB>Organization", name, line)
		}
		v, err := strconv.ParseUint(prefix, 16, 64)
		if err != nil {
			return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: prefix %q is not hexadecimal", name, line, prefix)
		}
		switch len(prefix) {
		case 6:
			o.by24[v] = org
		case 7:
			o.by28[v] = org
		case 9:
			o.by36[v] = org
		default:
			return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: prefix %q is not 6, 7 or 9 hex digits", name, line, prefix)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s at line %d: %w", name, line+1, err)
	}
	return o, nil
}

// Len returns the number of prefixes in the table.
func (o *OUI) Len() int { return len(o.by24) + len(o.by28) + len(o.by36) }

// Source describes where the table came from (the generator's header line).
func (o *OUI) Source() string { return o.header }

// Vendor returns the organisation registered for the longest prefix of mac
// (/36, then /28, then /24), or "" when the MAC is malformed, locally
// administered (randomised by phones and laptops, so it names no vendor)
// or not registered. mac may be in any common notation.
func (o *OUI) Vendor(mac string) string {
	m, err := vigil.NormalizeMAC(mac)
	if err != nil {
		return ""
	}
	var v uint64
	for i := 0; i < len(m); i++ {
		c := m[i]
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | uint64(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | uint64(c-'a'+10)
		}
	}
	if v>>40&0x02 != 0 {
		return ""
	}
	if s, ok := o.by36[v>>12]; ok {
		return s
	}
	if s, ok := o.by28[v>>20]; ok {
		return s
	}
	return o.by24[v>>24]
}

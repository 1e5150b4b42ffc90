package ingest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
)

// MaxSegmentsFileSize is the largest segment list ReadSegments accepts.
const MaxSegmentsFileSize = 16 << 20

// segmentColumns are the header spellings of each column of a segment list,
// compared lower-case with everything but letters and digits dropped.
var segmentColumns = map[string]string{
	"name": "name", "segment": "name", "segmentname": "name", "networkname": "name", "vlanname": "name", "netname": "name",
	"cidr": "cidr", "subnet": "cidr", "prefix": "cidr", "iprange": "cidr", "range": "cidr", "networkaddress": "cidr",
	"networkcidr": "cidr", "subnetcidr": "cidr", "ipsubnet": "cidr", "addressrange": "cidr",
	"vlan": "vlan", "vlanid": "vlan", "vid": "vlan", "vlannumber": "vlan", "vlanno": "vlan", "vlantag": "vlan", "tag": "vlan",
	"clinical": "clinical", "isclinical": "clinical", "clinicalsegment": "clinical", "clinicalnetwork": "clinical",
	"medical": "clinical", "ephi": "clinical", "phi": "clinical", "carriesephi": "clinical",
	"site": "site", "sitename": "site", "hospital": "site", "facility": "site", "campus": "site", "facilityname": "site",
}

// ReadSegments reads a CSV list of the hospital's network segments; see
// ParseSegments.
func ReadSegments(path string) ([]vigil.Segment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathReason(err)), err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSegmentsFileSize+1))
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathReason(err)), err)
	}
	return ParseSegments(path, data)
}

// pathReason drops the path an *os.PathError repeats.
func pathReason(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ParseSegments reads the network segments a hospital designates from CSV
// text: one segment a row, with a name, a subnet (cidr), a VLAN (at least
// one of the two), whether it is clinical and, optionally, the hospital
// site the subnet belongs to. The header names the columns
// ("Segment", "Subnet", "VLAN ID", "Is clinical" and other synonyms); other
// columns are ignored. The delimiter (, ; tab |) and the encoding are
// sniffed as for inventory files; empty rows and rows whose first cell
// starts with # are skipped. Any bad row refuses the whole file with a
// vigil.EINVALID error naming the file and the line.
func ParseSegments(name string, data []byte) ([]vigil.Segment, error) {
	p := &parser{name: name, res: &Result{}}
	if len(data) > MaxSegmentsFileSize {
		return nil, p.fail("", "larger than %d MiB: not a segment list", MaxSegmentsFileSize>>20)
	}
	text, err := p.decodeText(data)
	if err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(text, 0); i >= 0 {
		return nil, p.fail("", "NUL character: this is a binary file, not a segment list")
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = rune(sniffDelimiter(text))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = r.Comma != '\t'
	cols := map[string]int{}
	out := []vigil.Segment{}
	lineOf := map[string]int{}
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, p.fail(fmt.Sprintf("line %d", pe.Line), "column %d: %v", pe.Column, pe.Err)
		} else if err != nil {
			return nil, p.fail("", "%v", err)
		}
		line, _ := r.FieldPos(0)
		if emptyRow(cells) || strings.HasPrefix(strings.TrimSpace(cells[0]), "#") {
			continue
		}
		where := fmt.Sprintf("line %d", line)
		if len(cols) == 0 {
			if cols, err = segmentHeader(cells); err != nil {
				return nil, p.fail(where, "%v", err)
			}
			continue
		}
		s, err := segmentRow(cells, cols)
		if err != nil {
			return nil, p.fail(where, "%v", err)
		}
		if first, dup := lineOf[s.Name]; dup {
			return nil, p.fail(where, "segment %s is listed twice (first on line %d)", clip(s.Name), first)
		}
		lineOf[s.Name] = line
		out = append(out, s)
	}
	if len(cols) == 0 {
		return nil, p.fail("", "no header row: want the columns name, cidr, vlan, clinical")
	}
	return out, nil
}

// segmentHeader maps the header's cells to the columns they name.
func segmentHeader(cells []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, c := range cells {
		col, ok := segmentColumns[headerKey(c)]
		if !ok {
			continue
		}
		if j, dup := cols[col]; dup {
			return nil, fmt.Errorf("columns %d and %d both give the %s", j+1, i+1, col)
		}
		cols[col] = i
	}
	_, hasCIDR := cols["cidr"]
	_, hasVLAN := cols["vlan"]
	_, hasClinical := cols["clinical"]
	if _, ok := cols["name"]; !ok || !hasClinical || (!hasCIDR && !hasVLAN) {
		return nil, fmt.Errorf("the header %s lacks a name, a clinical, or a cidr or vlan column (want name, cidr, vlan, clinical)", clip(strings.Join(cells, ",")))
	}
	return cols, nil
}

// headerKey lower-cases a header cell and keeps only its letters and digits.
func headerKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// segmentRow reads one segment from a row.
func segmentRow(cells []string, cols map[string]int) (vigil.Segment, error) {
	cell := func(col string) string {
		if i, ok := cols[col]; ok && i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	s := vigil.Segment{Name: cell("name")}
	if s.Name == "" {
		return s, errors.New("the segment has no name")
	}
	if v := cell("cidr"); v != "" {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			return s, fmt.Errorf("segment %s: %s is not a subnet in CIDR notation (10.32.1.0/24)", clip(s.Name), clip(v))
		}
		s.CIDR = p.Masked().String()
	}
	if v := cell("vlan"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(strings.ToLower(v), "vlan")))
		if err != nil || n < 1 || n > 4094 {
			return s, fmt.Errorf("segment %s: VLAN %s is not a number from 1 to 4094", clip(s.Name), clip(v))
		}
		s.VLAN = n
	}
	if s.CIDR == "" && s.VLAN == 0 {
		return s, fmt.Errorf("segment %s has neither a subnet nor a VLAN", clip(s.Name))
	}
	v := cell("clinical")
	c, ok := clinicalValue(v)
	if !ok {
		return s, fmt.Errorf("segment %s: clinical %s is neither yes nor no", clip(s.Name), clip(v))
	}
	s.Clinical = c
	s.Site = cell("site")
	return s, nil
}

// clinicalValue reads a clinical flag: yes/no and the usual spellings of a
// boolean, or the kind of segment ("clinical", "corporate").
func clinicalValue(v string) (clinical, ok bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "y", "true", "t", "1", "x", "clinical", "medical":
		return true, true
	case "no", "n", "false", "f", "0", "", "non-clinical", "nonclinical", "corporate", "business", "guest":
		return false, true
	}
	return false, false
}

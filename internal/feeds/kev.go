package feeds

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// kevJSON is one entry of the KEV catalog JSON.
type kevJSON struct {
	CVEID                      string   `json:"cveID"`
	VendorProject              string   `json:"vendorProject"`
	Product                    string   `json:"product"`
	VulnerabilityName          string   `json:"vulnerabilityName"`
	DateAdded                  string   `json:"dateAdded"`
	ShortDescription           string   `json:"shortDescription"`
	RequiredAction             string   `json:"requiredAction"`
	DueDate                    string   `json:"dueDate"`
	KnownRansomwareCampaignUse string   `json:"knownRansomwareCampaignUse"`
	CWEs                       []string `json:"cwes"`
}

func parseKEVJSON(ctx context.Context, name string, r io.Reader, lim bound.Limits, b *Batch) error {
	dec, in := newJSON(name, r, lim)
	count := -1
	err := walkObject(dec, func(key string) error {
		switch key {
		case "catalogVersion":
			return dec.Decode(&b.KEVCatalogVersion)
		case "count":
			return dec.Decode(&count)
		case "vulnerabilities":
			return streamArray(ctx, in, dec, func(i int) error {
				var k kevJSON
				if err := dec.Decode(&k); err != nil {
					return err
				}
				e, err := k.entry()
				if err != nil {
					return fmt.Errorf("record %d (%s): %w", i, k.CVEID, err)
				}
				b.KEV = append(b.KEV, e)
				return nil
			})
		}
		return skipValue(dec)
	})
	if err == nil {
		err = trailing(dec)
	}
	if err != nil {
		return jsonErr(name, dec, "KEV catalog", err)
	}
	if count >= 0 && count != len(b.KEV) {
		return fmt.Errorf("feeds: parse %s: KEV catalog says count %d but lists %d entries (truncated file?)", name, count, len(b.KEV))
	}
	for _, e := range b.KEV {
		e.CatalogVersion = b.KEVCatalogVersion
	}
	return nil
}

func (k *kevJSON) entry() (*vigil.KEVEntry, error) {
	if !isCVE(k.CVEID) {
		return nil, fmt.Errorf("cveID %q is not a CVE id", truncate(k.CVEID, 40))
	}
	added, err := parseTime(k.DateAdded)
	if err != nil {
		return nil, fmt.Errorf("dateAdded: %w", err)
	}
	if added.IsZero() {
		return nil, fmt.Errorf("dateAdded is missing")
	}
	due, err := parseTime(k.DueDate)
	if err != nil {
		return nil, fmt.Errorf("dueDate: %w", err)
	}
	return &vigil.KEVEntry{CVE: k.CVEID, VendorProject: k.VendorProject, Product: k.Product, Name: k.VulnerabilityName,
		DateAdded: added, DueDate: due, RansomwareUse: k.KnownRansomwareCampaignUse, RequiredAction: k.RequiredAction,
		ShortDescription: shortText(k.ShortDescription, 1000), CWEs: k.CWEs}, nil
}

func parseKEVCSV(ctx context.Context, name string, r io.Reader, lim bound.Limits, b *Batch) error {
	g := newCSVGuard(r, name, lim)
	cr := csv.NewReader(g)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return csvErr(name, cr, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	for _, c := range []string{"cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded", "shortDescription", "requiredAction", "dueDate", "knownRansomwareCampaignUse"} {
		if _, ok := col[c]; !ok {
			return fmt.Errorf("feeds: parse %s: line 1: KEV CSV header lacks column %q", name, c)
		}
	}
	get := func(rec []string, c string) string {
		i, ok := col[c]
		if !ok || i >= len(rec) {
			return ""
		}
		return rec[i]
	}
	return eachCSVRow(ctx, g, cr, len(header), 0, func(rec []string, line int) error {
		k := kevJSON{CVEID: get(rec, "cveID"), VendorProject: get(rec, "vendorProject"), Product: get(rec, "product"),
			VulnerabilityName: get(rec, "vulnerabilityName"), DateAdded: get(rec, "dateAdded"), ShortDescription: get(rec, "shortDescription"),
			RequiredAction: get(rec, "requiredAction"), DueDate: get(rec, "dueDate"), KnownRansomwareCampaignUse: get(rec, "knownRansomwareCampaignUse")}
		for _, c := range strings.Split(get(rec, "cwes"), ",") {
			if c = strings.TrimSpace(c); c != "" {
				k.CWEs = append(k.CWEs, c)
			}
		}
		e, err := k.entry()
		if err != nil {
			return fmt.Errorf("feeds: parse %s: line %d: %w", name, line, err)
		}
		b.KEV = append(b.KEV, e)
		return nil
	})
}

// eachCSVRow reads the rows after the header and calls fn with each and its
// line (plus lineOff, for lines read before the CSV reader started). It
// checks ctx every few thousand rows and refuses a row with fewer than want
// fields, naming the file and line.
func eachCSVRow(ctx context.Context, g *csvGuard, cr *csv.Reader, want, lineOff int, fn func(rec []string, line int) error) error {
	for n := 1; ; n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvErr(g.name, cr, err)
		}
		line, _ := cr.FieldPos(0)
		line += lineOff
		if err := g.checkRow(rec, n, line); err != nil {
			return err
		}
		if len(rec) < want {
			return fmt.Errorf("feeds: parse %s: line %d: %d fields, want %d", g.name, line, len(rec), want)
		}
		if err := fn(rec, line); err != nil {
			return err
		}
	}
}

// csvErr names the file and line of a CSV error.
func csvErr(name string, cr *csv.Reader, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("feeds: parse %s: line %d column %d: %w", name, pe.Line, pe.Column, pe.Err)
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("feeds: parse %s: empty file", name)
	}
	if le := limitError(err); le != nil {
		return le
	}
	// FieldPos would panic: no record was read.
	return fmt.Errorf("feeds: parse %s: near byte %d: %w", name, cr.InputOffset(), err)
}

package web

import (
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/vendors"
)

// apiVendors lists the register, highest tier first: ?kind=, ?tier=,
// ?limit= (default 100) and ?page=.
func (s *Server) apiVendors(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p, err := readRows(r, 100, vendorColumns)
	if err != nil {
		return err
	}
	rows, _, err := s.vendorRows(r, q.Get("kind"), q.Get("tier"))
	if err != nil {
		return err
	}
	sortRows(rows, p, vendorColumns)
	if p.Format != "" {
		return export(w, p.Format, "vendors", rows, vendorColumns)
	}
	page := pageRows(rows, p)
	out := make([]vendors.Summary, len(page))
	for i, row := range page {
		out[i] = row.Summary
	}
	// The common list shape (list.go), the vendors under "vendors" and
	// "offset" as before; sorted and exported by the register page's
	// columns.
	writeList(w, "vendors", out, len(rows), p, map[string]any{"offset": min(p.Offset(), len(rows))})
	return nil
}

// apiVendor is one vendor's profile: its devices, risk, every BAA version
// and its certifications.
func (s *Server) apiVendor(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathVendor(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// apiAddVendor registers the vendor in the JSON body; it answers 201 with
// the vendor stored.
func (s *Server) apiAddVendor(w http.ResponseWriter, r *http.Request) error {
	var v vigil.Vendor
	if err := decodeJSON(r, &v); err != nil {
		return err
	}
	v.ID = 0 // an addition, never a rewrite of another vendor
	if err := s.vend.Add(r.Context(), userFrom(r.Context()), &v); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, &v)
	return nil
}

// isMultipart reports whether the request carries a multipart form.
func isMultipart(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return strings.HasPrefix(mt, "multipart/")
}

// apiAddBAA records a new version of the vendor's BAA: a JSON BAA (the
// signed copy named by evidence_id), or a multipart form with the web
// form's fields (signed, effective, expires, renewal, services, data) and
// the signed copy in "file", stored as evidence. It answers 201.
func (s *Server) apiAddBAA(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathVendor(r)
	if err != nil {
		return err
	}
	var b *vigil.BAA
	if isMultipart(r) {
		b, err = s.storeBAA(r, p.Vendor, baaForm{Signed: r.FormValue("signed"), Effective: r.FormValue("effective"), Expires: r.FormValue("expires"),
			Renewal: r.FormValue("renewal"), Services: r.FormValue("services"), Data: r.FormValue("data")})
	} else {
		b = &vigil.BAA{}
		if err = decodeJSON(r, b); err == nil {
			b.ID, b.VendorID = 0, p.Vendor.ID
			err = s.vend.AddBAA(r.Context(), userFrom(r.Context()), b)
		}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

// apiAddCertification records a certification: a JSON Certification, or a
// multipart form with the web form's fields (kind, name, issuer, scope,
// from, to, expires) and the report in "file". It answers 201.
func (s *Server) apiAddCertification(w http.ResponseWriter, r *http.Request) error {
	p, err := s.pathVendor(r)
	if err != nil {
		return err
	}
	var c *vigil.Certification
	if isMultipart(r) {
		c, err = s.storeCertification(r, p.Vendor, certForm{Kind: r.FormValue("kind"), Name: r.FormValue("name"), Issuer: r.FormValue("issuer"),
			Scope: r.FormValue("scope"), From: r.FormValue("from"), To: r.FormValue("to"), Expires: r.FormValue("expires")})
	} else {
		c = &vigil.Certification{}
		if err = decodeJSON(r, c); err == nil {
			c.ID, c.VendorID = 0, p.Vendor.ID
			err = s.vend.AddCertification(r.Context(), userFrom(r.Context()), c)
		}
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// apiImportVendors imports a vendor list (CSV or XLSX) in the multipart
// file "file" and answers with what it did.
func (s *Server) apiImportVendors(w http.ResponseWriter, r *http.Request) error {
	f, list, err := s.readUpload(r)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := s.vend.ImportList(r.Context(), userFrom(r.Context()), list)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// apiVendorsExpiring lists the BAAs and certifications missing, expired or
// expiring for vendors touching ePHI: ?within=60d (days, weeks as 8w, or
// a Go duration).
func (s *Server) apiVendorsExpiring(w http.ResponseWriter, r *http.Request) error {
	span := r.URL.Query().Get("within")
	if span == "" {
		span = "60d"
	}
	within, err := parseWithin(span)
	if err != nil {
		return err
	}
	p, err := readRows[oversight.Gap](r, maxLimit, nil)
	if err != nil {
		return err
	}
	gaps, err := s.vend.Expiring(r.Context(), within)
	if err != nil {
		return err
	}
	// The common list shape (list.go), the gaps under "gaps" and the span
	// under "within" as before.
	writeRows(w, "gaps", gaps, p, nil, map[string]any{"within": span})
	return nil
}

// parseWithin reads a span of days ("60d"), weeks ("8w") or a Go duration
// ("36h").
func parseWithin(s string) (time.Duration, error) {
	day := 24 * time.Hour
	for suffix, unit := range map[string]time.Duration{"d": day, "w": 7 * day} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			if v, err := strconv.Atoi(n); err == nil && v >= 0 && v <= 3650 {
				return time.Duration(v) * unit, nil
			}
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, vigil.Errorf(vigil.EINVALID, "within must be days (60d), weeks (8w) or a duration (36h)")
}

package web

import (
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/vendors"
)

// agreementWindow is how far ahead the pages warn of an agreement or a
// certification coming due, as `vigil vendors expiring` does by default.
const agreementWindow = 60 * 24 * time.Hour

// The standings of a vendor's current BAA.
const (
	baaCurrent  = "current"
	baaExpiring = "expiring"
	baaExpired  = "expired"
	baaMissing  = "missing"
)

// baaStatus says where an agreement stands at now: missing (nil), expired,
// expiring within agreementWindow, or current (also when it has no end).
func baaStatus(b *vigil.BAA, now time.Time) string {
	if b == nil {
		return baaMissing
	}
	switch due := b.Due(); {
	case due.IsZero():
		return baaCurrent
	case !due.After(now):
		return baaExpired
	case !due.After(now.Add(agreementWindow)):
		return baaExpiring
	}
	return baaCurrent
}

// vendorRow is a vendor as the register lists it.
type vendorRow struct {
	vendors.Summary
	URL       string
	BAAStatus string
	BAADue    time.Time
}

// vendorForm is the add-a-vendor form, with what was typed when refused.
type vendorForm struct {
	Name, Kind, Aliases, Models, Contacts, Endpoints, Notes string
	Error                                                   string
}

type vendorsPage struct {
	pageBase
	Rows       []vendorRow
	Total      int // vendors in the register, before the filters
	Kind, Tier string
	KindChips  []kindChip
	TierChips  []kindChip
	Kinds      []vigil.VendorKind
	Endpoints  []vigil.EndpointKind
	Form       vendorForm
	ImportErr  string // why the last import was refused
	List       listView
}

// vendorTierRank orders the risk tiers, lowest first.
func vendorTierRank(v vendorRow) int {
	return slices.Index([]vigil.VendorTier{vigil.VendorTierNone, vigil.VendorTierLow, vigil.VendorTierMedium, vigil.VendorTierHigh}, v.Risk.Tier)
}

// vendorColumns are the vendor register's columns.
var vendorColumns = []column[vendorRow]{
	{Key: "name", Title: "Vendor", Text: func(v vendorRow) string { return v.Vendor.Name }, Cmp: byString(func(v vendorRow) string { return v.Vendor.Name })},
	{Key: "kind", Title: "Kind", Text: func(v vendorRow) string { return string(v.Vendor.Kind) }, Cmp: byString(func(v vendorRow) string { return string(v.Vendor.Kind) })},
	{Key: "tier", Title: "Risk tier", Text: func(v vendorRow) string { return string(v.Risk.Tier) }, Cmp: byNum(vendorTierRank)},
	{Key: "devices", Title: "Devices", Num: true, Text: func(v vendorRow) string { return strconv.Itoa(v.Risk.Devices) }, Cmp: byNum(func(v vendorRow) int { return v.Risk.Devices })},
	{Key: "ephi", Title: "ePHI devices", Num: true, Text: func(v vendorRow) string { return strconv.Itoa(v.Risk.EPHI) }, Cmp: byNum(func(v vendorRow) int { return v.Risk.EPHI })},
	{Key: "baa", Title: "BAA", Text: func(v vendorRow) string {
		if v.BAADue.IsZero() {
			return v.BAAStatus
		}
		return v.BAAStatus + ", due " + v.BAADue.Format("2006-01-02")
	}, Cmp: func(a, b vendorRow) int { return a.BAADue.Compare(b.BAADue) }},
	{Key: "certifications", Title: "Certifications", Num: true, Text: func(v vendorRow) string { return strconv.Itoa(v.Certs) }, Cmp: byNum(func(v vendorRow) int { return v.Certs })},
}

// vendorRows lists the register's vendors of kind and tier ("": any),
// highest tier first, and how many the register holds in all.
func (s *Server) vendorRows(r *http.Request, kind, tier string) ([]vendorRow, int, error) {
	list, err := s.vend.List(r.Context())
	if err != nil {
		return nil, 0, err
	}
	now := s.db.Now()
	rows := []vendorRow{}
	for _, v := range list {
		if (kind != "" && string(v.Vendor.Kind) != kind) || (tier != "" && string(v.Risk.Tier) != tier) {
			continue
		}
		row := vendorRow{Summary: v, URL: vendorURL(v.Vendor.ID), BAAStatus: baaStatus(v.BAA, now)}
		if v.BAA != nil {
			row.BAADue = v.BAA.Due()
		}
		rows = append(rows, row)
	}
	return rows, len(list), nil
}

func (s *Server) vendorsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderVendors(w, r, http.StatusOK, &vendorsPage{})
}

func (s *Server) renderVendors(w http.ResponseWriter, r *http.Request, status int, p *vendorsPage) error {
	q := r.URL.Query()
	p.pageBase = pageBase{Title: "Vendors", Nav: "vendors"}
	p.Kind, p.Tier = q.Get("kind"), q.Get("tier")
	p.Kinds, p.Endpoints = vigil.VendorKinds, vigil.EndpointKinds
	var err error
	if p.Rows, p.Total, err = s.vendorRows(r, p.Kind, p.Tier); err != nil {
		return err
	}
	lp, err := readList(q, 100, vendorColumns)
	if err != nil {
		return err
	}
	sortRows(p.Rows, lp, vendorColumns)
	if lp.Format != "" {
		return export(w, lp.Format, "vendors", p.Rows, vendorColumns)
	}
	p.List = newListView(r, lp, len(p.Rows), vendorColumns)
	p.Rows = pageRows(p.Rows, lp)
	chip := func(key, label, value, on string) kindChip {
		v := url.Values{}
		for k, x := range map[string]string{"kind": p.Kind, "tier": p.Tier} {
			if x != "" {
				v.Set(k, x)
			}
		}
		if value == "" {
			v.Del(key)
		} else {
			v.Set(key, value)
		}
		u := "/vendors"
		if len(v) > 0 {
			u += "?" + v.Encode()
		}
		return kindChip{Label: label, URL: u, On: on == value}
	}
	p.KindChips = []kindChip{chip("kind", "every kind", "", p.Kind)}
	for _, k := range vigil.VendorKinds {
		p.KindChips = append(p.KindChips, chip("kind", string(k), string(k), p.Kind))
	}
	p.TierChips = []kindChip{chip("tier", "every tier", "", p.Tier)}
	for _, t := range []vigil.VendorTier{vigil.VendorTierHigh, vigil.VendorTierMedium, vigil.VendorTierLow, vigil.VendorTierNone} {
		p.TierChips = append(p.TierChips, chip("tier", string(t), string(t), p.Tier))
	}
	s.render(w, r, status, "vendors", p)
	return nil
}

func vendorURL(id int64) string { return "/vendors/" + strconv.FormatInt(id, 10) }

// addVendor registers the form's vendor; a refused one shows the form again.
func (s *Server) addVendor(w http.ResponseWriter, r *http.Request) error {
	f := vendorForm{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Aliases: r.PostFormValue("aliases"), Models: r.PostFormValue("models"),
		Contacts: r.PostFormValue("contacts"), Endpoints: r.PostFormValue("endpoints"), Notes: r.PostFormValue("notes")}
	v, err := f.vendor()
	if err == nil {
		err = s.vend.Add(r.Context(), userFrom(r.Context()), v)
	}
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ECONFLICT {
		f.Error = vigil.ErrorMessage(err)
		return s.renderVendors(w, r, http.StatusBadRequest, &vendorsPage{Form: f})
	} else if err != nil {
		return err
	}
	s.redirectFlash(w, r, vendorURL(v.ID), flashVendorAdded, nil, v.Name)
	return nil
}

// vendor reads the form: aliases and models one a line (or separated by
// semicolons: company names hold commas), contacts one a line as
// "name; role; email; phone", endpoints one a line as "kind value [tool]".
func (f vendorForm) vendor() (*vigil.Vendor, error) {
	v := &vigil.Vendor{Name: f.Name, Kind: vigil.VendorKind(f.Kind), Aliases: listOf(f.Aliases), Models: listOf(f.Models), Notes: strings.TrimSpace(f.Notes)}
	for _, line := range lines(f.Contacts) {
		parts := strings.Split(line, ";")
		for len(parts) < 4 {
			parts = append(parts, "")
		}
		c := vigil.VendorContact{Name: strings.TrimSpace(parts[0]), Role: strings.TrimSpace(parts[1]), Email: strings.TrimSpace(parts[2]), Phone: strings.TrimSpace(strings.Join(parts[3:], ";"))}
		v.Contacts = append(v.Contacts, c)
	}
	for n, line := range lines(f.Endpoints) {
		fs := strings.Fields(line)
		if len(fs) < 2 {
			return nil, vigil.Errorf(vigil.EINVALID, "endpoint line %d: write the kind (address, host, tls-name or cert-org), then the value", n+1)
		}
		e := vigil.VendorEndpoint{Kind: vigil.EndpointKind(fs[0]), Value: fs[1], Tool: strings.Join(fs[2:], " ")}
		if e.Kind == vigil.EndpointCertOrg { // an organisation's name has spaces; no tool then
			e.Value, e.Tool = strings.TrimSpace(strings.TrimPrefix(line, fs[0])), ""
		}
		v.Endpoints = append(v.Endpoints, e)
	}
	return v, nil
}

// lines returns the non-blank lines of s, trimmed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// listOf splits names on line breaks and semicolons, not commas.
func listOf(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' })
}

// importVendors reads an uploaded vendor list (CSV or XLSX) through the
// service; a refused file shows the register with the row that failed.
func (s *Server) importVendors(w http.ResponseWriter, r *http.Request) error {
	f, list, err := s.readUpload(r)
	var res *vendors.ImportResult
	if err == nil {
		defer f.Close()
		res, err = s.vend.ImportList(r.Context(), userFrom(r.Context()), list)
	}
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ECONFLICT {
		return s.renderVendors(w, r, http.StatusBadRequest, &vendorsPage{ImportErr: vigil.ErrorMessage(err)})
	} else if err != nil {
		return err
	}
	s.redirectFlash(w, r, "/vendors", flashVendorsIn, []int{res.Added, res.Updated})
	return nil
}

// readUpload opens the multipart file "file" (a vendor list, a contract
// register, an end-of-life list or an MDS2 form) where the form's parser
// left it, in memory or on disk, to be read in place under the server's
// import limits (vigil serve --max-*). The caller closes the file.
func (s *Server) readUpload(r *http.Request) (multipart.File, vendors.List, error) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, vendors.List{}, vigil.Errorf(vigil.EINVALID, "choose a file to upload")
	}
	return f, vendors.List{Name: hdr.Filename, R: f, Size: hdr.Size, Limits: s.cfg.ImportLimits}, nil
}

// badgeClass is the colour a standing or a tier is shown in: the verdict
// colours of the rest of the pages.
func badgeClass(standing string) string {
	switch standing {
	case baaCurrent, string(vigil.VendorTierLow):
		return "v-met"
	case baaExpiring, string(vigil.VendorTierMedium):
		return "v-partially-met"
	case baaExpired, baaMissing, string(vigil.VendorTierHigh):
		return "v-not-met"
	}
	return ""
}

// BAAClass is the badge colour of the row's agreement: a vendor that
// touches no ePHI needs none, so its missing BAA is not shown as a fault.
func (r vendorRow) BAAClass() string {
	if r.BAAStatus == baaMissing && r.Risk.EPHI == 0 {
		return ""
	}
	return badgeClass(r.BAAStatus)
}

// TierClass is the badge colour of the row's risk tier.
func (r vendorRow) TierClass() string { return badgeClass(string(r.Risk.Tier)) }

// agreementsShown is how many gaps the dashboard's panel lists.
const agreementsShown = 10

// gapRow is a missing, expired or expiring agreement or certification.
type gapRow struct {
	oversight.Gap
	URL string
}

// Class is the badge colour of the gap's status.
func (g gapRow) Class() string { return badgeClass(string(g.Status)) }

// agreementsPanel is the dashboard's "Vendor agreements" panel.
type agreementsPanel struct {
	Count int
	Rows  []gapRow // the most urgent agreementsShown
}

// agreements returns the panel: the gaps within agreementWindow.
func (s *Server) agreements(r *http.Request) (agreementsPanel, error) {
	gaps, err := s.vend.Expiring(r.Context(), agreementWindow)
	if err != nil {
		return agreementsPanel{}, err
	}
	p := agreementsPanel{Count: len(gaps)}
	for _, g := range gaps[:min(len(gaps), agreementsShown)] {
		p.Rows = append(p.Rows, gapRow{Gap: g, URL: vendorURL(g.VendorID)})
	}
	return p, nil
}

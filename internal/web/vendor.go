package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vendors"
)

// vendorDevicesShown is how many of a vendor's devices its page lists.
const vendorDevicesShown = 300

// baaRow is one version of an agreement as the vendor page lists it.
type baaRow struct {
	*vigil.BAA
	Status string // the newest version's standing; "superseded" for the others
}

// certRow is a certification with where it stands.
type certRow struct {
	*vigil.Certification
	Status string // current, expiring or expired
}

// baaForm is the new-agreement form, with what was typed when refused.
type baaForm struct {
	Signed, Effective, Expires, Renewal, Services, Data string
	Error                                               string
}

// certForm is the new-certification form.
type certForm struct {
	Kind, Name, Issuer, Scope, From, To, Expires string
	Error                                        string
}

type vendorPage struct {
	pageBase
	Vendor      *vigil.Vendor
	Risk        vigil.VendorRisk
	Devices     []*vigil.Device // at most vendorDevicesShown
	DeviceCount int
	BAAs        []baaRow // newest first
	BAAStatus   string
	Certs       []certRow
	Forms       []*vigil.MDS2Form // the forms on file for its models
	CertKinds   []vigil.CertKind
	BAAForm     baaForm
	CertForm    certForm
	NoEvidence  bool // no evidence directory: uploads are refused
}

func (s *Server) vendorPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderVendor(w, r, http.StatusOK, &vendorPage{})
}

// pathVendor returns the profile of the vendor the path's {id} names.
func (s *Server) pathVendor(r *http.Request) (*vendors.Profile, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no such vendor")
	}
	return s.vend.Show(r.Context(), strconv.FormatInt(id, 10))
}

func (s *Server) renderVendor(w http.ResponseWriter, r *http.Request, status int, p *vendorPage) error {
	pr, err := s.pathVendor(r)
	if err != nil {
		return err
	}
	forms, err := s.vend.MDS2Forms(r.Context(), false)
	if err != nil {
		return err
	}
	now := s.db.Now()
	p.pageBase = pageBase{Title: pr.Vendor.Name, Nav: "vendors"}
	p.Vendor, p.Risk, p.DeviceCount, p.CertKinds, p.NoEvidence = pr.Vendor, pr.Risk, len(pr.Devices), vigil.CertKinds, s.ev == nil
	p.Devices = pr.Devices[:min(len(pr.Devices), vendorDevicesShown)]
	var newest *vigil.BAA
	for i, b := range slices.Backward(pr.BAAs) {
		row := baaRow{BAA: b, Status: "superseded"}
		if i == len(pr.BAAs)-1 {
			newest, row.Status = b, baaStatus(b, now)
		}
		p.BAAs = append(p.BAAs, row)
	}
	p.BAAStatus = baaStatus(newest, now)
	for _, c := range pr.Certifications {
		p.Certs = append(p.Certs, certRow{Certification: c, Status: dueStatus(c.Expires, now)})
	}
	models := map[string]bool{}
	for _, m := range pr.Vendor.Models {
		models[vigil.MDS2ModelKey(m)] = true
	}
	for _, f := range forms {
		if pr.Vendor.Makes(f.Manufacturer) || models[vigil.MDS2ModelKey(f.Model)] {
			p.Forms = append(p.Forms, f)
		}
	}
	s.render(w, r, status, "vendor", p)
	return nil
}

// dueStatus says whether a date has passed at now (expired), falls within
// agreementWindow (expiring) or later (current).
func dueStatus(due, now time.Time) string {
	return baaStatus(&vigil.BAA{Expires: due}, now)
}

// addBAA records a new version of the vendor's agreement, with the signed
// copy stored as evidence when one is uploaded.
func (s *Server) addBAA(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.pathVendor(r)
	if err != nil {
		return err
	}
	f := baaForm{Signed: r.PostFormValue("signed"), Effective: r.PostFormValue("effective"), Expires: r.PostFormValue("expires"),
		Renewal: r.PostFormValue("renewal"), Services: r.PostFormValue("services"), Data: r.PostFormValue("data")}
	_, err = s.storeBAA(r, pr.Vendor, f)
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ENOTFOUND || code == vigil.EUNAVAILABLE {
		f.Error = vigil.ErrorMessage(err)
		return s.renderVendor(w, r, http.StatusBadRequest, &vendorPage{BAAForm: f})
	} else if err != nil {
		return err
	}
	s.redirectFlash(w, r, vendorURL(pr.Vendor.ID)+"#baas", flashBAA, nil, pr.Vendor.Name)
	return nil
}

// storeBAA reads the agreement the form describes, checks it, stores the
// uploaded signed copy (if any) as evidence and records the agreement.
func (s *Server) storeBAA(r *http.Request, v *vigil.Vendor, f baaForm) (*vigil.BAA, error) {
	b := &vigil.BAA{VendorID: v.ID, Services: listOf(f.Services), Data: listOf(f.Data)}
	err := formDays(dayField{"signed", f.Signed, &b.Signed}, dayField{"effective", f.Effective, &b.Effective},
		dayField{"expires", f.Expires, &b.Expires}, dayField{"renewal", f.Renewal, &b.Renewal})
	if err != nil {
		return nil, err
	}
	if err := b.Validate(); err != nil { // before the upload is stored
		return nil, err
	}
	meta := &vigil.Evidence{Title: "Business associate agreement: " + v.Name + " (signed " + b.Signed.Format(time.DateOnly) + ")",
		Areas:         []vigil.EvidenceArea{vigil.EvidenceAreaVendorManagement},
		Controls:      []vigil.ControlRef{{Framework: "hipaa", Control: "164.308(b)(1)"}, {Framework: "hipaa", Control: "164.314(a)(1)"}},
		EffectiveFrom: b.Effective, EffectiveTo: b.Due(), ExpiresAt: b.Due()}
	if b.EvidenceID, err = s.attachEvidence(r, meta); err != nil {
		return nil, err
	}
	return b, s.vend.AddBAA(r.Context(), userFrom(r.Context()), b)
}

// addCertification records a certification of the vendor, with its report
// stored as evidence when one is uploaded.
func (s *Server) addCertification(w http.ResponseWriter, r *http.Request) error {
	pr, err := s.pathVendor(r)
	if err != nil {
		return err
	}
	f := certForm{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), Issuer: r.PostFormValue("issuer"), Scope: r.PostFormValue("scope"),
		From: r.PostFormValue("from"), To: r.PostFormValue("to"), Expires: r.PostFormValue("expires")}
	_, err = s.storeCertification(r, pr.Vendor, f)
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ENOTFOUND || code == vigil.EUNAVAILABLE {
		f.Error = vigil.ErrorMessage(err)
		return s.renderVendor(w, r, http.StatusBadRequest, &vendorPage{CertForm: f})
	} else if err != nil {
		return err
	}
	s.redirectFlash(w, r, vendorURL(pr.Vendor.ID)+"#certifications", flashCertification, nil, pr.Vendor.Name)
	return nil
}

// storeCertification is storeBAA for a certification and its report.
func (s *Server) storeCertification(r *http.Request, v *vigil.Vendor, f certForm) (*vigil.Certification, error) {
	c := &vigil.Certification{VendorID: v.ID, Kind: vigil.CertKind(f.Kind), Name: f.Name, Issuer: f.Issuer, Scope: strings.TrimSpace(f.Scope)}
	err := formDays(dayField{"period start", f.From, &c.PeriodStart}, dayField{"period end", f.To, &c.PeriodEnd}, dayField{"expires", f.Expires, &c.Expires})
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	label := string(c.Kind)
	if c.Name != "" {
		label = c.Name
	}
	meta := &vigil.Evidence{Title: "Security certification: " + v.Name + " " + label + " (" + c.Issuer + ")",
		Areas:         []vigil.EvidenceArea{vigil.EvidenceAreaVendorManagement},
		Controls:      []vigil.ControlRef{{Framework: "csf2", Control: "GV.SC-07"}},
		EffectiveFrom: c.PeriodStart, EffectiveTo: c.PeriodEnd, ExpiresAt: c.Expires}
	if c.EvidenceID, err = s.attachEvidence(r, meta); err != nil {
		return nil, err
	}
	return c, s.vend.AddCertification(r.Context(), userFrom(r.Context()), c)
}

// dayField is a form's optional date (2006-01-02) and where it goes.
type dayField struct {
	name, value string
	to          *time.Time
}

// formDays reads the dates: an empty one is zero.
func formDays(fields ...dayField) error {
	for _, f := range fields {
		if strings.TrimSpace(f.value) == "" {
			continue
		}
		t, err := vigil.ParseDate(f.value)
		if err != nil {
			return vigil.Errorf(vigil.EINVALID, "%s: %q is not a date (2006-01-02)", f.name, f.value)
		}
		*f.to = t
	}
	return nil
}

// attachEvidence stores the request's multipart file "file", when it has
// one, as evidence described by meta, and returns its id: 0 without a file.
func (s *Server) attachEvidence(r *http.Request, meta *vigil.Evidence) (int64, error) {
	file, hdr, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return 0, nil
	} else if err != nil {
		return 0, vigil.Errorf(vigil.EINVALID, "the upload could not be read")
	}
	defer file.Close()
	ev, err := s.evidenceService()
	if err != nil {
		return 0, err
	}
	meta.FileName, meta.MediaType = hdr.Filename, hdr.Header.Get("Content-Type")
	if meta.MediaType == "application/octet-stream" {
		meta.MediaType = "" // the browser did not know: sniffed instead
	}
	e, err := ev.Add(r.Context(), userFrom(r.Context()), meta, file)
	if err != nil {
		return 0, err
	}
	return e.ID, nil
}

// Class is the badge colour of the version's standing.
func (r baaRow) Class() string { return badgeClass(r.Status) }

// Class is the badge colour of the certification's standing.
func (r certRow) Class() string { return badgeClass(r.Status) }

// TierClass is the badge colour of the vendor's risk tier.
func (p *vendorPage) TierClass() string { return badgeClass(string(p.Risk.Tier)) }

// BAAClass is the badge colour of the vendor's current agreement.
func (p *vendorPage) BAAClass() string { return badgeClass(p.BAAStatus) }

package web

import (
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/vendors"
)

// mds2Fact is one of the eight facts the checks read of a form.
type mds2Fact struct {
	Label    string
	Question string // the question id it is the answer of
	Answer   vigil.MDS2Answer
}

// mds2Facts lists a form's facts in the order the pages show them.
func mds2Facts(f vigil.MDS2Facts) []mds2Fact {
	return []mds2Fact{
		{"Encrypts data at rest", vigil.MDS2QEncryptsAtRest, f.EncryptsAtRest},
		{"Encrypts in transit", vigil.MDS2QEncryptsInTransit, f.EncryptsInTransit},
		{"Unique user authentication", vigil.MDS2QUniqueUserAuth, f.UniqueUserAuth},
		{"Audit logging", vigil.MDS2QAuditLogging, f.AuditLogging},
		{"Remote service", vigil.MDS2QRemoteService, f.RemoteService},
		{"Malware protection", vigil.MDS2QMalwareProtection, f.MalwareProtection},
		{"SBOM available", vigil.MDS2QSBOMAvailable, f.SBOMAvailable},
		{"Patch support", vigil.MDS2QPatchSupport, f.PatchSupport},
	}
}

// mds2Row is a form as the listing shows it.
type mds2Row struct {
	*vigil.MDS2Form
	URL   string
	Facts []mds2Fact
}

// mds2ImportForm is the import form, with what was typed when refused.
type mds2ImportForm struct {
	Manufacturer, Model string
	Error               string
}

type mds2ListPage struct {
	pageBase
	Rows  []mds2Row
	Heads []mds2Fact // the facts' labels, for the table's head
	All   bool       // every version, not only the newest of each model
	Form  mds2ImportForm
}

func (s *Server) mds2Page(w http.ResponseWriter, r *http.Request) error {
	return s.renderMDS2List(w, r, http.StatusOK, mds2ImportForm{})
}

func (s *Server) renderMDS2List(w http.ResponseWriter, r *http.Request, status int, form mds2ImportForm) error {
	all := r.URL.Query().Get("all") == "true"
	forms, err := s.vend.MDS2Forms(r.Context(), all)
	if err != nil {
		return err
	}
	p := &mds2ListPage{pageBase: pageBase{Title: "MDS2 forms", Nav: "vendors"}, All: all, Form: form, Heads: mds2Facts(vigil.MDS2Facts{})}
	for _, f := range forms {
		p.Rows = append(p.Rows, mds2Row{MDS2Form: f, URL: mds2URL(f.ID), Facts: mds2Facts(f.Facts)})
	}
	s.render(w, r, status, "mds2", p)
	return nil
}

func mds2URL(id int64) string { return "/mds2/" + strconv.FormatInt(id, 10) }

type mds2FormPage struct {
	pageBase
	Form  *vigil.MDS2Form
	Facts []mds2Fact
}

func (s *Server) mds2FormPage(w http.ResponseWriter, r *http.Request) error {
	f, err := s.pathMDS2(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "mds2_form", &mds2FormPage{pageBase: pageBase{Title: "MDS2 " + f.Manufacturer + " " + f.Model, Nav: "vendors"},
		Form: f, Facts: mds2Facts(f.Facts)})
	return nil
}

// pathMDS2 returns the form the path's {id} names, with its questions.
func (s *Server) pathMDS2(r *http.Request) (*vigil.MDS2Form, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no such MDS2 form")
	}
	return s.vend.MDS2Form(r.Context(), id)
}

// importMDS2 imports an uploaded form; a refused one shows the listing
// with the reason, which names the row that did not fit.
func (s *Server) importMDS2(w http.ResponseWriter, r *http.Request) error {
	form := mds2ImportForm{Manufacturer: r.PostFormValue("manufacturer"), Model: r.PostFormValue("model")}
	f, err := s.storeMDS2(r, form)
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ECONFLICT {
		form.Error = vigil.ErrorMessage(err)
		return s.renderMDS2List(w, r, http.StatusBadRequest, form)
	} else if err != nil {
		return err
	}
	s.redirectFlash(w, r, mds2URL(f.ID), flashMDS2, nil, f.Manufacturer, f.Model)
	return nil
}

// storeMDS2 imports the multipart file "file" as an MDS2 form.
func (s *Server) storeMDS2(r *http.Request, form mds2ImportForm) (*vigil.MDS2Form, error) {
	f, list, err := s.readUpload(r)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return s.vend.ImportMDS2(r.Context(), userFrom(r.Context()), list.Name, f,
		vendors.MDS2Import{Manufacturer: form.Manufacturer, Model: form.Model, Limits: list.Limits})
}

// deviceOversight is what the device page shows of vendor oversight: the
// MDS2 form in force for the device's manufacturer and model (nil when
// none is on file) and the vendors that make or service it.
type deviceOversight struct {
	MDS2      *vigil.MDS2Form
	MDS2Facts []mds2Fact
	Vendors   []*vigil.Vendor
}

func (s *Server) deviceOversight(r *http.Request, d *vigil.Device) (deviceOversight, error) {
	var out deviceOversight
	f, err := s.vend.MDS2For(r.Context(), d.Manufacturer, d.Model)
	if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
		return out, err
	}
	if f != nil {
		out.MDS2, out.MDS2Facts = f, mds2Facts(f.Facts)
	}
	all, err := s.db.FindVendors(r.Context())
	if err != nil {
		return out, err
	}
	for _, v := range all {
		if len(oversight.DevicesOf(v, []*vigil.Device{d})) > 0 {
			out.Vendors = append(out.Vendors, v)
		}
	}
	return out, nil
}

package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

// apiMDS2Forms lists the MDS2 forms on file without their questions: the
// newest version of each manufacturer and model, every version with
// ?all=true.
func (s *Server) apiMDS2Forms(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[*vigil.MDS2Form](r, maxLimit, nil)
	if err != nil {
		return err
	}
	forms, err := s.vend.MDS2Forms(r.Context(), r.URL.Query().Get("all") == "true")
	if err != nil {
		return err
	}
	writeRows(w, "forms", forms, p, nil, nil)
	return nil
}

// apiMDS2Form is one form with every question, in file order.
func (s *Server) apiMDS2Form(w http.ResponseWriter, r *http.Request) error {
	f, err := s.pathMDS2(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

// apiImportMDS2 imports the MDS2 form (XLSX or CSV, 2019 layout) in the
// multipart file "file"; manufacturer and model, when given, replace the
// form's DOC-1 and DOC-3. It answers 201 with the form stored; a form that
// does not fit is refused (400) naming the row.
func (s *Server) apiImportMDS2(w http.ResponseWriter, r *http.Request) error {
	f, err := s.storeMDS2(r, mds2ImportForm{Manufacturer: r.FormValue("manufacturer"), Model: r.FormValue("model")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, f)
	return nil
}

package web

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/evidence"
)

// evidencePageSize is how many pieces of evidence a listing shows.
const evidencePageSize = 50

// evidenceRow is a piece of evidence as the listings show it.
type evidenceRow struct {
	*vigil.Evidence
	URL   string
	Stale bool
}

func newEvidenceRows(list []*vigil.Evidence, now time.Time) []evidenceRow {
	out := make([]evidenceRow, len(list))
	for i, e := range list {
		out[i] = evidenceRow{Evidence: e, URL: "/evidence/" + strconv.FormatInt(e.ID, 10), Stale: e.Stale(now)}
	}
	return out
}

// evidenceForm is the upload form, with what was typed when it was refused.
type evidenceForm struct {
	Title, Controls, Devices, Effective, Expires string
	Areas                                        []vigil.EvidenceArea // every area, to choose from
	Area                                         string
	Supersedes                                   int64 // a new version of this evidence
	Error                                        string
}

type evidenceListPage struct {
	pageBase
	Rows    []evidenceRow
	Area    string // the area chosen, "" for all
	Control string // the control chosen, framework:control
	Chips   []kindChip
	Form    evidenceForm
	List    listView
}

// evidenceColumns are the evidence list's columns.
var evidenceColumns = []column[evidenceRow]{
	{Key: "title", Title: "Title", Text: func(e evidenceRow) string { return e.Title }, Cmp: byString(func(e evidenceRow) string { return e.Title })},
	{Key: "areas", Title: "Areas", Text: func(e evidenceRow) string { return joinStrings(e.Areas) }, Cmp: byString(func(e evidenceRow) string { return joinStrings(e.Areas) })},
	{Key: "controls", Title: "Controls", Text: func(e evidenceRow) string { return joinStrings(e.Controls) }},
	{Key: "effective", Title: "Effective", Text: func(e evidenceRow) string { return e.EffectiveFrom.UTC().Format("2006-01-02") },
		Cmp: func(a, b evidenceRow) int { return a.EffectiveFrom.Compare(b.EffectiveFrom) }},
	{Key: "collected", Title: "Collected", Text: func(e evidenceRow) string { return e.CollectedAt.UTC().Format("2006-01-02") },
		Cmp: func(a, b evidenceRow) int { return a.CollectedAt.Compare(b.CollectedAt) }},
	{Key: "added_by", Title: "Added by", Text: func(e evidenceRow) string { return e.AddedBy }, Cmp: byString(func(e evidenceRow) string { return e.AddedBy })},
}

// joinStrings joins the text of a list of values with spaces.
func joinStrings[T any](vs []T) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, " ")
}

// evidenceRows reads every item the filter selects (evidence lists are
// short), sorts them as p asks and returns them all with the page's.
func (s *Server) evidenceRows(r *http.Request, f vigil.EvidenceFilter, p listParams) (all, page []evidenceRow, err error) {
	ev, err := s.evidenceService()
	if err != nil {
		return nil, nil, err
	}
	f.Limit, f.Offset = 0, 0
	list, err := ev.List(r.Context(), f)
	if err != nil {
		return nil, nil, err
	}
	all = newEvidenceRows(list, s.db.Now())
	sortRows(all, p, evidenceColumns)
	return all, pageRows(all, p), nil
}

// evidenceService is the evidence service, or why there is none.
func (s *Server) evidenceService() (*evidence.Service, error) {
	if s.ev == nil {
		return nil, vigil.Errorf(vigil.EUNAVAILABLE, "no evidence directory is configured: start vigil with --evidence-dir or VIGIL_EVIDENCE_DIR")
	}
	return s.ev, nil
}

func (s *Server) evidencePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderEvidenceList(w, r, http.StatusOK, evidenceForm{})
}

func (s *Server) renderEvidenceList(w http.ResponseWriter, r *http.Request, status int, form evidenceForm) error {
	q := r.URL.Query()
	f, lp, err := evidenceFilter(q, evidencePageSize)
	if err != nil {
		return err
	}
	all, rows, err := s.evidenceRows(r, f, lp)
	if err != nil {
		return err
	}
	if lp.Format != "" {
		return export(w, lp.Format, "evidence", all, evidenceColumns)
	}
	p := &evidenceListPage{pageBase: pageBase{Title: "Evidence", Nav: "evidence"}, Area: string(f.Area), Control: q.Get("control"),
		Rows: rows, List: newListView(r, lp, len(all), evidenceColumns)}
	p.Chips = append(p.Chips, kindChip{Label: "all areas", URL: "/evidence", On: f.Area == ""})
	for _, a := range vigil.EvidenceAreas {
		p.Chips = append(p.Chips, kindChip{Label: string(a), URL: "/evidence?area=" + url.QueryEscape(string(a)), On: f.Area == a})
	}
	form.Areas = vigil.EvidenceAreas
	p.Form = form
	s.render(w, r, status, "evidence", p)
	return nil
}

// evidenceFilter reads ?area=, ?control=framework:control, ?device=ID,
// ?all_versions=true and the page of a listing.
func evidenceFilter(q url.Values, size int) (f vigil.EvidenceFilter, p listParams, err error) {
	if p, err = readList(q, size, evidenceColumns); err != nil {
		return f, p, err
	}
	f = vigil.EvidenceFilter{Area: vigil.EvidenceArea(q.Get("area")), AllVersions: q.Get("all_versions") == "true"}
	if f.Area != "" && !f.Area.Valid() {
		return f, p, vigil.Errorf(vigil.EINVALID, "unknown area %q", f.Area)
	}
	if c := q.Get("control"); c != "" {
		ref, err := vigil.ParseControlRef(c)
		if err != nil {
			return f, p, err
		}
		f.Control = &ref
	}
	if d := q.Get("device"); d != "" {
		if f.DeviceID, err = strconv.ParseInt(d, 10, 64); err != nil {
			return f, p, vigil.Errorf(vigil.EINVALID, "device must be a device id")
		}
	}
	return f, p, nil
}

func pageURL(r *http.Request, page int) string {
	q := r.URL.Query()
	q.Set("page", strconv.Itoa(page))
	return r.URL.Path + "?" + q.Encode()
}

type evidenceItemPage struct {
	pageBase
	Item     evidenceRow
	Versions []evidenceRow
	Latest   bool
	Form     evidenceForm // the new-version form
	Retained time.Time
	Devs     map[int64]deviceRef // the devices it names, in context
}

func (s *Server) evidenceItemPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderEvidenceItem(w, r, http.StatusOK, evidenceForm{})
}

func (s *Server) renderEvidenceItem(w http.ResponseWriter, r *http.Request, status int, form evidenceForm) error {
	e, vs, err := s.evidenceVersions(r)
	if err != nil {
		return err
	}
	id, now := e.ID, s.db.Now()
	form.Areas, form.Supersedes = vigil.EvidenceAreas, id
	p := &evidenceItemPage{pageBase: pageBase{Title: e.Title, Nav: "evidence"}, Item: newEvidenceRows([]*vigil.Evidence{e}, now)[0],
		Versions: newEvidenceRows(vs, now), Latest: vs[len(vs)-1].ID == id, Form: form, Retained: e.RetainedUntil()}
	if p.Devs, err = s.nameDevices(r, len(e.Devices), func(i int) (int64, string) { return e.Devices[i], "" }); err != nil {
		return err
	}
	s.render(w, r, status, "evidence_item", p)
	return nil
}

// evidenceVersions returns the evidence in the path and all its versions.
func (s *Server) evidenceVersions(r *http.Request) (*vigil.Evidence, []*vigil.Evidence, error) {
	ev, id, err := s.evidenceTarget(r)
	if err != nil {
		return nil, nil, err
	}
	e, err := ev.Get(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	vs, err := ev.Versions(r.Context(), id)
	return e, vs, err
}

// evidenceTarget returns the evidence service and the id in the path.
func (s *Server) evidenceTarget(r *http.Request) (*evidence.Service, int64, error) {
	ev, err := s.evidenceService()
	if err != nil {
		return nil, 0, err
	}
	id, err := evidencePathID(r)
	return ev, id, err
}

func evidencePathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, vigil.Errorf(vigil.ENOTFOUND, "no such evidence")
	}
	return id, nil
}

// uploadEvidence stores the form's file as evidence, or as a new version of
// the evidence in the path; a refused upload shows the form again.
func (s *Server) uploadEvidence(w http.ResponseWriter, r *http.Request) error {
	ev, err := s.evidenceService()
	if err != nil {
		return err
	}
	form := evidenceForm{Title: r.PostFormValue("title"), Controls: r.PostFormValue("controls"), Devices: r.PostFormValue("devices"),
		Effective: r.PostFormValue("effective"), Expires: r.PostFormValue("expires"), Area: r.PostFormValue("area")}
	var prev int64
	if r.PathValue("id") != "" {
		if prev, err = evidencePathID(r); err != nil {
			return err
		}
	}
	e, err := s.storeUpload(r, ev, prev, form)
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ENOTFOUND || code == vigil.ECONFLICT {
		form.Error = vigil.ErrorMessage(err)
		if prev != 0 {
			return s.renderEvidenceItem(w, r, http.StatusBadRequest, form)
		}
		return s.renderEvidenceList(w, r, http.StatusBadRequest, form)
	} else if err != nil {
		return err
	}
	s.redirectFlash(w, r, "/evidence/"+strconv.FormatInt(e.ID, 10), flashEvidenceAdded, []int{e.Version}, e.Title)
	return nil
}

// storeUpload reads the metadata of form and the multipart file "file" and
// stores them, as a new version of prev when it is not 0. The file is held
// to the server's --max-file-bytes as it streams into the blob store (New
// gives the evidence service the server's limits; the form around it was
// held to them as it was read: checkFormLimits).
func (s *Server) storeUpload(r *http.Request, ev *evidence.Service, prev int64, form evidenceForm) (*vigil.Evidence, error) {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "choose a file to upload")
	}
	defer file.Close()
	meta, err := evidenceMeta(form, hdr)
	if err != nil {
		return nil, err
	}
	if prev != 0 {
		return ev.NewVersion(r.Context(), userFrom(r.Context()), prev, meta, file)
	}
	return ev.Add(r.Context(), userFrom(r.Context()), meta, file)
}

// evidenceMeta reads the typed metadata: controls as framework:control and
// device ids separated by spaces or commas, the period as FROM[..TO].
func evidenceMeta(form evidenceForm, hdr *multipart.FileHeader) (*vigil.Evidence, error) {
	meta := &vigil.Evidence{Title: form.Title, FileName: hdr.Filename, MediaType: hdr.Header.Get("Content-Type")}
	if meta.MediaType == "application/octet-stream" {
		meta.MediaType = "" // the browser did not know: sniffed instead
	}
	for _, c := range fieldsOf(form.Controls) {
		ref, err := vigil.ParseControlRef(c)
		if err != nil {
			return nil, err
		}
		meta.Controls = append(meta.Controls, ref)
	}
	for _, d := range fieldsOf(form.Devices) {
		id, err := strconv.ParseInt(d, 10, 64)
		if err != nil {
			return nil, vigil.Errorf(vigil.EINVALID, "device %q is not a device id", d)
		}
		meta.Devices = append(meta.Devices, id)
	}
	if form.Area != "" {
		meta.Areas = []vigil.EvidenceArea{vigil.EvidenceArea(form.Area)}
	}
	var err error
	if strings.TrimSpace(form.Effective) != "" {
		if meta.EffectiveFrom, meta.EffectiveTo, err = vigil.ParsePeriod(form.Effective); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(form.Expires) != "" {
		if meta.ExpiresAt, err = vigil.ParseDate(form.Expires); err != nil {
			return nil, err
		}
	}
	return meta, nil
}

func fieldsOf(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
}

// evidenceContent downloads the file, after hashing it again: a changed or
// missing file is refused.
func (s *Server) evidenceContent(w http.ResponseWriter, r *http.Request) error {
	ev, id, err := s.evidenceTarget(r)
	if err != nil {
		return err
	}
	e, f, err := ev.Open(r.Context(), id)
	if err != nil {
		return err
	}
	defer f.Close()
	name := e.FileName
	if name == "" {
		name = "evidence-" + strconv.FormatInt(e.ID, 10)
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream") // never rendered by the browser in Vigil's origin
	h.Set("Content-Disposition", `attachment; filename="`+strings.NewReplacer(`"`, "", `\`, "", "\r", "", "\n", "").Replace(name)+`"`)
	h.Set("Content-Length", strconv.FormatInt(e.Size, 10))
	h.Set("X-Content-SHA256", e.Key)
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	io.Copy(w, f)
	return nil
}

// deleteEvidence deletes one version (admins only; within the retention
// period only forced, with a reason).
func (s *Server) deleteEvidence(w http.ResponseWriter, r *http.Request) error {
	ev, id, err := s.evidenceTarget(r)
	if err != nil {
		return err
	}
	force := r.PostFormValue("force") == "on" || r.PostFormValue("force") == "true"
	if err := ev.Delete(r.Context(), userFrom(r.Context()), id, force, r.PostFormValue("reason")); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/evidence", flashEvidenceGone, []int{int(id)})
	return nil
}

// evidenceIDs reads evidence ids separated by spaces or commas.
func evidenceIDs(s string) ([]int64, error) {
	var out []int64
	for _, f := range fieldsOf(s) {
		id, err := strconv.ParseInt(strings.TrimPrefix(f, "#"), 10, 64)
		if err != nil || id <= 0 {
			return nil, vigil.Errorf(vigil.EINVALID, "%q is not an evidence id", f)
		}
		out = append(out, id)
	}
	return out, nil
}

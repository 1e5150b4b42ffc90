package web

import (
	"cmp"
	"errors"
	"net/http"
	"regexp"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/compliance"
)

// checkPage is the check editor: a stored check (or a new one), the file
// as typed, and what saving or testing it said.
type checkPage struct {
	pageBase
	New     bool
	ID      string
	Current *checkSummary // nil for a new check
	Source  string
	Action  string // where the editor saves: /checks or /checks/{id}
	Refusal *refusal
	Test    *checkTest
	History []*vigil.CheckVersion // newest first
}

// refusal is a file the parser refused, with the lines around the fault.
type refusal struct {
	Message string
	Line    int // 0 when the error names no line
	Column  int
	Excerpt []sourceLine
}

type sourceLine struct {
	N     int
	Text  string
	Bad   bool
	Caret string // under the faulty line: spaces, then ^ at the column
}

// checkTest is a check run against the current inventory, unsaved.
type checkTest struct {
	Title                                 string
	Passed, Failed, NotApplicable, Errors int
	Failing                               []compliance.DeviceResult // fail and error, at most testShown
	Devs                                  map[int64]deviceRef       // the failing devices, named in context
	More                                  int                       // failures not listed
}

const testShown = 200

// newCheckSource is what /checks/new starts from.
const newCheckSource = `id: my-check
title: What every device must satisfy
controls:
  - {framework: csf2, control: ID.AM-01}
applies_to: ""
expr: |
  device.owner != ""
reason: |
  "no owner recorded"
reads: [device]
severity: medium
remediation: Record the device's owner.
`

func (s *Server) newCheckPage(w http.ResponseWriter, r *http.Request) error {
	s.renderCheck(w, r, http.StatusOK, &checkPage{New: true, Source: newCheckSource})
	return nil
}

func (s *Server) checkPage(w http.ResponseWriter, r *http.Request) error {
	p := &checkPage{ID: r.PathValue("id")}
	if err := s.loadCheck(r, p); err != nil {
		return err
	}
	p.Source = p.History[0].Source
	s.renderCheck(w, r, http.StatusOK, p)
	return nil
}

// loadCheck fills the stored check's current version and history; a new
// check (p.New) has none.
func (s *Server) loadCheck(r *http.Request, p *checkPage) error {
	if p.New {
		return nil
	}
	hist, err := s.db.CheckHistory(r.Context(), p.ID)
	if err != nil {
		return err
	} else if len(hist) == 0 {
		return vigil.Errorf(vigil.ENOTFOUND, "no check %q", p.ID)
	}
	for i, j := 0, len(hist)-1; i < j; i, j = i+1, j-1 {
		hist[i], hist[j] = hist[j], hist[i]
	}
	cur := summarize(hist[0])
	p.Current, p.History = &cur, hist
	return nil
}

func (s *Server) renderCheck(w http.ResponseWriter, r *http.Request, status int, p *checkPage) {
	p.pageBase = pageBase{Title: "Check " + p.ID, Nav: "checks"}
	p.Action = "/checks/" + p.ID
	if p.New {
		p.Title, p.Action = "New check", "/checks"
	}
	s.render(w, r, status, "check", p)
}

// saveCheck stores the form's file as a new version of the check (or a new
// check at POST /checks). A refused file comes back in the editor with the
// fault's line.
func (s *Server) saveCheck(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editorForm(r)
	if err != nil {
		return err
	}
	enabled := p.New || p.Current.Enabled
	v, err := s.comp.SaveCheck(r.Context(), userFrom(r.Context()), fileName(p), []byte(p.Source), enabled)
	if s.refused(w, r, p, err) {
		return nil
	} else if err != nil {
		return err
	}
	s.redirectFlash(w, r, "/checks/"+v.ID, flashCheckSaved, nil, v.ID)
	return nil
}

// editorForm is the editor's form for the path's check: a new one at
// POST /checks and /checks/new/test.
func (s *Server) editorForm(r *http.Request) (*checkPage, error) {
	id := r.PathValue("id")
	p := &checkPage{ID: id, New: id == "" || id == "new", Source: r.PostFormValue("source")}
	return p, s.loadCheck(r, p)
}

// refused shows the editor again with the fault when err is a refused
// file, and reports whether it did.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, p *checkPage, err error) bool {
	if vigil.ErrorCode(err) != vigil.EINVALID {
		return false
	}
	p.Refusal = newRefusal(err, p.Source)
	s.renderCheck(w, r, http.StatusBadRequest, p)
	return true
}

// testCheck runs the form's file against the inventory without saving it
// and shows the editor with the counts and the failing devices.
func (s *Server) testCheck(w http.ResponseWriter, r *http.Request) error {
	p, err := s.editorForm(r)
	if err != nil {
		return err
	}
	c, results, err := s.comp.TestCheck(r.Context(), fileName(p), []byte(p.Source))
	if s.refused(w, r, p, err) {
		return nil
	} else if err != nil {
		return err
	}
	p.Test = tally(c, results)
	f := p.Test.Failing
	if p.Test.Devs, err = s.nameDevices(r, len(f), func(i int) (int64, string) { return f[i].DeviceID, cmp.Or(f[i].AssetTag, f[i].Label) }); err != nil {
		return err
	}
	s.renderCheck(w, r, http.StatusOK, p)
	return nil
}

// setCheckEnabled turns a check on or off.
func (s *Server) setCheckEnabled(w http.ResponseWriter, r *http.Request) error {
	id, on := r.PathValue("id"), r.PostFormValue("enabled") == "1"
	if _, err := s.comp.SetCheckEnabled(r.Context(), userFrom(r.Context()), id, on); err != nil {
		return err
	}
	kind := flashCheckDisabled
	if on {
		kind = flashCheckEnabled
	}
	s.redirectFlash(w, r, "/checks/"+id, kind, nil, id)
	return nil
}

// fileName is the name errors cite: the check's file, <id>.yaml.
func fileName(p *checkPage) string {
	if p.New {
		if m := idLine.FindStringSubmatch(p.Source); m != nil {
			return m[1] + ".yaml"
		}
		return "new.yaml"
	}
	return p.ID + ".yaml"
}

var idLine = regexp.MustCompile(`(?m)^id:\s*([a-z0-9-]{1,64})\s*$`)

func tally(c *checks.Check, results []compliance.DeviceResult) *checkTest {
	t := &checkTest{Title: c.Title}
	for _, res := range results {
		switch res.Status {
		case checks.StatusPass:
			t.Passed++
			continue
		case checks.StatusNotApplicable:
			t.NotApplicable++
			continue
		case checks.StatusFail:
			t.Failed++
		default:
			t.Errors++
		}
		if len(t.Failing) < testShown {
			t.Failing = append(t.Failing, res)
		} else {
			t.More++
		}
	}
	return t
}

// newRefusal reads the file, line and column a refused file's error
// names; the message is the parser's, which is safe to show (it names only
// the file the user typed).
func newRefusal(err error, source string) *refusal {
	rf := &refusal{Message: vigil.ErrorMessage(err)}
	var fe *checks.FileError
	if !errors.As(err, &fe) || fe.Line == 0 {
		return rf
	}
	rf.Line, rf.Column = fe.Line, fe.Column
	lines := strings.Split(source, "\n")
	for n := max(1, fe.Line-3); n <= min(len(lines), fe.Line+3); n++ {
		rf.Excerpt = append(rf.Excerpt, sourceLine{N: n, Text: lines[n-1], Bad: n == fe.Line})
		if n == fe.Line && fe.Column > 0 {
			rf.Excerpt = append(rf.Excerpt, sourceLine{Caret: strings.Repeat(" ", fe.Column-1) + "^"})
		}
	}
	return rf
}

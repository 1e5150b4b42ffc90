package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

// refLink is a control reference with its page.
type refLink struct {
	Ref   vigil.ControlRef
	Title string
	URL   string
}

type controlPage struct {
	pageBase
	Framework    *vigil.Framework
	Control      vigil.Control
	Parent       *refLink
	Children     []refLink
	Eval         *vigil.Evaluation        // the run shown; nil before the first
	Result       *vigil.ControlEvaluation // this control in that run
	Failing      []vigil.FailingDevice    // this page of the failures
	Devs         map[int64]deviceRef      // the failing devices, named in context
	FailingTotal int
	Devices      int // distinct failing devices
	pager
	Attestations []attestationRow // in force now
	Evidence     []evidenceRow    // the newest version of each piece naming this control
	Crosswalk    []refLink
	Form         attestForm
	AsOf         asOfForm // the verdict's date; attestations and evidence are today's
}

// failingPageSize is how many failures a control page lists.
const failingPageSize = 25

func (s *Server) controlPage(w http.ResponseWriter, r *http.Request) error {
	cat, fw, err := s.pathFramework(r)
	if err != nil {
		return err
	}
	ctl, err := cat.Control(vigil.ControlRef{Framework: fw.ID, Control: r.PathValue("control")})
	if err != nil {
		return err
	}
	pg, limit, err := pageParams(r.URL.Query(), failingPageSize)
	if err != nil {
		return err
	}
	ev, err := s.evaluationOf(r.Context(), fw.ID, r.URL.Query())
	if err != nil {
		return err
	}
	p := &controlPage{pageBase: pageBase{Title: fw.ID + " " + ctl.ID, Nav: "controls"}, Framework: fw, Control: ctl, Eval: ev,
		Form: newAttestForm(ctl.Ref(), s.db.Now())}
	p.Form.Back = "control"
	at, _ := asOfParam(r.URL.Query()) // evaluationOf has checked it
	p.AsOf = newAsOfForm(r, at)
	if ctl.Parent != "" {
		if parent, err := cat.Control(vigil.ControlRef{Framework: fw.ID, Control: ctl.Parent}); err == nil {
			p.Parent = &refLink{Ref: parent.Ref(), Title: parent.Title, URL: controlURL(parent.Ref())}
		}
	}
	for _, c := range cat.Children(ctl.Ref()) {
		p.Children = append(p.Children, refLink{Ref: c.Ref(), Title: c.Title, URL: controlURL(c.Ref())})
	}
	crosswalk := cat.Crosswalk(ctl.Ref())
	if ev != nil {
		for i := range ev.Controls {
			if ev.Controls[i].ID == ctl.ID {
				p.Result = &ev.Controls[i]
			}
		}
	}
	if p.Result != nil {
		fds := p.Result.FailingDevices
		p.FailingTotal, p.Devices = len(fds), distinctDevices(fds)
		lo := min((pg-1)*limit, len(fds))
		p.Failing = fds[lo:min(lo+limit, len(fds))]
		p.pager = pageLinks(r, pg, len(fds), limit)
		crosswalk = p.Result.Crosswalk
	}
	for _, ref := range crosswalk {
		l := refLink{Ref: ref, URL: controlURL(ref)}
		if c, err := cat.Control(ref); err == nil {
			l.Title = c.Title
		}
		p.Crosswalk = append(p.Crosswalk, l)
	}
	atts, err := s.db.FindAttestations(r.Context(), fw.ID, nil)
	if err != nil {
		return err
	}
	for _, a := range atts {
		if a.Control.Control == ctl.ID {
			p.Attestations = append(p.Attestations, newAttestationRow(a, s.db.Now()))
		}
	}
	ref := ctl.Ref()
	evs, err := s.db.FindEvidence(r.Context(), vigil.EvidenceFilter{Control: &ref, Limit: 100})
	if err != nil {
		return err
	}
	p.Evidence = newEvidenceRows(evs, s.db.Now())
	if p.Devs, err = s.nameDevices(r, len(p.Failing), func(i int) (int64, string) { return p.Failing[i].ID, p.Failing[i].AssetTag }); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "control", p)
	return nil
}

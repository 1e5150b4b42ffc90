package binder

import (
	"bufio"
	"embed"
	"html/template"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

//go:embed templates
var templateFS embed.FS

// parseTemplates parses the pages; they are embedded, so a failure is a
// bug caught by every test.
func parseTemplates() (*template.Template, error) {
	return template.ParseFS(templateFS, "templates/*.tmpl")
}

// binderView is what every page shows in its header and footer.
type binderView struct {
	Hospital, Framework, FrameworkID, Version, Source, Note string
	Proposed                                                bool
	At, RanAt                                               string
	Devices, EvidenceCount, OpenItems                       int
	AuditHead, KeyFingerprint                               string
}

type page struct {
	Title  string
	Root   string // "" at the top, "../" in controls/
	Binder *binderView
}

type indexPage struct {
	page
	Summary  []verdictCount
	Controls []controlRow
}

type verdictCount struct {
	Verdict vigil.Verdict
	Count   int
}

type controlRow struct {
	ID, Title, Page                                    string
	Depth                                              int
	Verdict                                            vigil.Verdict
	Failing, Checks, Attestations, Evidence, OpenItems int
}

type controlPage struct {
	page
	Control controlView
}

type controlView struct {
	ID, Title, Text, Basis, Token, Requirement, Tier string
	Kind                                             vigil.ControlKind
	Verdict                                          vigil.Verdict
	Failing                                          int
	Parents, Children                                []controlRow
	Checks                                           []vigil.CheckOutcome
	Attestations                                     []attestationView
	Evidence                                         []evidenceView
	Plan                                             []planView
	Crosswalk                                        []string
	FailingRows                                      bool
}

type attestationView struct {
	Owner, Date, NextDue, Notes, RecordedBy, RecordedAt string
	Answer                                              vigil.Verdict
	Overdue                                             bool
}

type evidenceView struct {
	ID, Title, FileName, Stored, Href, Collected, Effective, SHA256 string
	Devices                                                         int
	Controls                                                        []linkView
}

type linkView struct{ ID, Href string }

type planView struct {
	ID, Title, Priority, Status, Owner, Due, Control, ControlHref, Device string
	Evidence                                                              []linkView
}

type evidencePage struct {
	page
	Evidence []evidenceView
}

type planPage struct {
	page
	Plan []planView
}

// writeHTML writes style.css, index.html, a page per control, evidence.html
// and plan.html.
func writeHTML(a *archive, b *book) error {
	t, err := parseTemplates()
	if err != nil {
		return err
	}
	css, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		return err
	}
	if err := a.file("style.css", css); err != nil {
		return err
	}
	bv := b.view()
	top := page{Root: "", Binder: bv}
	idx := indexPage{page: top}
	idx.Title = bv.Framework
	sum := b.summary()
	for _, v := range vigil.Verdicts() {
		idx.Summary = append(idx.Summary, verdictCount{v, sum[v]})
	}
	for _, c := range b.controls {
		idx.Controls = append(idx.Controls, b.row(c, ""))
	}
	if err := execute(a, t, FileIndex, "index", &idx); err != nil {
		return err
	}
	for _, c := range b.controls {
		if err := b.writeControl(a, t, c); err != nil {
			return err
		}
	}
	ep := evidencePage{page: top}
	ep.Title = "Evidence"
	for i := range b.in.Evidence {
		ep.Evidence = append(ep.Evidence, b.evidenceView(&b.in.Evidence[i], ""))
	}
	if err := execute(a, t, "evidence.html", "evidence", &ep); err != nil {
		return err
	}
	pp := planPage{page: top}
	pp.Title = "Remediation plan"
	for _, p := range b.plan {
		pp.Plan = append(pp.Plan, b.planView(p, ""))
	}
	return execute(a, t, "plan.html", "plan", &pp)
}

// execute renders one template as a file of the archive.
func execute(a *archive, t *template.Template, name, tmpl string, data any) error {
	w, err := a.create(name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := t.ExecuteTemplate(bw, tmpl, data); err != nil {
		return err
	}
	return bw.Flush()
}

// writeControl writes a control's page. The failing devices, which can be
// hundreds of thousands of rows, are written row by row between the two
// halves of the template.
func (b *book) writeControl(a *archive, t *template.Template, c *controlEntry) error {
	w, err := a.create(c.Page)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	p := controlPage{page: page{Root: "../", Binder: b.view()}, Control: b.controlView(c)}
	p.Title = c.Control.ID
	if err := t.ExecuteTemplate(bw, "control-top", &p); err != nil {
		return err
	}
	if c.Eval != nil {
		for _, f := range c.Eval.FailingDevices {
			b.failingRow(bw, &f)
		}
	}
	if err := t.ExecuteTemplate(bw, "control-bottom", &p); err != nil {
		return err
	}
	return bw.Flush()
}

// failingRow writes one failing device as a table row, every value
// escaped.
func (b *book) failingRow(w *bufio.Writer, f *vigil.FailingDevice) {
	label, model, typ, loc := f.AssetTag, "", "", ""
	if d := b.devices[f.ID]; d != nil {
		if label == "" {
			label = d.Label()
		}
		model, typ, loc = join(d.Manufacturer, d.Model), d.DeviceType, d.Location
	}
	if label == "" {
		label = "device " + strconv.FormatInt(f.ID, 10)
	}
	w.WriteString("<tr><td>")
	template.HTMLEscape(w, []byte(label))
	for _, s := range []string{model, typ, loc} {
		w.WriteString("</td><td>")
		template.HTMLEscape(w, []byte(s))
	}
	w.WriteString("</td><td><code>")
	template.HTMLEscape(w, []byte(f.Check))
	w.WriteString("</code></td><td>")
	template.HTMLEscape(w, []byte(f.Reason))
	w.WriteString("</td></tr>\n")
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// view returns what every page shows of the binder, made once.
func (b *book) view() *binderView {
	if b.cachedView != nil {
		return b.cachedView
	}
	v := &binderView{Hospital: b.in.Hospital, Framework: b.title(), FrameworkID: b.in.Framework.ID, Version: b.in.Framework.Version,
		Source: b.in.Framework.Source, Note: b.in.Framework.Note, Proposed: b.in.Framework.Proposed,
		At: stamp(b.in.At), RanAt: stamp(b.in.Evaluation.RanAt), Devices: len(b.in.Devices),
		EvidenceCount: len(b.in.Evidence), AuditHead: b.in.AuditHead, KeyFingerprint: b.keyFingerprint}
	for _, p := range b.plan {
		if p.Open() {
			v.OpenItems++
		}
	}
	b.cachedView = v
	return v
}

// stamp formats a time for a reader, in UTC; "" for zero.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// row is a control's line in a table; root leads to the top of the binder.
func (b *book) row(c *controlEntry, root string) controlRow {
	r := controlRow{ID: c.Control.ID, Title: c.Control.Title, Page: root + c.Page, Depth: min(c.Depth, 4),
		Verdict: c.Verdict(), Failing: c.Failing, Evidence: len(c.Evidence)}
	if c.Eval != nil {
		r.Checks, r.Attestations = len(c.Eval.Checks), len(c.Eval.Attestations)
	}
	for _, p := range c.Plan {
		if p.Open() {
			r.OpenItems++
		}
	}
	return r
}

func (b *book) controlView(c *controlEntry) controlView {
	v := controlView{ID: c.Control.ID, Title: c.Control.Title, Text: c.Control.Text, Token: c.Token,
		Requirement: string(c.Control.Requirement), Tier: c.Control.Tier, Kind: c.Control.Kind,
		Verdict: c.Verdict(), Failing: c.Failing}
	for p := b.byID[c.Control.Parent]; p != nil; p = b.byID[p.Control.Parent] {
		v.Parents = append([]controlRow{b.row(p, "")}, v.Parents...)
		if len(v.Parents) > 16 {
			break // a cycle in a broken catalog
		}
	}
	for _, o := range b.controls {
		if o.Control.Parent == c.Control.ID {
			v.Children = append(v.Children, b.row(o, ""))
		}
	}
	if e := c.Eval; e != nil {
		v.Basis, v.Checks, v.FailingRows = e.Basis, e.Checks, len(e.FailingDevices) > 0
		for _, at := range e.Attestations {
			v.Attestations = append(v.Attestations, attestationView{Owner: at.Owner, Date: date(at.Date), NextDue: date(at.NextDue),
				Notes: at.Notes, RecordedBy: at.RecordedBy, RecordedAt: date(at.RecordedAt), Answer: at.Answer, Overdue: at.Overdue(b.in.At)})
		}
		for _, x := range e.Crosswalk {
			v.Crosswalk = append(v.Crosswalk, x.String())
		}
	}
	for _, e := range c.Evidence {
		v.Evidence = append(v.Evidence, b.evidenceView(e, "../"))
	}
	for _, p := range c.Plan {
		v.Plan = append(v.Plan, b.planView(p, "../"))
	}
	return v
}

func (b *book) evidenceView(e *EvidenceFile, root string) evidenceView {
	m := &e.Meta
	p := evidencePath(m)
	v := evidenceView{ID: m.ID, Title: m.Title, FileName: m.FileName, Stored: p[strings.LastIndexByte(p, '/')+1:], Href: root + p,
		Collected: date(m.Collected), Effective: period(m.EffectiveFrom, m.EffectiveTo), SHA256: m.SHA256, Devices: len(m.Devices)}
	for _, id := range m.Controls {
		l := linkView{ID: id}
		if c := b.byID[id]; c != nil {
			l.Href = root + c.Page
		}
		v.Controls = append(v.Controls, l)
	}
	return v
}

func (b *book) planView(p *PlanItem, root string) planView {
	v := planView{ID: p.ID, Title: p.Title, Priority: p.Priority, Status: p.Status, Owner: p.Owner, Due: date(p.Due), Control: p.Control}
	if c := b.byID[p.Control]; c != nil {
		v.ControlHref = root + c.Page
	}
	if p.Device != 0 {
		v.Device = b.deviceLabel(p.Device)
	}
	for _, id := range p.Evidence {
		l := linkView{ID: id}
		if e := b.findEvidence(id); e != nil {
			l.Href = root + evidencePath(&e.Meta)
		}
		v.Evidence = append(v.Evidence, l)
	}
	return v
}

// period formats an effective range, either end open.
func period(from, to time.Time) string {
	switch {
	case from.IsZero() && to.IsZero():
		return ""
	case to.IsZero():
		return "from " + date(from)
	case from.IsZero():
		return "until " + date(to)
	}
	return date(from) + " to " + date(to)
}

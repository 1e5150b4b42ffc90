package binder

import (
	"fmt"
	"sort"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// book is the input arranged for reading: controls in catalog order with
// their depth, page and OSCAL token, devices by id, evidence and plan
// items by control.
type book struct {
	in       *Input
	controls []*controlEntry
	byID     map[string]*controlEntry
	devices  map[int64]*vigil.Device
	evidence map[string]*EvidenceFile // by evidence id
	plan     []*PlanItem              // most urgent first
	ns       uuid5

	keyFingerprint string      // of the signing key, shown to the auditor
	cachedView     *binderView // see view
}

// controlEntry is one control of the binder.
type controlEntry struct {
	Control  vigil.Control
	Eval     *vigil.ControlEvaluation // nil when the evaluation left it out
	Depth    int
	Page     string // controls/NNN-slug.html
	Token    string // the OSCAL control-id
	Evidence []*EvidenceFile
	Plan     []*PlanItem
	Failing  int // distinct failing devices
}

// Verdict returns the control's verdict, not-assessed when it has none.
func (c *controlEntry) Verdict() vigil.Verdict {
	if c.Eval == nil || c.Eval.Verdict == "" {
		return vigil.VerdictNotAssessed
	}
	return c.Eval.Verdict
}

func newBook(in *Input) *book {
	b := &book{in: in, byID: map[string]*controlEntry{}, devices: make(map[int64]*vigil.Device, len(in.Devices)),
		evidence: make(map[string]*EvidenceFile, len(in.Evidence))}
	b.ns = newUUID(vigilNamespace, strings.Join([]string{in.Framework.ID, in.At.UTC().Format(time.RFC3339Nano),
		in.Hospital, in.AuditHead, fmt.Sprint(in.Evaluation.ID)}, "\x00"))
	for i := range in.Devices {
		b.devices[in.Devices[i].ID] = &in.Devices[i]
	}
	evals := make(map[string]*vigil.ControlEvaluation, len(in.Evaluation.Controls))
	for i := range in.Evaluation.Controls {
		evals[in.Evaluation.Controls[i].ID] = &in.Evaluation.Controls[i]
	}
	depth := map[string]int{}
	tokens := map[string]bool{}
	add := func(c vigil.Control) {
		if b.byID[c.ID] != nil {
			return
		}
		e := &controlEntry{Control: c, Eval: evals[c.ID]}
		if c.Parent != "" {
			e.Depth = depth[c.Parent] + 1
		}
		depth[c.ID] = e.Depth
		e.Page = fmt.Sprintf("controls/%03d-%s.html", len(b.controls)+1, safeName(c.ID))
		e.Token = oscalToken(in.Framework.ID, c.ID)
		for n := 2; tokens[e.Token]; n++ {
			e.Token = fmt.Sprintf("%s_%d", oscalToken(in.Framework.ID, c.ID), n)
		}
		tokens[e.Token] = true
		if e.Eval != nil {
			e.Failing = distinctDevices(e.Eval.FailingDevices)
		}
		b.controls = append(b.controls, e)
		b.byID[c.ID] = e
	}
	for _, c := range in.Framework.Controls {
		add(c)
	}
	// A control the evaluation decided but the catalog does not list (an
	// older catalog) is still reported.
	for _, ce := range in.Evaluation.Controls {
		add(vigil.Control{Framework: in.Framework.ID, ID: ce.ID, Title: ce.Title})
	}
	for i := range in.Evidence {
		e := &in.Evidence[i]
		b.evidence[e.Meta.ID] = e
		for _, id := range e.Meta.Controls {
			if c := b.byID[id]; c != nil {
				c.Evidence = append(c.Evidence, e)
			}
		}
	}
	for i := range in.Plan {
		b.plan = append(b.plan, &in.Plan[i])
	}
	sort.SliceStable(b.plan, func(i, j int) bool { return urgent(b.plan[i], b.plan[j]) })
	for _, p := range b.plan {
		if c := b.byID[p.Control]; c != nil {
			c.Plan = append(c.Plan, p)
		}
	}
	return b
}

// findEvidence returns the evidence a plan item names, by its id or as
// "evidence:ID" (the remediation plan's form); nil when the binder does
// not hold it.
func (b *book) findEvidence(ref string) *EvidenceFile {
	if e := b.evidence[ref]; e != nil {
		return e
	}
	if id, ok := strings.CutPrefix(ref, "evidence:"); ok {
		return b.evidence[id]
	}
	return nil
}

// distinctDevices counts the devices among failures (a device may fail
// several checks of a control).
func distinctDevices(fs []vigil.FailingDevice) int {
	seen := make(map[int64]struct{}, len(fs))
	for _, f := range fs {
		seen[f.ID] = struct{}{}
	}
	return len(seen)
}

// priorityRank orders priorities, most urgent first; unknown ones last.
func priorityRank(p string) int {
	switch strings.ToLower(p) {
	case "critical", "p1", "urgent":
		return 0
	case "high", "p2":
		return 1
	case "medium", "moderate", "p3":
		return 2
	case "low", "p4":
		return 3
	}
	return 4
}

// urgent orders plan items: open before closed, then by priority, then by
// due date (undated last), then by id.
func urgent(a, b *PlanItem) bool {
	if a.Open() != b.Open() {
		return a.Open()
	}
	if ra, rb := priorityRank(a.Priority), priorityRank(b.Priority); ra != rb {
		return ra < rb
	}
	if a.Due.IsZero() != b.Due.IsZero() {
		return !a.Due.IsZero()
	}
	if !a.Due.Equal(b.Due) {
		return a.Due.Before(b.Due)
	}
	return a.ID < b.ID
}

// deviceLabel names a device for a reader: its asset tag or other
// identifier, or its id when the inventory does not hold it.
func (b *book) deviceLabel(id int64) string {
	if d := b.devices[id]; d != nil {
		return d.Label()
	}
	return fmt.Sprintf("device %d", id)
}

// title is the binder's name: the framework's title (its version is
// shown apart, as some are long citations).
func (b *book) title() string { return text(b.in.Framework.Title, b.in.Framework.ID) }

// manifestHeader is the comment lines above the manifest's digests.
func (b *book) manifestHeader() []string {
	return []string{
		"Vigil audit binder: " + b.title() + " (" + b.in.Framework.ID + ")",
		"hospital: " + b.in.Hospital,
		"at: " + b.in.At.UTC().Format(time.RFC3339),
		"check the files: sha256sum -c MANIFEST.sha256 (see index.html for the signature)",
	}
}

// summary returns the evaluation's counts, in the order of vigil.Verdicts;
// counted from the controls when the evaluation carries none.
func (b *book) summary() map[vigil.Verdict]int {
	if len(b.in.Evaluation.Summary) > 0 {
		return b.in.Evaluation.Summary
	}
	s := map[vigil.Verdict]int{}
	for _, c := range b.controls {
		s[c.Verdict()]++
	}
	return s
}

// date formats a time as a day, "" for zero.
func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

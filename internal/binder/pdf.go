package binder

import (
	"fmt"
	"sort"
	"strconv"

	"codeberg.org/go-pdf/fpdf"

	vigil "github.com/vigil-health/vigil"
)

// planItemsInPDF is how many of the plan's most urgent open items the
// summary lists; the whole plan is in plan.html.
const planItemsInPDF = 25

// writePDF writes summary.pdf: the framework, the date, the counts, the
// controls not met with their failing devices, and the plan's first items.
func writePDF(a *archive, b *book) error {
	p := newPDF(b)
	p.heading("Audit binder summary")
	p.line(b.title(), 12, "B")
	p.facts([][2]string{
		{"Hospital", b.in.Hospital},
		{"Framework", b.in.Framework.ID + versionOf(b.in.Framework)},
		{"As of", stamp(b.in.At)},
		{"Evaluated", stamp(b.in.Evaluation.RanAt)},
		{"Devices", strconv.Itoa(len(b.in.Devices))},
		{"Evidence files", strconv.Itoa(len(b.in.Evidence))},
		{"Audit trail head", b.in.AuditHead},
		{"Signing key (SHA-256)", b.keyFingerprint},
	})
	if b.in.Framework.Proposed {
		p.line("This framework is a proposed rule, not yet in force: its verdicts are for planning.", 9, "I")
	}

	p.section("Summary")
	sum := b.summary()
	rows := [][]string{}
	total := 0
	for _, v := range vigil.Verdicts() {
		rows = append(rows, []string{string(v), strconv.Itoa(sum[v])})
		total += sum[v]
	}
	rows = append(rows, []string{"controls", strconv.Itoa(total)})
	p.table([]string{"Verdict", "Controls"}, []float64{60, 30}, []string{"L", "R"}, rows)

	p.section("Controls not met")
	var notMet []*controlEntry
	for _, c := range b.controls {
		if v := c.Verdict(); v == vigil.VerdictNotMet || v == vigil.VerdictPartiallyMet {
			notMet = append(notMet, c)
		}
	}
	sort.SliceStable(notMet, func(i, j int) bool {
		if vi, vj := notMet[i].Verdict(), notMet[j].Verdict(); vi != vj {
			return vi == vigil.VerdictNotMet
		}
		return notMet[i].Failing > notMet[j].Failing
	})
	rows = rows[:0]
	for _, c := range notMet {
		rows = append(rows, []string{c.Control.ID, c.Control.Title, string(c.Verdict()), strconv.Itoa(c.Failing)})
	}
	if len(rows) == 0 {
		p.line("Every control is met, not applicable or not assessed.", 10, "")
	} else {
		p.table([]string{"Control", "Title", "Verdict", "Failing devices"}, []float64{38, 92, 25, 27}, []string{"L", "L", "L", "R"}, rows)
	}

	p.section("Remediation plan: the most urgent open items")
	rows = rows[:0]
	open := 0
	for _, it := range b.plan {
		if !it.Open() {
			continue
		}
		open++
		if len(rows) < planItemsInPDF {
			dev := ""
			if it.Device != 0 {
				dev = b.deviceLabel(it.Device)
			}
			rows = append(rows, []string{it.Priority, date(it.Due), it.Owner, it.Control, dev, it.Title})
		}
	}
	if open == 0 {
		p.line("No open remediation item.", 10, "")
	} else {
		p.line(fmt.Sprintf("%d open items; the %d most urgent by priority and due date. The whole plan is in plan.html and poam.json.", open, len(rows)), 9, "")
		p.table([]string{"Priority", "Due", "Owner", "Control", "Device", "Item"}, []float64{18, 20, 30, 30, 24, 60}, []string{"L", "L", "L", "L", "L", "L"}, rows)
	}
	w, err := a.create(FileSummary)
	if err != nil {
		return err
	}
	return p.f.Output(w)
}

func versionOf(fw vigil.Framework) string {
	if fw.Version == "" {
		return ""
	}
	return " (version " + fw.Version + ")"
}

// pdfDoc wraps fpdf with the few layouts the summary needs. fpdf's core
// fonts are Windows-1252; tr translates UTF-8 into it.
type pdfDoc struct {
	f  *fpdf.Fpdf
	tr func(string) string
}

func newPDF(b *book) *pdfDoc {
	f := fpdf.New("P", "mm", "A4", "")
	// Fixed dates and a sorted catalog: the same input gives the same PDF.
	f.SetCreationDate(b.in.At.UTC())
	f.SetModificationDate(b.in.At.UTC())
	f.SetCatalogSort(true)
	f.SetMargins(14, 14, 14)
	f.SetAutoPageBreak(true, 16)
	f.AliasNbPages("{nb}")
	p := &pdfDoc{f: f, tr: f.UnicodeTranslatorFromDescriptor("")}
	f.SetTitle(p.tr("Audit binder: "+b.title()), false)
	f.SetAuthor(p.tr(b.in.Hospital), false)
	f.SetCreator("Vigil", false)
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont("Helvetica", "", 8)
		f.SetTextColor(110, 110, 110)
		f.CellFormat(0, 5, p.tr(b.in.Hospital+" | "+b.title()+" | as of "+date(b.in.At)), "", 0, "L", false, 0, "")
		f.CellFormat(0, 5, fmt.Sprintf("page %d of {nb}", f.PageNo()), "", 0, "R", false, 0, "")
	})
	f.AddPage()
	return p
}

func (p *pdfDoc) heading(s string) {
	p.f.SetFont("Helvetica", "B", 18)
	p.f.SetTextColor(23, 50, 79)
	p.f.CellFormat(0, 10, p.tr(s), "", 1, "L", false, 0, "")
	p.f.SetTextColor(0, 0, 0)
}

func (p *pdfDoc) section(s string) {
	p.f.Ln(4)
	p.f.SetFont("Helvetica", "B", 13)
	p.f.SetTextColor(23, 50, 79)
	p.f.CellFormat(0, 8, p.tr(s), "B", 1, "L", false, 0, "")
	p.f.SetTextColor(0, 0, 0)
	p.f.Ln(2)
}

func (p *pdfDoc) line(s string, size float64, style string) {
	p.f.SetFont("Helvetica", style, size)
	p.f.MultiCell(0, size*0.5, p.tr(s), "", "L", false)
	p.f.Ln(1)
}

// facts writes name and value pairs, long values wrapped.
func (p *pdfDoc) facts(rows [][2]string) {
	for _, r := range rows {
		if r[1] == "" {
			continue
		}
		p.f.SetFont("Helvetica", "", 9)
		p.f.SetTextColor(90, 100, 115)
		p.f.CellFormat(42, 5, p.tr(r[0]), "", 0, "L", false, 0, "")
		p.f.SetTextColor(0, 0, 0)
		p.f.MultiCell(0, 5, p.tr(r[1]), "", "L", false)
	}
}

// table writes a header and rows, cutting cells to their column; the
// header repeats on every page.
func (p *pdfDoc) table(header []string, widths []float64, align []string, rows [][]string) {
	head := func() {
		p.f.SetFont("Helvetica", "B", 8.5)
		p.f.SetFillColor(236, 239, 243)
		for i, h := range header {
			p.f.CellFormat(widths[i], 6, p.tr(h), "B", 0, align[i], true, 0, "")
		}
		p.f.Ln(-1)
		p.f.SetFont("Helvetica", "", 8.5)
	}
	head()
	_, pageH := p.f.GetPageSize()
	_, _, _, bottom := p.f.GetMargins()
	for _, r := range rows {
		if p.f.GetY()+5.5 > pageH-bottom-2 {
			p.f.AddPage()
			head()
		}
		for i, c := range r {
			p.f.CellFormat(widths[i], 5.5, p.fit(c, widths[i]-2), "B", 0, align[i], false, 0, "")
		}
		p.f.Ln(-1)
	}
}

// fit translates s and cuts it to width, ending in "...".
func (p *pdfDoc) fit(s string, width float64) string {
	t := p.tr(s)
	if p.f.GetStringWidth(t) <= width {
		return t
	}
	for len(t) > 0 && p.f.GetStringWidth(t+"...") > width {
		t = t[:len(t)-1]
	}
	return t + "..."
}

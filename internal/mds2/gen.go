package mds2

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/xuri/excelize/v2"
)

// Spec names the form Generate writes.
type Spec struct {
	Manufacturer, Model, DocumentID, ReleaseDate string
	// Answers, when set, fix the answers of the questions it names (by
	// question id); the others stay random.
	Answers map[string]vigil.MDS2Answer
}

// Sample is a generated form: the sheet as written and the form that
// reading it must give.
type Sample struct {
	Sheet string
	Rows  [][]string
	Want  *vigil.MDS2Form
}

// Generate writes a form in the 2019 layout with random answers and random
// cosmetic variations, as manufacturers' files vary: the sheet's name,
// title rows above the form, a header row or none, a leading empty column,
// section headings, question ids spelt loosely (case, separators, leading
// zeros, a trailing period, "SHAD-15"), answers with trailing punctuation
// and reference columns to the right. Tests and the demo hospital use it.
func Generate(rng *rand.Rand, s Spec) *Sample {
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	smp := &Sample{Sheet: pick("MDS2", "Sheet1", "MDS2 Form", "HN 1-2019", "Disclosure")}
	want := &vigil.MDS2Form{Manufacturer: s.Manufacturer, Model: s.Model, DocumentID: s.DocumentID, ReleaseDate: s.ReleaseDate,
		Description: pick("Infusion pump", "Patient monitor", "CT scanner", "Ultrasound system")}
	pad := make([]string, rng.IntN(2)) // a leading empty column
	row := func(cells ...string) { smp.Rows = append(smp.Rows, append(append([]string{}, pad...), cells...)) }
	for range rng.IntN(4) {
		smp.Rows = append(smp.Rows, []string{pick("Manufacturer Disclosure Statement for Medical Device Security -- MDS2", "", "ANSI/NEMA HN 1-2019")})
	}
	if rng.IntN(2) == 0 {
		row(pick("Question ID", "ID", "question id"), pick("Question", "Questions"), pick("Answer", "Yes, No, N/A, or See Note", ""),
			pick("Note #", "Notes", "See note"), "IEC TR 80001-2-2:2012", "NIST SP 800-53 Rev. 4", "ISO 27002:2013")
	}
	section := ""
	for _, id := range Questions2019() {
		prefix, _, _ := strings.Cut(id, "-")
		if prefix != section && rng.IntN(2) == 0 {
			if rng.IntN(2) == 0 {
				row(strings.ToUpper(Section(prefix)))
			} else {
				row("", Section(prefix)+" ("+prefix+")")
			}
		}
		section = prefix
		q := vigil.MDS2Question{ID: id, Question: "Question " + id + "?"}
		written := ""
		if prefix == "DOC" {
			q.Text = map[string]string{"DOC-1": s.Manufacturer, "DOC-2": want.Description, "DOC-3": s.Model,
				"DOC-4": s.DocumentID, "DOC-7": s.ReleaseDate}[id]
			if q.Text == "" {
				q.Text = pick("Yes", "No", "", "security@example.com", "See attached diagram")
			}
			written = q.Text
		} else {
			q.Answer = []vigil.MDS2Answer{vigil.MDS2Yes, vigil.MDS2No, vigil.MDS2NA, vigil.MDS2SeeNote, vigil.MDS2Blank}[rng.IntN(5)]
			if a, ok := s.Answers[id]; ok {
				q.Answer = a
			}
			written = string(q.Answer)
			switch rng.IntN(4) {
			case 0:
				written = strings.ToLower(written)
			case 1:
				if written != "" {
					written += pick(".", ",", " ")
				}
			case 2:
				if q.Answer == vigil.MDS2NA {
					written = "NA"
				}
			}
		}
		if rng.IntN(4) == 0 {
			q.Notes = fmt.Sprintf("See note %d of the manual.", 1+rng.IntN(30))
		}
		want.Questions = append(want.Questions, q)
		row(spell(rng, id), q.Question, written, q.Notes, "", pick("AC-3", "", "SC-28"), "")
	}
	want.DeriveFacts()
	smp.Want = want
	return smp
}

// spell writes a question id the way some manufacturer might.
func spell(rng *rand.Rand, id string) string {
	if id == "SAHD-15" && rng.IntN(2) == 0 {
		id = "SHAD-15"
	}
	prefix, num, _ := strings.Cut(id, "-")
	switch rng.IntN(8) {
	case 0:
		return strings.ToLower(id)
	case 1:
		return prefix + " " + num
	case 2:
		return prefix + "–" + num
	case 3:
		if !strings.Contains(num, ".") {
			return prefix + "-0" + num
		}
	case 4:
		return " " + id + "."
	case 5:
		return prefix + "_" + num
	}
	return id
}

// CSV returns the sample as a CSV file.
func (s *Sample) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.WriteAll(s.Rows) // a bytes.Buffer does not fail
	return b.Bytes()
}

// XLSX returns the sample as a workbook: a cover sheet without the form,
// then the form's sheet.
func (s *Sample) XLSX() ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", "Cover"); err != nil {
		return nil, err
	}
	if err := x.SetCellStr("Cover", "A1", "Manufacturer Disclosure Statement for Medical Device Security"); err != nil {
		return nil, err
	}
	if _, err := x.NewSheet(s.Sheet); err != nil {
		return nil, err
	}
	for i, r := range s.Rows {
		for j, c := range r {
			if c == "" {
				continue
			}
			ref, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				return nil, err
			}
			if err := x.SetCellStr(s.Sheet, ref, c); err != nil {
				return nil, err
			}
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

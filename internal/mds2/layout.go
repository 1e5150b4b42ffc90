package mds2

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// columns says where a sheet's question id, question, answer and notes are.
type columns struct{ id, question, answer, notes int }

// findDOC1 returns the row and column of the first DOC-1 question id.
func findDOC1(rows [][]string) (row, col int, ok bool) {
	for i, r := range rows {
		for j, c := range r {
			if id, ok := NormalizeID(c); ok && id == "DOC-1" {
				return i, j, true
			}
		}
	}
	return 0, 0, false
}

// layout finds the columns: from a header row above DOC-1 when there is one
// ("Question ID", "Question", "Answer", "Notes" and their variants), else
// by position from the id column (question, answer and notes to its right,
// as in the 2019 form).
func layout(rows [][]string, anchor, idCol int) columns {
	cols := columns{id: idCol, question: idCol + 1, answer: idCol + 2, notes: idCol + 3}
	for i := anchor - 1; i >= 0; i-- {
		r := rows[i]
		if idCol >= len(r) || !isHeader(r[idCol], "question id", "id", "question #", "#", "id #") {
			continue
		}
		h := columns{id: idCol, question: -1, answer: -1, notes: -1}
		for j, c := range r {
			switch {
			case j == idCol:
			case h.answer < 0 && (isHeader(c, "answer", "response", "yes/no", "yes, no, n/a, or see note") || strings.Contains(strings.ToLower(c), "yes, no")):
				h.answer = j
			case h.notes < 0 && isHeader(c, "note", "notes", "see note", "note #", "notes #", "comments", "manufacturer notes"):
				h.notes = j
			case h.question < 0 && isHeader(c, "question", "questions", "question text", "description"):
				h.question = j
			}
		}
		if h.answer >= 0 {
			if h.question < 0 {
				h.question = cols.question
			}
			return h
		}
	}
	return cols
}

func isHeader(cell string, names ...string) bool {
	c := strings.ToLower(strings.Join(strings.Fields(cell), " "))
	c = strings.TrimRight(c, ":")
	for _, n := range names {
		if c == n {
			return true
		}
	}
	return false
}

func cell(r []string, i int) string {
	if i < 0 || i >= len(r) {
		return ""
	}
	return strings.TrimSpace(r[i])
}

// parseRows reads a form's rows: every question id from DOC-1 on, refusing
// a row that does not fit the layout.
func parseRows(name, sheet string, rows [][]string) (*vigil.MDS2Form, error) {
	anchor, idCol, ok := findDOC1(rows)
	if !ok {
		return nil, &Error{File: name, Sheet: sheet, Reason: "no DOC-1 row: not an MDS2 form in the 2019 layout"}
	}
	cols := layout(rows, anchor, idCol)
	refuse := func(i int, format string, args ...any) error {
		return &Error{File: name, Sheet: sheet, Row: i + 1, Reason: fmt.Sprintf(format, args...)}
	}
	f := &vigil.MDS2Form{}
	seen := map[string]int{}
	for i := anchor; i < len(rows); i++ {
		r := rows[i]
		raw := cell(r, cols.id)
		id, ok := NormalizeID(raw)
		if !ok {
			if looksLikeID(raw) {
				return nil, refuse(i, "unknown question id %q", raw)
			}
			// A heading, a blank or a note line: no answer may stand on it,
			// and no question id may sit in another column.
			for j, c := range r {
				if _, ok := NormalizeID(c); ok && j != cols.id {
					return nil, refuse(i, "question id %q in column %s, the form's ids are in column %s", strings.TrimSpace(c), colName(j), colName(cols.id))
				}
			}
			if a := cell(r, cols.answer); a != "" {
				if _, ok := NormalizeAnswer(a); ok {
					return nil, refuse(i, "answer %q without a question id", a)
				}
			}
			continue
		}
		if prev, dup := seen[id]; dup {
			return nil, refuse(i, "question %s again (first at row %d)", id, prev+1)
		}
		seen[id] = i
		q := vigil.MDS2Question{ID: id, Question: cell(r, cols.question), Notes: cell(r, cols.notes)}
		text := cell(r, cols.answer)
		if strings.HasPrefix(id, "DOC-") {
			q.Text = text
			if id == "DOC-7" && sheet != "" {
				q.Text = serialDate(text)
			}
		} else if q.Answer, ok = NormalizeAnswer(text); !ok {
			return nil, refuse(i, "%s: answer %q is not Yes, No, N/A or See Note", id, text)
		}
		f.Questions = append(f.Questions, q)
	}
	header := func(id string) string {
		for _, q := range f.Questions {
			if q.ID == id {
				return q.Text
			}
		}
		return ""
	}
	f.Manufacturer, f.Description, f.Model = header("DOC-1"), header("DOC-2"), header("DOC-3")
	f.DocumentID, f.ReleaseDate = header("DOC-4"), header("DOC-7")
	f.DeriveFacts()
	return f, nil
}

// colName is a column's spreadsheet letter (0 is A).
func colName(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// serialDate writes a release date a workbook holds as a date cell, which
// the worksheet reader gives raw as Excel's serial day ("45371"), as a
// date ("2024-03-20"); any other text is kept as written.
func serialDate(s string) string {
	n, err := strconv.ParseFloat(s, 64)
	if err != nil || n < 61 || n > 2958465 || n != math.Trunc(n) {
		return s
	}
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n)).Format("2006-01-02")
}

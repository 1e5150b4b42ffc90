// Package mds2 reads manufacturers' MDS2 disclosures (ANSI/NEMA HN 1-2019)
// from XLSX and CSV into a vigil.MDS2Form: every row keyed by its question
// id, answers normalised to Yes/No/N/A/See Note, the DOC header's values
// kept as written, the facts the checks read derived. A form whose layout
// does not fit is refused with the file and row that did not fit. Pure.
package mds2

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// Sections are the question-id prefixes of the 2019 form, DOC the header.
var sections = map[string]string{
	"DOC": "Device description", "MPII": "Management of personally identifiable information",
	"ALOF": "Automatic logoff", "AUDT": "Audit controls", "AUTH": "Authorization",
	"CSUP": "Cyber security product upgrades", "DIDT": "Health data de-identification",
	"DTBK": "Data backup and disaster recovery", "EMRG": "Emergency access",
	"IGAU": "Health data integrity and authenticity", "MLDP": "Malware detection/protection",
	"NAUT": "Node authentication", "CONN": "Connectivity capabilities", "PAUT": "Person authentication",
	"PLOK": "Physical locks", "RDMP": "Roadmap for third party components", "SBOM": "Software bill of materials",
	"SAHD": "System and application hardening", "SGUD": "Security guidance",
	"STCF": "Health data storage confidentiality", "TXCF": "Transmission confidentiality",
	"TXIG": "Transmission integrity", "RMOT": "Remote service", "OTHR": "Other security considerations",
}

// typos are section prefixes misspelt in real forms.
var typos = map[string]string{"SHAD": "SAHD"}

// Section returns the 2019 form's title of a section prefix ("STCF"), or
// "" when it is not one.
func Section(prefix string) string { return sections[prefix] }

// Error is a refused form: the file, where in it (sheet and row, 1-based;
// row 0 for the whole file; or a CSV file's line) and why. Err is the
// cause, a *vigil.Error wrapping a *bound.LimitError for a limit met.
type Error struct {
	File   string
	Sheet  string
	Row    int
	Line   int
	Reason string
	Err    error
}

func (e *Error) Error() string {
	where := e.File
	if e.Sheet != "" {
		where += ": sheet " + bound.Quote(e.Sheet)
	}
	if e.Row > 0 {
		where += fmt.Sprintf(": row %d", e.Row)
	}
	if e.Line > 0 {
		where += fmt.Sprintf(": line %d", e.Line)
	}
	return where + ": " + e.Reason
}

func (e *Error) Unwrap() error { return e.Err }

// Parse reads an MDS2 form from data, XLSX (by content) or CSV, under the
// default limits. name is the file's name for errors. The error is a
// *vigil.Error (EINVALID) that wraps an *Error.
func Parse(name string, data []byte) (*vigil.MDS2Form, error) {
	return Read(name, bytes.NewReader(data), int64(len(data)), bound.Limits{})
}

// Share is the part of the import limits an MDS2 form may take: a form is
// a few hundred rows, so it may be at most a sixteenth of --max-file-bytes
// (32 MiB by default), have a sixteenth of --max-rows in a sheet (62,500)
// and its rows hold a sixteenth of --max-file-bytes of text.
const Share = 16

// Read reads an MDS2 form of size bytes at r, XLSX (by content) or CSV,
// held to lim (zero fields are their defaults) as ReadTable holds a file
// with Share: the first sheet that holds a DOC-1 row is the form. name is
// the file's name for errors. The error is a *vigil.Error (EINVALID) that
// wraps an *Error; one for a limit met also wraps a *bound.LimitError.
func Read(name string, r io.ReaderAt, size int64, lim bound.Limits) (*vigil.MDS2Form, error) {
	var f *vigil.MDS2Form
	found := false
	err := ReadTable(name, r, size, TableOptions{Limits: lim, Share: Share, What: "an MDS2 form"}, func(sheet string, rows [][]string) (bool, error) {
		if _, _, ok := findDOC1(rows); !ok && sheet != "" {
			return false, nil
		}
		found = true
		var err error
		f, err = parseRows(name, sheet, rows)
		return true, err
	})
	if err == nil && !found {
		err = &Error{File: name, Reason: "no sheet holds an MDS2 form in the 2019 layout (no DOC-1 row)"}
	}
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, err.Error(), err)
	}
	return f, nil
}

var idPattern = regexp.MustCompile(`^([A-Za-z]{3,4})\s*[-‐‑–—_ ]?\s*0*(\d+)((?:\.\d+)*)[.:,;]?$`)

// NormalizeID returns the 2019 form's spelling of a question id ("doc 1",
// "SHAD-15", "DTBK–02" become "DOC-1", "SAHD-15", "DTBK-2"), and whether s
// is one.
func NormalizeID(s string) (string, bool) {
	m := idPattern.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", false
	}
	prefix := strings.ToUpper(m[1])
	if t, ok := typos[prefix]; ok {
		prefix = t
	}
	if _, ok := sections[prefix]; !ok {
		return "", false
	}
	id := prefix + "-" + m[2]
	for _, p := range strings.Split(m[3], ".")[1:] {
		n, _ := strconv.Atoi(p)
		id += "." + strconv.Itoa(n)
	}
	return id, true
}

// looksLikeID reports whether s has the shape of a question id whatever its
// prefix, so an unknown section is refused rather than skipped.
func looksLikeID(s string) bool { return idPattern.MatchString(strings.TrimSpace(s)) }

// NormalizeAnswer returns the answer of a capability question ("yes.",
// "No,", "n/a", "NA", "See note" ...), and whether it is one.
func NormalizeAnswer(s string) (vigil.MDS2Answer, bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimRight(t, ".,;:!- ")
	switch t {
	case "":
		return vigil.MDS2Blank, true
	case "yes", "y":
		return vigil.MDS2Yes, true
	case "no", "n":
		return vigil.MDS2No, true
	case "n/a", "na", "n.a", "not applicable":
		return vigil.MDS2NA, true
	case "see note", "see notes", "note":
		return vigil.MDS2SeeNote, true
	}
	return vigil.MDS2Blank, false
}

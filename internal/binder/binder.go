// Package binder writes the auditor's binder: one ZIP archive that an
// auditor opens and checks without Vigil. It holds an offline HTML report
// (index.html, a page per control, the evidence and the remediation plan),
// a PDF summary, the evidence files, the inventory as XLSX, OSCAL
// assessment results and POA&M, and MANIFEST.sha256 (the format
// `sha256sum -c` reads) signed with the installation's Ed25519 key.
//
// The package is an engine: its input is plain data that the caller has
// gathered (an evaluation, the devices, the evidence, the plan), and it
// neither reads the store nor calls a service. See docs/binder.md.
package binder

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// Input is everything a binder holds. The caller maps its services' data
// onto it; the binder decides nothing but how to present it.
type Input struct {
	// Framework is the catalog the evaluation decided.
	Framework vigil.Framework
	// Evaluation is the framework's evaluation the binder reports.
	Evaluation vigil.Evaluation
	// At is the date the binder describes (usually Evaluation.At). It
	// dates the OSCAL documents, the PDF and the archive's entries, so the
	// same input gives the same bytes.
	At time.Time
	// Hospital is the organisation's name, shown on every page.
	Hospital string
	// Devices is the inventory as it stood at At; failing devices are
	// looked up here by ID.
	Devices []vigil.Device
	// Evidence lists the evidence files to include, each copied under
	// evidence/.
	Evidence []EvidenceFile
	// Plan is the remediation plan; its open items become POA&M items.
	Plan []PlanItem
	// AuditHead is the hash at the head of the audit trail when the binder
	// was made; the manifest carries it.
	AuditHead string
}

// EvidenceFile is one piece of evidence: what is recorded about it, and
// how to read its bytes.
type EvidenceFile struct {
	Meta EvidenceMeta
	// Open returns the file's content. The binder closes it.
	Open func() (io.ReadCloser, error)
}

// EvidenceMeta is what the evidence repository records about a file.
type EvidenceMeta struct {
	// ID is the evidence's identifier in Vigil, unique in the binder.
	ID string
	// Title says what the file is, such as "Access review Q3 2026".
	Title string
	// Controls are the ids of the controls of Input.Framework the file
	// supports.
	Controls []string
	// Devices are the ids of the devices the file concerns.
	Devices []int64
	// Collected is when the evidence was gathered.
	Collected time.Time
	// EffectiveFrom and EffectiveTo bound the period it holds for; a zero
	// time leaves that end open.
	EffectiveFrom, EffectiveTo time.Time
	// FileName is the file's original name; the binder stores it as
	// evidence/ID/FileName with unsafe characters replaced.
	FileName string
	// SHA256 is the hex digest the repository recorded. When set, the
	// binder refuses a file whose bytes do not match it.
	SHA256 string
}

// PlanItem is one item of the remediation plan.
type PlanItem struct {
	ID string
	// Control is the id of the control of Input.Framework the item closes,
	// "" when it is not tied to one.
	Control string
	// Device is the id of the device concerned, 0 for none.
	Device   int64
	Title    string
	Owner    string
	Due      time.Time // zero when no due date is set
	Priority string    // such as "critical", "high", "medium", "low"
	// Status is "open", "in-progress", "risk-accepted" or "closed"; every
	// item but a closed one is open for the POA&M.
	Status string
	// Evidence names the evidence linked to the item: an EvidenceMeta.ID,
	// or "evidence:ID" as the remediation plan writes it. Other references
	// are shown as they are.
	Evidence []string
}

// Open reports whether the item still needs work.
func (p *PlanItem) Open() bool {
	switch strings.ToLower(p.Status) {
	case "closed", "done", "resolved":
		return false
	}
	return true
}

// The archive's fixed file names.
const (
	FileIndex      = "index.html"
	FileSummary    = "summary.pdf"
	FileInventory  = "inventory.xlsx"
	FileAR         = "assessment-results.json"
	FilePOAM       = "poam.json"
	FileManifest   = "MANIFEST.sha256"
	FileSignature  = "MANIFEST.sha256.sig"
	FilePublicKey  = "signing-key.pub"
	evidenceFolder = "evidence/"
)

// Write writes the binder of in to w as a ZIP archive, signing its
// manifest with key. It streams: every file is hashed as it is written,
// and only the manifest is held until the end. A failure leaves w with a
// partial archive; WriteFile never leaves one under the final name.
func Write(w io.Writer, in *Input, key ed25519.PrivateKey) error {
	if len(key) != ed25519.PrivateKeySize {
		return fmt.Errorf("binder: the signing key is not an Ed25519 private key")
	}
	if err := in.validate(); err != nil {
		return err
	}
	b := newBook(in)
	b.keyFingerprint = Fingerprint(key.Public().(ed25519.PublicKey))
	a := newArchive(w, in.At)
	steps := []struct {
		name string
		fn   func(*archive, *book) error
	}{
		{"html", writeHTML},
		{"summary", writePDF},
		{"inventory", writeInventory},
		{"assessment results", writeAR},
		{"poam", writePOAM},
		{"evidence", writeEvidence},
	}
	for _, s := range steps {
		if err := s.fn(a, b); err != nil {
			return fmt.Errorf("binder: %s: %w", s.name, err)
		}
	}
	if err := a.finish(key, in.AuditHead, b.manifestHeader()); err != nil {
		return fmt.Errorf("binder: %w", err)
	}
	return nil
}

// validate reports what would make a broken binder: no framework, a
// framework the evaluation is not of, or evidence ids that clash.
func (in *Input) validate() error {
	if in.Framework.ID == "" {
		return vigil.Errorf(vigil.EINVALID, "binder: a framework is required")
	}
	if in.Evaluation.Framework != "" && in.Evaluation.Framework != in.Framework.ID {
		return vigil.Errorf(vigil.EINVALID, "binder: the evaluation is of framework %q, not %q", in.Evaluation.Framework, in.Framework.ID)
	}
	if in.At.IsZero() {
		return vigil.Errorf(vigil.EINVALID, "binder: the binder's date is required")
	}
	seen := make(map[string]bool, len(in.Evidence))
	for _, e := range in.Evidence {
		p := evidencePath(&e.Meta)
		if e.Meta.ID == "" {
			return vigil.Errorf(vigil.EINVALID, "binder: evidence %q has no id", e.Meta.Title)
		} else if seen[p] {
			return vigil.Errorf(vigil.EINVALID, "binder: evidence %q is listed twice", e.Meta.ID)
		} else if e.Open == nil {
			return vigil.Errorf(vigil.EINVALID, "binder: evidence %q cannot be opened", e.Meta.ID)
		}
		seen[p] = true
	}
	return nil
}

// evidencePath is where an evidence file lies in the archive.
func evidencePath(m *EvidenceMeta) string {
	return evidenceFolder + safeName(m.ID) + "/" + safeName(m.FileName)
}

package vigil

import (
	"strings"
	"time"
)

// MDS2Form is a manufacturer's MDS2 disclosure (Manufacturer Disclosure
// Statement for Medical Device Security, ANSI/NEMA HN 1-2019) for one
// manufacturer and model, as imported. Every question of the file is kept.
// A new import for the same manufacturer and model is a new version; the
// older ones stay.
type MDS2Form struct {
	ID           int64     `json:"id"`
	Manufacturer string    `json:"manufacturer"` // DOC-1, or the import's override
	Model        string    `json:"model"`        // DOC-3, or the import's override
	Description  string    `json:"description"`  // DOC-2
	DocumentID   string    `json:"document_id"`  // DOC-4
	ReleaseDate  string    `json:"release_date"` // DOC-7 as written
	Version      int       `json:"version"`      // 1 for the first form of the model
	File         string    `json:"file"`         // the imported file's base name
	ImportedAt   time.Time `json:"imported_at"`
	ImportedBy   string    `json:"imported_by"`
	Facts        MDS2Facts `json:"facts"`
	// Questions are in the order of the file; nil in listings.
	Questions []MDS2Question `json:"questions,omitempty"`
}

// MDS2Question is one row of the form: its question id (normalised, such
// as "SAHD-15"), the question text, the answer and the notes.
type MDS2Question struct {
	ID       string     `json:"id"`
	Question string     `json:"question,omitempty"`
	Answer   MDS2Answer `json:"answer"`
	// Text is the answer as written: the DOC header's values (manufacturer,
	// model, dates) are free text rather than Yes/No.
	Text  string `json:"text,omitempty"`
	Notes string `json:"notes,omitempty"`
}

// MDS2Answer is a capability question's normalised answer.
type MDS2Answer string

// The answers a capability question may have; "" when left blank.
const (
	MDS2Yes     MDS2Answer = "Yes"
	MDS2No      MDS2Answer = "No"
	MDS2NA      MDS2Answer = "N/A"
	MDS2SeeNote MDS2Answer = "See Note"
	MDS2Blank   MDS2Answer = ""
)

// Yes reports whether the answer is Yes.
func (a MDS2Answer) Yes() bool { return a == MDS2Yes }

// The questions that decide each of MDS2Facts.
const (
	MDS2QEncryptsAtRest    = "STCF-1"  // Can the device encrypt data at rest?
	MDS2QEncryptsInTransit = "TXCF-2"  // Is PII encrypted prior to transmission via a network or removable media?
	MDS2QUniqueUserAuth    = "AUTH-1"  // Does the device prevent access to unauthorized users through user login requirements?
	MDS2QAuditLogging      = "AUDT-1"  // Can the device create additional audit logs or reports beyond standard OS logs?
	MDS2QRemoteService     = "RMOT-1"  // Does the device permit remote service connections for device analysis or repair?
	MDS2QMalwareProtection = "MLDP-2"  // Does the device support the use of anti-malware software (or other mechanism)?
	MDS2QSBOMAvailable     = "SBOM-1"  // Is the SBOM for this product available?
	MDS2QPatchSupport      = "CSUP-11" // Does the manufacturer have a process in place to assess device vulnerabilities and updates?
)

// MDS2Facts are what the checks read of a form: each the answer of the
// question named beside it in the MDS2Q constants ("" when the form leaves
// it blank or lacks it).
type MDS2Facts struct {
	EncryptsAtRest    MDS2Answer `json:"encrypts_at_rest"`
	EncryptsInTransit MDS2Answer `json:"encrypts_in_transit"`
	UniqueUserAuth    MDS2Answer `json:"unique_user_auth"`
	AuditLogging      MDS2Answer `json:"audit_logging"`
	RemoteService     MDS2Answer `json:"remote_service"`
	MalwareProtection MDS2Answer `json:"malware_protection"`
	SBOMAvailable     MDS2Answer `json:"sbom_available"`
	PatchSupport      MDS2Answer `json:"patch_support"`
}

// Answer returns the answer to the question id, or "" when the form lacks it.
func (f *MDS2Form) Answer(id string) MDS2Answer {
	for _, q := range f.Questions {
		if q.ID == id {
			return q.Answer
		}
	}
	return MDS2Blank
}

// DeriveFacts sets f.Facts from the questions.
func (f *MDS2Form) DeriveFacts() {
	f.Facts = MDS2Facts{
		EncryptsAtRest:    f.Answer(MDS2QEncryptsAtRest),
		EncryptsInTransit: f.Answer(MDS2QEncryptsInTransit),
		UniqueUserAuth:    f.Answer(MDS2QUniqueUserAuth),
		AuditLogging:      f.Answer(MDS2QAuditLogging),
		RemoteService:     f.Answer(MDS2QRemoteService),
		MalwareProtection: f.Answer(MDS2QMalwareProtection),
		SBOMAvailable:     f.Answer(MDS2QSBOMAvailable),
		PatchSupport:      f.Answer(MDS2QPatchSupport),
	}
}

// Validate reports a form that cannot be stored: it needs a manufacturer,
// a model and at least one question.
func (f *MDS2Form) Validate() error {
	switch {
	case strings.TrimSpace(f.Manufacturer) == "":
		return Errorf(EINVALID, "MDS2 form: no manufacturer (DOC-1 is empty; give --manufacturer)")
	case strings.TrimSpace(f.Model) == "":
		return Errorf(EINVALID, "MDS2 form: no model (DOC-3 is empty; give --model)")
	case len(f.Questions) == 0:
		return Errorf(EINVALID, "MDS2 form: no questions")
	}
	return nil
}

// MDS2ModelKey is how forms and devices compare models: lower case, spaces
// collapsed.
func MDS2ModelKey(model string) string {
	return strings.ToLower(strings.Join(strings.Fields(model), " "))
}

// Describes reports whether the form is the one for a device: the same
// model (but for case and spacing) and a manufacturer that plausibly names
// the same company (SameMaker).
func (f *MDS2Form) Describes(d *Device) bool {
	return d.Model != "" && MDS2ModelKey(f.Model) == MDS2ModelKey(d.Model) && SameMaker(f.Manufacturer, d.Manufacturer)
}

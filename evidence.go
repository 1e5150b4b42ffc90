package vigil

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EvidenceArea is the control area evidence is filed under: the same
// areas a mock audit scores (ControlArea).
type EvidenceArea = ControlArea

// The areas under their evidence names.
const (
	EvidenceAreaGovernance              = AreaGovernance
	EvidenceAreaInventory               = AreaInventory
	EvidenceAreaAccessControl           = AreaAccessControl
	EvidenceAreaVulnerabilityManagement = AreaVulnerabilities
	EvidenceAreaMonitoring              = AreaMonitoring
	EvidenceAreaIncidentResponse        = AreaIncidentResponse
	EvidenceAreaVendorManagement        = AreaVendorManagement
	EvidenceAreaTraining                = AreaTraining
)

// EvidenceAreas lists every control area, in the order pages show them.
var EvidenceAreas = ControlAreas()

// Valid reports whether a is a known area.
func (a ControlArea) Valid() bool { return slices.Contains(ControlAreas(), a) }

// RetentionYears is how long evidence is kept before an admin may delete it
// without forcing: HIPAA's six years (45 CFR 164.316(b)(2)(i)).
const RetentionYears = 6

// Evidence is one version of a piece of evidence: a file kept by the SHA-256
// of its content, with what it proves and for when. A new version never
// overwrites the old one; it names it in Supersedes.
type Evidence struct {
	ID        int64  `json:"id"`
	Key       string `json:"key"` // SHA-256 of the content, lower-case hex
	Title     string `json:"title"`
	FileName  string `json:"file_name"`
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	// Areas, Controls and Devices are what the evidence supports.
	Areas    []EvidenceArea `json:"areas"`
	Controls []ControlRef   `json:"controls"`
	Devices  []int64        `json:"devices"`
	// AddedBy and AddedAt say who stored it in Vigil and when.
	AddedBy string    `json:"added_by"`
	AddedAt time.Time `json:"added_at"`
	// CollectedAt is when the evidence was gathered (the review, the export).
	CollectedAt time.Time `json:"collected_at"`
	// EffectiveFrom and EffectiveTo bound the period it speaks for; a zero
	// EffectiveTo leaves it open.
	EffectiveFrom time.Time `json:"effective_from"`
	EffectiveTo   time.Time `json:"effective_to,omitzero"`
	// ExpiresAt is when it goes stale and must be gathered again; zero never.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// Version is 1 for the first; Supersedes is the previous version's id.
	Version    int   `json:"version"`
	Supersedes int64 `json:"supersedes,omitempty"`
	// Auto marks evidence Vigil gathered by itself after a change.
	Auto bool `json:"auto"`
}

// Validate reports the first problem with a piece of evidence's metadata,
// after sorting its areas, controls and devices and dropping repeats.
func (e *Evidence) Validate() error {
	e.Title = strings.TrimSpace(e.Title)
	if e.Title == "" {
		return Errorf(EINVALID, "evidence needs a title")
	}
	if len(e.Title) > 300 {
		return Errorf(EINVALID, "an evidence title is at most 300 characters")
	}
	if len(e.Controls) == 0 && len(e.Areas) == 0 {
		return Errorf(EINVALID, "evidence needs at least one control or one area it supports")
	}
	for _, a := range e.Areas {
		if !a.Valid() {
			return Errorf(EINVALID, "unknown evidence area %q (want one of %s)", a, joinAreas())
		}
	}
	for _, c := range e.Controls {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	for _, d := range e.Devices {
		if d <= 0 {
			return Errorf(EINVALID, "device id %d is not valid", d)
		}
	}
	if !e.EffectiveTo.IsZero() && e.EffectiveTo.Before(e.EffectiveFrom) {
		return Errorf(EINVALID, "the effective period ends before it starts")
	}
	if e.Version < 0 || e.Supersedes < 0 {
		return Errorf(EINVALID, "evidence version and supersedes cannot be negative")
	}
	e.Areas = slices.Compact(slices.Sorted(slices.Values(e.Areas)))
	slices.SortFunc(e.Controls, compareRefs)
	e.Controls = slices.Compact(e.Controls)
	e.Devices = slices.Compact(slices.Sorted(slices.Values(e.Devices)))
	return nil
}

func compareRefs(a, b ControlRef) int {
	return cmp.Or(strings.Compare(a.Framework, b.Framework), strings.Compare(a.Control, b.Control))
}

func joinAreas() string {
	s := make([]string, len(EvidenceAreas))
	for i, a := range EvidenceAreas {
		s[i] = string(a)
	}
	return strings.Join(s, ", ")
}

// Stale reports whether the evidence had expired at t.
func (e *Evidence) Stale(t time.Time) bool { return !e.ExpiresAt.IsZero() && !t.Before(e.ExpiresAt) }

// RetainedUntil is when the retention period ends: six years after the
// later of its collection and the end of the period it speaks for.
func (e *Evidence) RetainedUntil() time.Time {
	base := e.CollectedAt
	if e.EffectiveTo.After(base) {
		base = e.EffectiveTo
	}
	if e.AddedAt.After(base) {
		base = e.AddedAt
	}
	return base.AddDate(RetentionYears, 0, 0)
}

// Digest returns the SHA-256 of every field of the record in a fixed,
// length-prefixed encoding: the audit event that stores the record holds it,
// so a field changed later in the database no longer matches.
func (e *Evidence) Digest() string {
	var b []byte
	str := func(s string) {
		b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
		b = append(b, s...)
	}
	num := func(n int64) { str(strconv.FormatInt(n, 10)) }
	tm := func(t time.Time) {
		if t.IsZero() {
			str("")
			return
		}
		str(t.UTC().Format(time.RFC3339Nano))
	}
	num(e.ID)
	str(e.Key)
	str(e.Title)
	str(e.FileName)
	str(e.MediaType)
	num(e.Size)
	num(int64(len(e.Areas)))
	for _, a := range e.Areas {
		str(string(a))
	}
	num(int64(len(e.Controls)))
	for _, c := range e.Controls {
		str(c.Framework)
		str(c.Control)
	}
	num(int64(len(e.Devices)))
	for _, d := range e.Devices {
		num(d)
	}
	str(e.AddedBy)
	tm(e.AddedAt)
	tm(e.CollectedAt)
	tm(e.EffectiveFrom)
	tm(e.EffectiveTo)
	tm(e.ExpiresAt)
	num(int64(e.Version))
	num(e.Supersedes)
	if e.Auto {
		str("auto")
	} else {
		str("")
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// EvidenceFilter selects evidence. By default only the newest version of
// each piece is listed.
type EvidenceFilter struct {
	Control  *ControlRef  // supports this control
	Area     EvidenceArea // filed under this area
	DeviceID int64        // supports this device
	Key      string       // holds this content
	Title    string       // exactly this title
	Auto     *bool        // gathered by Vigil (true) or added by a person (false)
	// AllVersions lists superseded versions too.
	AllVersions bool
	Limit       int
	Offset      int
}

// EvidenceProblem is one thing `vigil evidence verify` found wrong.
type EvidenceProblem struct {
	EvidenceID int64  `json:"evidence_id,omitempty"`
	Key        string `json:"key,omitempty"`
	// Kind is file-missing, file-changed, record-changed, record-missing,
	// record-unaudited or audit-chain.
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

// EvidenceReport is the outcome of verifying the evidence repository.
type EvidenceReport struct {
	Records  int               `json:"records"`
	Files    int               `json:"files"`
	Problems []EvidenceProblem `json:"problems"`
}

// OK reports whether nothing was found wrong.
func (r *EvidenceReport) OK() bool { return len(r.Problems) == 0 }

// ParseDate reads a date (2006-01-02, the start of that day in UTC) or an
// RFC 3339 time.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, Errorf(EINVALID, "%q is not a date (want YYYY-MM-DD or an RFC 3339 time)", s)
}

// ParsePeriod reads an effective period: "FROM" (open-ended) or
// "FROM..TO", each a date or an RFC 3339 time. A TO that is a date covers
// that whole day.
func ParsePeriod(s string) (from, to time.Time, err error) {
	a, b, ranged := strings.Cut(s, "..")
	if from, err = ParseDate(a); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if !ranged {
		return from, time.Time{}, nil
	}
	if to, err = ParseDate(b); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if len(strings.TrimSpace(b)) == len("2006-01-02") {
		to = to.Add(24*time.Hour - time.Nanosecond)
	}
	if to.Before(from) {
		return time.Time{}, time.Time{}, Errorf(EINVALID, "period %q ends before it starts", s)
	}
	return from, to, nil
}

package evidence

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/blob"
)

// Verify checks the whole repository and reports every problem, not only the
// first: each file is hashed again (missing, or changed since it was
// stored), each record's fields are digested again and compared with the
// digest its audit event holds (a field changed in the database), each
// record the trail says was added and never deleted must still exist, and
// the audit chain itself must hold (else the digests could have been
// rewritten with it).
func (s *Service) Verify(ctx context.Context) (*vigil.EvidenceReport, error) {
	all, err := s.db.FindEvidence(ctx, vigil.EvidenceFilter{AllVersions: true})
	if err != nil {
		return nil, err
	}
	audited, err := s.db.FindEvidenceAudit(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b *vigil.Evidence) int { return cmp.Compare(a.ID, b.ID) })
	rep := &vigil.EvidenceReport{Records: len(all), Problems: []vigil.EvidenceProblem{}}
	add := func(p vigil.EvidenceProblem) { rep.Problems = append(rep.Problems, p) }

	hashed := map[string]error{}
	present := map[int64]bool{}
	for _, e := range all {
		if err := ctx.Err(); err != nil {
			return nil, vigil.WrapError(vigil.EUNAVAILABLE, "verifying the evidence: interrupted", err)
		}
		present[e.ID] = true
		ferr, done := hashed[e.Key]
		if !done {
			ferr = s.blobs.Verify(e.Key)
			hashed[e.Key] = ferr
		}
		var ce *blob.ChangedError
		switch {
		case ferr == nil:
		case errors.Is(ferr, blob.ErrNotFound):
			add(vigil.EvidenceProblem{EvidenceID: e.ID, Key: e.Key, Kind: "file-missing",
				Detail: fmt.Sprintf("evidence %d (%s): file %s is missing", e.ID, e.Title, s.blobs.Path(e.Key))})
		case errors.As(ferr, &ce):
			add(vigil.EvidenceProblem{EvidenceID: e.ID, Key: e.Key, Kind: "file-changed",
				Detail: fmt.Sprintf("evidence %d (%s): file %s has changed (it now hashes to %s)", e.ID, e.Title, s.blobs.Path(e.Key), ce.Got)})
		default:
			return nil, vigil.WrapError(vigil.EUNAVAILABLE, "cannot read the evidence files", ferr)
		}
		a, ok := audited[e.ID]
		switch {
		case !ok || a.Digest == "":
			add(vigil.EvidenceProblem{EvidenceID: e.ID, Key: e.Key, Kind: "record-unaudited",
				Detail: fmt.Sprintf("evidence %d (%s): the record has no audit event (it was written outside Vigil)", e.ID, e.Title)})
		case a.Digest != e.Digest():
			add(vigil.EvidenceProblem{EvidenceID: e.ID, Key: e.Key, Kind: "record-changed",
				Detail: fmt.Sprintf("evidence %d (%s): the record has changed since it was stored (its fields no longer match the digest in the audit trail)", e.ID, e.Title)})
		}
	}
	rep.Files = len(hashed)
	ids := make([]int64, 0, len(audited))
	for id := range audited {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if a := audited[id]; !present[id] && !a.Deleted {
			add(vigil.EvidenceProblem{EvidenceID: id, Kind: "record-missing",
				Detail: fmt.Sprintf("evidence %d: the record is missing (the audit trail records it added and never deleted)", id)})
		}
	}
	if _, brk, err := s.db.VerifyAuditLog(ctx); err != nil {
		return nil, err
	} else if brk != nil {
		add(vigil.EvidenceProblem{Kind: "audit-chain", Detail: fmt.Sprintf("the audit trail is broken at event %d: %s", brk.Seq, brk.Reason)})
	}
	return rep, nil
}

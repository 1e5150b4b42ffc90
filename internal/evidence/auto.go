package evidence

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/cellsafe"
	"github.com/vigil-health/vigil/internal/store"
)

// Automatic evidence: after every import, discovery run, feed update and the
// evaluation they trigger, Vigil stores what each produced as dated evidence
// of the controls it serves, without anyone asking. The artefacts hold no
// time of their own (no "generated at"), so an unchanged inventory gives the
// same bytes, the same content key, and is not stored again: the record of
// its first collection stands. A changed artefact is the next version of
// the previous one. The controls each serves (kept short on purpose; see
// docs/evidence.md):
//
//	Inventory snapshot (CSV of the live devices)   inventory   hipaa 164.310(d)(1), csf2 ID.AM-01, hicp 5.M.A, hph-cpg HPH-CPG-X11
//	Network findings (JSON)                        monitoring  csf2 DE.CM-01
//	Vulnerability matches (JSON)                   vulnerability-management  csf2 ID.RA-01, hipaa 164.308(a)(1)(ii)(A)
//	Evaluation: FRAMEWORK (JSON, the latest run)   governance  hipaa 164.308(a)(8), csf2 ID.IM-01; other frameworks by area only
var (
	inventoryControls = refs("hipaa:164.310(d)(1)", "csf2:ID.AM-01", "hicp:5.M.A", "hph-cpg:HPH-CPG-X11")
	findingControls   = refs("csf2:DE.CM-01")
	matchControls     = refs("csf2:ID.RA-01", "hipaa:164.308(a)(1)(ii)(A)")
	// evaluationControls are the controls asking for periodic evaluation,
	// by the framework evaluated.
	evaluationControls = map[string][]vigil.ControlRef{
		"hipaa": refs("hipaa:164.308(a)(8)"),
		"csf2":  refs("csf2:ID.IM-01"),
	}
)

func refs(ids ...string) []vigil.ControlRef {
	out := make([]vigil.ControlRef, len(ids))
	for i, id := range ids {
		r, err := vigil.ParseControlRef(id)
		if err != nil {
			panic(err) // a typo in the table above
		}
		out[i] = r
	}
	return out
}

// artefact is one piece of automatic evidence before it is stored.
type artefact struct {
	title, file, media string
	area               vigil.EvidenceArea
	controls           []vigil.ControlRef
	collected          time.Time
	content            []byte
}

// Changed stores the current artefacts as automatic evidence: the shape of
// inventory.Observer and exposure.Observer, so the binary tells it after
// every change has committed (and after the compliance service has
// evaluated). It returns how the storing went; the change itself is saved.
func (s *Service) Changed(ctx context.Context, actor *vigil.User) error {
	_, err := s.Collect(ctx, actor)
	return err
}

// Collect stores every artefact whose content is not held yet and returns
// the records it added.
func (s *Service) Collect(ctx context.Context, actor *vigil.User) ([]*vigil.Evidence, error) {
	arts, err := s.artefacts(ctx)
	if err != nil {
		return nil, err
	}
	auto := true
	var pending []*vigil.Evidence
	for _, a := range arts {
		key, size, err := s.blobs.Put(ctx, bytes.NewReader(a.content))
		if err != nil {
			return nil, vigil.WrapError(vigil.EUNAVAILABLE, "cannot store automatic evidence", err)
		}
		held, err := s.db.FindEvidence(ctx, vigil.EvidenceFilter{Key: key, Title: a.title, Auto: &auto, AllVersions: true, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(held) > 0 {
			continue // the same artefact, stored once
		}
		e := &vigil.Evidence{Key: key, Size: size, Title: a.title, FileName: a.file, MediaType: a.media,
			Areas: []vigil.EvidenceArea{a.area}, Controls: slices.Clone(a.controls), CollectedAt: a.collected, EffectiveFrom: a.collected, Auto: true}
		prev, err := s.db.FindEvidence(ctx, vigil.EvidenceFilter{Title: a.title, Auto: &auto, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(prev) > 0 {
			e.Supersedes = prev[0].ID
		}
		pending = append(pending, e)
	}
	if len(pending) == 0 {
		return nil, nil
	}
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		for _, e := range pending {
			if err := tx.AddEvidence(ctx, actor, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pending, nil
}

// artefacts builds the current artefacts, skipping empty ones.
func (s *Service) artefacts(ctx context.Context) ([]artefact, error) {
	now := s.db.Now()
	var out []artefact
	inv, n, err := s.inventoryCSV(ctx)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		out = append(out, artefact{"Inventory snapshot", "inventory.csv", "text/csv", vigil.EvidenceAreaInventory, inventoryControls, now, inv})
	}
	findings, err := s.db.FindFindings(ctx, nil)
	if err != nil {
		return nil, err
	}
	if len(findings) > 0 {
		b, err := marshal(findings)
		if err != nil {
			return nil, err
		}
		out = append(out, artefact{"Network findings", "findings.json", "application/json", vigil.EvidenceAreaMonitoring, findingControls, now, b})
	}
	matches, err := s.db.FindMatches(ctx, vigil.MatchFilter{})
	if err != nil {
		return nil, err
	}
	if len(matches) > 0 {
		slices.SortFunc(matches, func(a, b vigil.VulnMatch) int {
			return cmp.Or(cmp.Compare(a.DeviceID, b.DeviceID), cmp.Compare(a.VulnID, b.VulnID), cmp.Compare(a.AdvisoryID, b.AdvisoryID),
				cmp.Compare(a.Basis, b.Basis), cmp.Compare(a.Criteria, b.Criteria), cmp.Compare(a.Component, b.Component))
		})
		b, err := marshal(matches)
		if err != nil {
			return nil, err
		}
		out = append(out, artefact{"Vulnerability matches", "matches.json", "application/json", vigil.EvidenceAreaVulnerabilityManagement, matchControls, now, b})
	}
	cat, err := s.cats.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	for _, fw := range cat.Frameworks() {
		ev, err := s.db.FindEvaluation(ctx, fw.ID, 0)
		if vigil.ErrorCode(err) == vigil.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		at := ev.At
		// The run's id and times change with every run; the verdicts are
		// the artefact.
		ev.ID, ev.At, ev.RanAt = 0, time.Time{}, time.Time{}
		b, err := marshal(ev)
		if err != nil {
			return nil, err
		}
		out = append(out, artefact{"Evaluation: " + fw.ID, "evaluation-" + fw.ID + ".json", "application/json", vigil.EvidenceAreaGovernance,
			evaluationControls[fw.ID], at, b})
	}
	return out, nil
}

func marshal(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, vigil.WrapError(vigil.EINTERNAL, "encoding automatic evidence", err)
	}
	return append(b, '\n'), nil
}

// inventoryColumns are the inventory snapshot's columns: what identifies a
// device and what an auditor samples, never when it was last seen (which
// changes with every import and would make every snapshot new).
var inventoryColumns = []string{"id", "asset_tag", "serial", "manufacturer", "model", "device_type", "firmware", "mac", "ip", "hostname",
	"location", "owner_team", "stores_ephi", "sends_ephi", "criticality", "lifecycle"}

// inventoryCSV writes the live devices as CSV and returns how many.
func (s *Service) inventoryCSV(ctx context.Context) ([]byte, int, error) {
	var buf bytes.Buffer
	w := cellsafe.NewWriter(&buf) // values from imported files may hold formulas
	w.Write(inventoryColumns)
	n := 0
	err := s.db.ScanDevices(ctx, vigil.DeviceFilter{}, func(d *vigil.Device) error {
		n++
		return w.Write([]string{strconv.FormatInt(d.ID, 10), d.AssetTag, d.Serial, d.Manufacturer, d.Model, d.DeviceType, d.Firmware, d.MAC, d.IP,
			d.Hostname, d.Location, d.OwnerTeam, strconv.FormatBool(d.StoresEPHI), strconv.FormatBool(d.SendsEPHI), string(d.Criticality), string(d.Lifecycle)})
	})
	if err != nil {
		return nil, 0, err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, 0, vigil.WrapError(vigil.EINTERNAL, "writing the inventory snapshot", err)
	}
	return buf.Bytes(), n, nil
}

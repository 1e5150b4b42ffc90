// Package exposure holds the use cases of vulnerability exposure: importing
// feeds and SBOMs, matching the live inventory against them, and assessing
// each device's clinical risk. It runs the pure engines (internal/feeds,
// internal/match, internal/risk) and the store inside store transactions.
package exposure

import (
	"context"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/store"
)

// Service is the exposure use cases over one store.
type Service struct {
	db       *store.DB
	cls      *classify.Classifier
	observer vigil.Observer // told after a feed import commits
}

// Notify makes o the observer told after every feed import that commits;
// it returns s. The binary wires it once, before use.
func (s *Service) Notify(o vigil.Observer) *Service {
	s.observer = o
	return s
}

// New returns the exposure service; cls says which device types are
// connected to patients.
func New(db *store.DB, cls *classify.Classifier) *Service {
	return &Service{db: db, cls: cls}
}

// FeedFile is one parsed feed or SBOM file to record.
type FeedFile struct {
	Name  string       // the file's name, for provenance and errors
	Batch *feeds.Batch // a feed file
	SBOM  *vigil.SBOM  // or an SBOM
}

// ImportFeeds records feed and SBOM files in one transaction, merging each
// vulnerability with what earlier feeds said of it (scores side by side),
// and then re-matches every device. A failure changes nothing.
func (s *Service) ImportFeeds(ctx context.Context, actor *vigil.User, files []FeedFile) (*vigil.FeedResult, error) {
	res := &vigil.FeedResult{Files: len(files)}
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		for _, f := range files {
			counts := map[string]int{}
			format := "sbom"
			if f.Batch != nil {
				format = string(f.Batch.Format)
				if err := recordBatch(ctx, tx, f.Name, f.Batch, counts); err != nil {
					return err
				}
			} else if f.SBOM != nil {
				if err := recordSBOM(ctx, tx, f.Name, f.SBOM, counts); err != nil {
					return err
				}
			}
			if err := tx.RecordFeedImport(ctx, actor, f.Name, format, counts); err != nil {
				return err
			}
			res.Vulnerabilities += counts["vulnerabilities"]
			res.KEV += counts["kev"]
			res.EPSS += counts["epss"]
			res.Advisories += counts["advisories"]
			res.SBOMs += counts["sboms"]
			res.VEX += counts["vex"]
		}
		n, err := s.Rematch(ctx, tx, actor)
		res.Matches = n
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := vigil.TellChanged(ctx, s.observer, actor, "the feeds were saved"); err != nil {
		return res, err
	}
	return res, nil
}

// recordBatch stores one feed file: its vulnerabilities merged with the
// stored ones, KEV entries, the newest EPSS scores, advisories and VEX.
func recordBatch(ctx context.Context, tx *store.Tx, name string, b *feeds.Batch, counts map[string]int) error {
	if len(b.Vulnerabilities) > 0 {
		ids := make([]string, 0, len(b.Vulnerabilities))
		for _, v := range b.Vulnerabilities {
			ids = append(ids, v.ID)
		}
		existing, err := tx.Vulnerabilities(ctx, ids)
		if err != nil {
			return err
		}
		c := feeds.NewCorpus()
		c.Add(&feeds.Batch{Vulnerabilities: existing})
		c.Add(&feeds.Batch{Vulnerabilities: b.Vulnerabilities})
		for _, v := range c.List() {
			if err := tx.UpsertVulnerability(ctx, v); err != nil {
				return err
			}
		}
		counts["vulnerabilities"] = len(b.Vulnerabilities)
	}
	for _, k := range b.KEV {
		if err := tx.UpsertKEV(ctx, k); err != nil {
			return err
		}
	}
	counts["kev"] = len(b.KEV)
	latest := feeds.LatestEPSS(b.EPSS)
	for cve, e := range latest {
		if err := tx.UpsertEPSS(ctx, cve, e); err != nil {
			return err
		}
	}
	counts["epss"] = len(latest)
	for _, a := range b.Advisories {
		if err := tx.UpsertAdvisory(ctx, a); err != nil {
			return err
		}
	}
	counts["advisories"] = len(b.Advisories)
	counts["vex"] = len(b.VEX)
	return tx.ReplaceVEX(ctx, "feed:"+name, b.VEX)
}

// recordSBOM stores one SBOM and the VEX statements it carries.
func recordSBOM(ctx context.Context, tx *store.Tx, name string, sb *vigil.SBOM, counts map[string]int) error {
	if sb.Model == "" {
		// Nothing in the document says what it describes: keep it under its
		// file name, where no device will match it until it is attached
		// with 'feeds import --manufacturer --model --firmware'.
		sb.Model = name
	}
	if err := tx.UpsertSBOM(ctx, name, sb); err != nil {
		return err
	}
	counts["sboms"] = 1
	counts["vex"] = len(sb.VEX)
	return tx.ReplaceVEX(ctx, "sbom:"+name, sb.VEX)
}

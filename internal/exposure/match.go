package exposure

import (
	"context"
	"runtime"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
	"github.com/vigil-health/vigil/internal/store"
)

// RefreshMatches matches every live device against the stored
// vulnerabilities, advisories, SBOMs and VEX statements in one transaction
// and replaces the stored matches. It returns the number of matches.
func (s *Service) RefreshMatches(ctx context.Context, actor *vigil.User) (int, error) {
	var n int
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		n, err = s.Rematch(ctx, tx, actor)
		return err
	})
	return n, err
}

// Rematch matches every live device inside tx and replaces the stored
// matches; internal/inventory calls it whenever devices came, went or
// changed maker, model or firmware, so that matches never describe an
// inventory that no longer exists.
func (s *Service) Rematch(ctx context.Context, tx *store.Tx, actor *vigil.User) (int, error) {
	vulns, err := tx.Vulnerabilities(ctx, nil)
	if err != nil {
		return 0, err
	}
	advs, err := tx.Advisories(ctx)
	if err != nil {
		return 0, err
	}
	if len(vulns) == 0 && len(advs) == 0 {
		// Nothing to match against: no feed imported yet.
		_, err := tx.ReplaceMatches(ctx, actor, nil, nil)
		return 0, err
	}
	sbomList, err := tx.SBOMs(ctx)
	if err != nil {
		return 0, err
	}
	sboms := make(map[string]*vigil.SBOM, len(sbomList))
	for _, sb := range sbomList {
		sboms[vigil.SBOMKey(sb.Model, sb.Firmware)] = sb
	}
	vex, err := tx.FeedVEX(ctx)
	if err != nil {
		return 0, err
	}
	live, err := tx.CurrentDevices(ctx)
	if err != nil {
		return 0, err
	}
	ix := match.NewIndex(vulns, advs, match.Options{})
	ids := make([]int64, 0, len(live))
	for id := range live {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	targets := make([]match.Target, len(ids))
	for i, id := range ids {
		d := live[id]
		t := match.TargetFor(d)
		if sb := sboms[vigil.SBOMKey(d.Model, d.Firmware)]; sb != nil && vigil.SameMaker(sb.Manufacturer, d.Manufacturer) {
			t.Components, t.VEX = sb.Components, sb.VEX
		}
		model := strings.ToLower(d.Model)
		for _, v := range vex {
			if p := strings.ToLower(v.Product); p != "" && model != "" && strings.Contains(p, model) {
				t.VEX = append(t.VEX, v)
			}
		}
		targets[i] = t
	}
	all, err := ix.MatchAll(ctx, targets, runtime.GOMAXPROCS(0))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ms := range all {
		n += len(ms)
	}
	return tx.ReplaceMatches(ctx, actor, all, map[string]int{"devices": len(targets), "vulnerabilities": ix.Len(), "matches": n})
}

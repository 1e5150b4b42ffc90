package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// FindEvaluationAt returns the stored run of a framework in force at asOf:
// the newest run whose evaluation time is not after it. It returns
// ENOTFOUND when the framework had no run by then.
func (db *DB) FindEvaluationAt(ctx context.Context, framework string, asOf time.Time) (*vigil.Evaluation, error) {
	var id int64
	err := db.queryRow(ctx, `SELECT id FROM evaluations WHERE framework = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1`,
		framework, fmtTime(asOf)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no evaluation of %s by %s", framework, asOf.UTC().Format("2006-01-02"))
	} else if err != nil {
		return nil, dbErr("reading an evaluation", err)
	}
	return db.FindEvaluation(ctx, framework, id)
}

// FindNetworkFindingsAt lists the network findings in force at asOf,
// optionally of one code, in the order FindNetworkFindings gives, each with
// the device that had its MAC (or, without a MAC, its IP) then.
func (db *DB) FindNetworkFindingsAt(ctx context.Context, code string, asOf time.Time) ([]*vigil.DeviceFinding, error) {
	all, err := db.FindFindings(ctx, &asOf)
	if err != nil {
		return nil, err
	}
	devs, _, err := db.FindDevices(ctx, vigil.DeviceFilter{AsOf: &asOf})
	if err != nil {
		return nil, err
	}
	// The lowest id wins, as in FindNetworkFindings.
	byMAC, byIP := map[string]int64{}, map[string]int64{}
	for _, d := range devs {
		if m := strings.ToLower(d.MAC); m != "" && (byMAC[m] == 0 || d.ID < byMAC[m]) {
			byMAC[m] = d.ID
		}
		if d.IP != "" && (byIP[d.IP] == 0 || d.ID < byIP[d.IP]) {
			byIP[d.IP] = d.ID
		}
	}
	var out []*vigil.DeviceFinding
	for _, f := range all {
		if code != "" && f.Code != code {
			continue
		}
		if f.MAC != "" {
			f.DeviceID = byMAC[strings.ToLower(f.MAC)]
		} else {
			f.DeviceID = byIP[f.IP]
		}
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(a, b *vigil.DeviceFinding) int {
		return cmp.Or(strings.Compare(a.Code, b.Code), strings.Compare(a.DeviceKey, b.DeviceKey))
	})
	return out, nil
}

// ScanObservationsAt hands fn every network observation in force at asOf:
// recorded by a discovery run before then and not superseded by a later
// one. It is ScanObservations as of a date.
func (db *DB) ScanObservationsAt(ctx context.Context, asOf time.Time, fn func(*vigil.ObservedDevice) error) error {
	at := fmtTime(asOf)
	rows, err := db.query(ctx, `SELECT o.data FROM network_observations o JOIN discovery_runs r ON r.id = o.run_id
		WHERE r.recorded_at <= ? AND (o.valid_to IS NULL OR o.valid_to > ?) ORDER BY o.id`, at, at)
	if err != nil {
		return dbErr("reading observations", err)
	}
	return dbErr("reading observations", scanJSON(rows, fn))
}

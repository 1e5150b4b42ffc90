package web

import (
	"net/http"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

type networkPage struct {
	pageBase
	Segments []*vigil.SegmentFlow
	Matrix   *segMatrix
	Findings []findingRow
	Runs     []runRow
	Code     string
	AsOf     asOfForm
}

// findingRow is a finding with its device named as the inventory names it:
// by the MAC or address seen only when no device matches.
type findingRow struct {
	*vigil.DeviceFinding
	Dev deviceRef
}

// runRow is a discovery run as the page shows it.
type runRow struct {
	ID                    int64
	Recorded, First, Last time.Time
	Actor, Files          string
	Packets, Bytes        int64
	Devices, Flows        int
}

func (s *Server) networkPage(w http.ResponseWriter, r *http.Request) error {
	segs, err := s.db.FindSegmentFlows(r.Context())
	if err != nil {
		return err
	}
	code := r.URL.Query().Get("code")
	at, err := asOfParam(r.URL.Query())
	if err != nil {
		return err
	}
	var fs []*vigil.DeviceFinding
	if at != nil {
		// The findings in force then; the conversations and runs below are
		// every one recorded.
		fs, err = s.db.FindNetworkFindingsAt(r.Context(), code, *at)
	} else {
		fs, err = s.db.FindNetworkFindings(r.Context(), code)
	}
	if err != nil {
		return err
	}
	ids := make([]int64, len(fs))
	for i, f := range fs {
		ids[i] = f.DeviceID
	}
	names, err := s.deviceNamer(r.Context(), ids)
	if err != nil {
		return err
	}
	findings := make([]findingRow, len(fs))
	for i, f := range fs {
		seen := f.MAC
		if seen == "" {
			seen = f.IP
		}
		findings[i] = findingRow{DeviceFinding: f, Dev: names.ref(f.DeviceID, seen)}
	}
	runs, err := s.db.FindDiscoveryRuns(r.Context(), 10)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "network", &networkPage{pageBase: pageBase{Title: "Network", Nav: "network"}, Segments: segs, Matrix: newSegMatrix(segs),
		Findings: findings, Runs: runRows(runs), Code: code, AsOf: newAsOfForm(r, at)})
	return nil
}

// runRows types the store's runs (the API's maps) for the page.
func runRows(runs []map[string]any) []runRow {
	out := make([]runRow, 0, len(runs))
	for _, m := range runs {
		var r runRow
		r.ID, _ = m["id"].(int64)
		r.Actor, _ = m["actor"].(string)
		files, _ := m["files"].([]string)
		r.Files = strings.Join(files, ", ")
		r.Recorded, _ = m["recorded_at"].(time.Time)
		r.First, _ = m["first_seen"].(time.Time)
		r.Last, _ = m["last_seen"].(time.Time)
		r.Packets, _ = m["packets"].(int64)
		r.Bytes, _ = m["bytes"].(int64)
		r.Devices, _ = m["devices"].(int)
		r.Flows, _ = m["flows"].(int)
		out = append(out, r)
	}
	return out
}

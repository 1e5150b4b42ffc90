package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/risk"
)

// riskList writes the ranked worklist: a table, or JSON or CSV.
func riskList(ctx context.Context, m *Main, c *invCmd, as []risk.Assessment) error {
	t := &table{header: []string{"RANK", "DEVICE", "TYPE", "CRITICALITY", "RISK", "SSVC", "OPEN_VULNS", "TOP_FACTORS"}}
	devs := map[int64]*vigil.Device{}
	for i, a := range as {
		d, err := c.db.FindDeviceByID(ctx, a.DeviceID)
		if err != nil {
			return err
		}
		devs[a.DeviceID] = d
		open := 0
		for _, p := range a.Vulns {
			if p.Status == vigil.StatusAffected && !p.Remediated {
				open++
			}
		}
		var top []string
		for _, x := range a.Factors {
			if x.Contribution >= 5 {
				top = append(top, fmt.Sprintf("%s %.0f", x.Name, x.Contribution))
			}
		}
		t.add(strconv.Itoa(i+1), fmt.Sprintf("%d %s", d.ID, d.Label()), d.DeviceType, string(d.Criticality), fmt.Sprintf("%.1f", a.Score), string(a.Decision), strconv.Itoa(open), strings.Join(top, ", "))
	}
	return emit(m.Stdout, c.format, map[string]any{"worklist": as}, func() *table { return t })
}

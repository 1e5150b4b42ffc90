package main

import (
	"fmt"

	"github.com/vigil-health/vigil/internal/risk"
)

// riskShow writes one device's risk as a table: its score, the factors
// behind it and its vulnerabilities.
func riskShow(m *Main, as []risk.Assessment) error {
	if len(as) == 0 {
		fmt.Fprintln(m.Stdout, "no vulnerability matches this device")
		return nil
	}
	a := as[0]
	fmt.Fprintf(m.Stdout, "device %d: risk %.1f of 100, SSVC %s\n\n", a.DeviceID, a.Score, a.Decision)
	t := &table{header: []string{"FACTOR", "VALUE", "WEIGHT", "CONTRIBUTION", "WHY"}}
	for _, x := range a.Factors {
		t.add(x.Name, fmt.Sprintf("%.2f", x.Value), fmt.Sprintf("%.2f", x.Weight), fmt.Sprintf("%.1f", x.Contribution), x.Detail)
	}
	t.writeText(m.Stdout)
	fmt.Fprintln(m.Stdout)
	v := &table{header: []string{"VULNERABILITY", "STATUS", "CVSS", "SOURCE", "EPSS", "KEV_DUE", "SSVC", "FIXED_IN"}}
	for _, p := range a.Vulns {
		due := ""
		if p.KEV {
			due = p.KEVDue.Format("2006-01-02")
		}
		v.add(p.VulnID, string(p.Status), fmt.Sprintf("%.1f", p.Score.Base), p.Score.Source, fmt.Sprintf("%.4f", p.EPSS), due, string(p.Decision), p.FixedIn)
	}
	return v.writeText(m.Stdout)
}

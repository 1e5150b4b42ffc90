package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/compliance"
)

func evaluateCommand() *command {
	return &command{
		name:    "evaluate",
		summary: "decide every control of a framework: evaluate [--framework ID] [--at DATE]",
		usage:   []string{"[--framework ID] [--at DATE] [--format table|json|csv]"},
		about: "Decides every control of a framework (of every framework without --framework) " +
			"from the checks' verdicts on every device and the attestations in force; --at " +
			"decides from what Vigil knew on that date. Each run is stored and dated.",
		examples: []string{
			"vigil evaluate --framework hipaa",
			"vigil evaluate --framework csf2 --at 2026-06-30 --format json",
		},
		run: runEvaluate,
	}
}

func runEvaluate(ctx context.Context, m *Main, args []string) error {
	var framework, at *string
	c, pos, err := openInv(ctx, m, "evaluate", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		framework = fs.String("framework", "", "the framework's id: hipaa, hipaa-2025-proposed, csf2, hicp, hph-cpg, fda-524b or an imported one")
		at = fs.String("at", "", "evaluate from what Vigil knew at this date (2006-01-02, the end of that day) or time (RFC 3339)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("unexpected argument %q: evaluate takes only flags", pos[0])
	}
	opt := compliance.EvalOptions{Framework: *framework, Keep: true}
	if *at != "" {
		t, err := parseAt(*at)
		if err != nil {
			return err
		}
		opt.At = &t
	}
	comp, err := m.compliance(c.db)
	if err != nil {
		return err
	}
	evs, err := comp.Evaluate(ctx, m.actor(), opt)
	if err != nil {
		return err
	}
	switch {
	case c.format == "json" && *framework != "":
		return writeJSONOut(m.Stdout, evs[0])
	case c.format == "json":
		return writeJSONOut(m.Stdout, evs)
	case c.format == "csv":
		return evaluationRows(evs).writeCSV(m.Stdout)
	case *framework != "":
		if err := evaluationRows(evs).writeText(m.Stdout); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "\n%s at %s: %s\n", evs[0].Framework, evs[0].At.Format(time.RFC3339), summaryLine(evs[0].Summary))
		return nil
	}
	t := &table{header: []string{"FRAMEWORK", "CONTROLS", "MET", "PARTIALLY_MET", "NOT_MET", "NOT_APPLICABLE", "NOT_ASSESSED"}}
	for _, ev := range evs {
		t.add(ev.Framework, strconv.Itoa(len(ev.Controls)), strconv.Itoa(ev.Summary[vigil.VerdictMet]), strconv.Itoa(ev.Summary[vigil.VerdictPartiallyMet]),
			strconv.Itoa(ev.Summary[vigil.VerdictNotMet]), strconv.Itoa(ev.Summary[vigil.VerdictNotApplicable]), strconv.Itoa(ev.Summary[vigil.VerdictNotAssessed]))
	}
	return t.writeText(m.Stdout)
}

// evaluationRows is one row per control: its verdict and the evidence.
func evaluationRows(evs []*vigil.Evaluation) *table {
	t := &table{header: []string{"FRAMEWORK", "CONTROL", "VERDICT", "FAILING_DEVICES", "CHECKS", "ATTESTATIONS", "TITLE"}}
	for _, ev := range evs {
		for _, ce := range ev.Controls {
			ids := make([]string, len(ce.Checks))
			for i, ch := range ce.Checks {
				ids[i] = ch.ID
			}
			devs := map[int64]bool{}
			for _, fd := range ce.FailingDevices {
				devs[fd.ID] = true
			}
			t.add(ev.Framework, ce.ID, string(ce.Verdict), strconv.Itoa(len(devs)), strings.Join(ids, ","), strconv.Itoa(len(ce.Attestations)), ce.Title)
		}
	}
	return t
}

// summaryLine counts the verdicts, best first.
func summaryLine(sum map[vigil.Verdict]int) string {
	var parts []string
	for _, v := range vigil.Verdicts() {
		parts = append(parts, fmt.Sprintf("%d %s", sum[v], v))
	}
	return strings.Join(parts, ", ")
}

// parseAt reads a date (the end of that day, UTC) or an RFC 3339 time.
func parseAt(s string) (time.Time, error) {
	t, err := parseAsOf(s)
	if err != nil {
		return t, usagef("--at must be a date (2006-01-02) or an RFC 3339 time")
	}
	return t, nil
}

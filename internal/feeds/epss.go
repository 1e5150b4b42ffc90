package feeds

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// parseEPSS reads FIRST's daily EPSS CSV:
//
//	#model_version:v2025.03.14,score_date:2025-03-17T00:00:00+0000
//	cve,epss,percentile
//	CVE-1999-0001,0.0123,0.85
//
// or a per-CVE time series (date,model,epss,percentile), whose CVE id comes
// from the file name (CVE-2023-43208.epss.csv).
func parseEPSS(ctx context.Context, name string, r io.Reader, lim bound.Limits, b *Batch) error {
	g := newCSVGuard(r, name, lim)
	br := bufio.NewReader(g)
	var model string
	var date time.Time
	lineOff := 0
	first, err := br.Peek(1)
	if err == nil && first[0] == '#' {
		line, err := br.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("feeds: parse %s: line 1: %w", name, err)
		}
		lineOff = 1
		for kv := range strings.SplitSeq(strings.TrimSpace(strings.TrimPrefix(line, "#")), ",") {
			k, v, _ := strings.Cut(kv, ":")
			switch strings.TrimSpace(k) {
			case "model_version":
				model = strings.TrimSpace(v)
			case "score_date":
				v = strings.TrimSpace(v)
				if len(v) >= 10 {
					if date, err = time.Parse("2006-01-02", v[:10]); err != nil {
						return fmt.Errorf("feeds: parse %s: line 1: bad score_date %q", name, truncate(v, 40))
					}
				}
			}
		}
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return csvErr(name, cr, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	series := false
	seriesCVE := ""
	if _, ok := col["cve"]; !ok {
		if _, ok := col["date"]; !ok {
			return fmt.Errorf("feeds: parse %s: line %d: EPSS header lacks a cve or date column", name, 1+lineOff)
		}
		series = true
		seriesCVE = cveFromName(name)
		if seriesCVE == "" {
			return fmt.Errorf("feeds: parse %s: an EPSS time series needs the CVE id in its file name", name)
		}
	}
	for _, c := range []string{"epss", "percentile"} {
		if _, ok := col[c]; !ok {
			return fmt.Errorf("feeds: parse %s: line %d: EPSS header lacks column %q", name, 1+lineOff, c)
		}
	}
	return eachCSVRow(ctx, g, cr, len(header), lineOff, func(rec []string, line int) error {
		var err error
		e := vigil.EPSSRecord{CVE: seriesCVE, EPSS: vigil.EPSS{Date: date, Model: model}}
		if !series {
			e.CVE = strings.TrimSpace(rec[col["cve"]])
			if !isCVE(e.CVE) {
				return fmt.Errorf("feeds: parse %s: line %d: %q is not a CVE id", name, line, truncate(e.CVE, 40))
			}
		} else {
			if e.Date, err = time.Parse("2006-01-02", strings.TrimSpace(rec[col["date"]])); err != nil {
				return fmt.Errorf("feeds: parse %s: line %d: bad date %q", name, line, truncate(rec[col["date"]], 40))
			}
			if i, ok := col["model"]; ok {
				e.Model = strings.TrimSpace(rec[i])
			}
		}
		if e.Score, err = probability(rec[col["epss"]]); err != nil {
			return fmt.Errorf("feeds: parse %s: line %d: epss: %w", name, line, err)
		}
		if e.Percentile, err = probability(rec[col["percentile"]]); err != nil {
			return fmt.Errorf("feeds: parse %s: line %d: percentile: %w", name, line, err)
		}
		b.EPSS = append(b.EPSS, e)
		return nil
	})
}

func probability(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1 || f != f {
		return 0, fmt.Errorf("%q is not a probability between 0 and 1", truncate(s, 40))
	}
	return f, nil
}

// cveFromName returns the CVE id a file name starts with, or "".
func cveFromName(name string) string {
	base := strings.ToUpper(path.Base(strings.ReplaceAll(name, "\\", "/")))
	if !strings.HasPrefix(base, "CVE-") {
		return ""
	}
	end := 4
	for end < len(base) && (base[end] >= '0' && base[end] <= '9' || base[end] == '-' && end == 8) {
		end++
	}
	if id := base[:end]; isCVE(id) {
		return id
	}
	return ""
}

// LatestEPSS returns, per CVE, the record with the newest date.
func LatestEPSS(rs []vigil.EPSSRecord) map[string]vigil.EPSS {
	out := make(map[string]vigil.EPSS, len(rs))
	for _, r := range rs {
		if old, ok := out[r.CVE]; !ok || !r.Date.Before(old.Date) {
			out[r.CVE] = r.EPSS
		}
	}
	return out
}

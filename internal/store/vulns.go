package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"runtime"
	"sort"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/match"
)

// FeedFile is one parsed feed or SBOM file to record.
type FeedFile struct {
	Name  string       // the file's name, for provenance and errors
	Batch *feeds.Batch // a feed file
	SBOM  *vigil.SBOM  // or an SBOM
}

// FeedResult says what recording feed files did.
type FeedResult struct {
	Files           int `json:"files"`
	Vulnerabilities int `json:"vulnerabilities"`
	KEV             int `json:"kev"`
	EPSS            int `json:"epss"`
	Advisories      int `json:"advisories"`
	SBOMs           int `json:"sboms"`
	VEX             int `json:"vex"`
	Matches         int `json:"matches"`
}

// ImportFeeds records feed and SBOM files in one transaction, merging each
// vulnerability with what earlier feeds said of it (scores side by side),
// and then re-matches every device. A failure changes nothing.
func (db *DB) ImportFeeds(ctx context.Context, actor *vigil.User, files []FeedFile) (*FeedResult, error) {
	res := &FeedResult{Files: len(files)}
	err := db.inTx(ctx, func(tx *Tx) error {
		for _, f := range files {
			counts := map[string]int{}
			format := "sbom"
			if f.Batch != nil {
				format = string(f.Batch.Format)
				if err := tx.recordBatch(ctx, f.Name, f.Batch, counts); err != nil {
					return err
				}
			} else if f.SBOM != nil {
				if err := tx.recordSBOM(ctx, f.Name, f.SBOM, counts); err != nil {
					return err
				}
			}
			cj, _ := json.Marshal(counts)
			if _, err := tx.exec(ctx, `INSERT INTO feed_imports (actor, file, format, at, counts) VALUES (?, ?, ?, ?, ?)`,
				actorName(actor), f.Name, format, tx.nowText(), string(cj)); err != nil {
				return dbErr("recording a feed", err)
			}
			if err := tx.audit(ctx, actor, "feeds.import", "feed", f.Name, map[string]any{"format": format, "counts": counts}); err != nil {
				return dbErr("recording a feed", err)
			}
			res.Vulnerabilities += counts["vulnerabilities"]
			res.KEV += counts["kev"]
			res.EPSS += counts["epss"]
			res.Advisories += counts["advisories"]
			res.SBOMs += counts["sboms"]
			res.VEX += counts["vex"]
		}
		n, err := tx.refreshMatches(ctx, actor)
		res.Matches = n
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func (tx *Tx) recordBatch(ctx context.Context, name string, b *feeds.Batch, counts map[string]int) error {
	if len(b.Vulnerabilities) > 0 {
		ids := make([]any, 0, len(b.Vulnerabilities))
		for _, v := range b.Vulnerabilities {
			ids = append(ids, v.ID)
		}
		existing, err := tx.loadVulns(ctx, ids)
		if err != nil {
			return err
		}
		c := feeds.NewCorpus()
		c.Add(&feeds.Batch{Vulnerabilities: existing})
		c.Add(&feeds.Batch{Vulnerabilities: b.Vulnerabilities})
		for _, v := range c.List() {
			if err := tx.upsertVuln(ctx, v); err != nil {
				return err
			}
		}
		counts["vulnerabilities"] = len(b.Vulnerabilities)
	}
	for _, k := range b.KEV {
		d, _ := json.Marshal(k)
		if _, err := tx.exec(ctx, `INSERT INTO kev (cve, data, date_added, due_date) VALUES (?, ?, ?, ?)
			ON CONFLICT (cve) DO UPDATE SET data = excluded.data, date_added = excluded.date_added, due_date = excluded.due_date`,
			k.CVE, string(d), fmtTime(k.DateAdded), fmtTime(k.DueDate)); err != nil {
			return dbErr("recording KEV", err)
		}
	}
	counts["kev"] = len(b.KEV)
	latest := feeds.LatestEPSS(b.EPSS)
	for cve, e := range latest {
		if _, err := tx.exec(ctx, `INSERT INTO epss (cve, score, percentile, scored_on, model) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (cve) DO UPDATE SET score = excluded.score, percentile = excluded.percentile, scored_on = excluded.scored_on, model = excluded.model
			WHERE epss.scored_on <= excluded.scored_on`, cve, e.Score, e.Percentile, fmtTime(e.Date), e.Model); err != nil {
			return dbErr("recording EPSS", err)
		}
	}
	counts["epss"] = len(latest)
	for _, a := range b.Advisories {
		d, _ := json.Marshal(a)
		if _, err := tx.exec(ctx, `INSERT INTO advisories (id, publisher, title, released, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET publisher = excluded.publisher, title = excluded.title, released = excluded.released, data = excluded.data, updated_at = excluded.updated_at`,
			a.ID, a.Publisher, a.Title, fmtTime(a.Released), string(d), tx.nowText()); err != nil {
			return dbErr("recording an advisory", err)
		}
	}
	counts["advisories"] = len(b.Advisories)
	counts["vex"] = len(b.VEX)
	return tx.replaceVEX(ctx, "feed:"+name, b.VEX)
}

func (tx *Tx) recordSBOM(ctx context.Context, name string, s *vigil.SBOM, counts map[string]int) error {
	if s.Model == "" {
		// Nothing in the document says what it describes: keep it under its
		// file name, where no device will match it until it is attached
		// with 'feeds import --manufacturer --model --firmware'.
		s.Model = name
	}
	d, _ := json.Marshal(s)
	if _, err := tx.exec(ctx, `INSERT INTO sboms (manufacturer, model, firmware, format, name, file, data, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (manufacturer, model, firmware) DO UPDATE SET format = excluded.format, name = excluded.name, file = excluded.file, data = excluded.data, imported_at = excluded.imported_at`,
		s.Manufacturer, s.Model, s.Firmware, s.Format, s.Name, name, string(d), tx.nowText()); err != nil {
		return dbErr("recording an SBOM", err)
	}
	counts["sboms"] = 1
	counts["vex"] = len(s.VEX)
	return tx.replaceVEX(ctx, "sbom:"+name, s.VEX)
}

func (tx *Tx) replaceVEX(ctx context.Context, origin string, vex []vigil.VEXStatement) error {
	if _, err := tx.exec(ctx, `DELETE FROM vex_statements WHERE origin = ?`, origin); err != nil {
		return dbErr("recording VEX", err)
	}
	for _, v := range vex {
		if _, err := tx.exec(ctx, `INSERT INTO vex_statements (origin, vuln_id, product, component, status, justification, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			origin, v.VulnID, v.Product, v.Component, string(v.Status), v.Justification, v.Detail); err != nil {
			return dbErr("recording VEX", err)
		}
	}
	return nil
}

// upsertVuln stores a merged vulnerability without KEV and EPSS, which live
// in their own tables.
func (tx *Tx) upsertVuln(ctx context.Context, v *vigil.Vulnerability) error {
	c := *v
	c.KEV, c.EPSS = nil, nil
	d, err := json.Marshal(&c)
	if err != nil {
		return dbErr("recording a vulnerability", err)
	}
	_, err = tx.exec(ctx, `INSERT INTO vulnerabilities (id, data, published, cvss, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET data = excluded.data, published = excluded.published, cvss = excluded.cvss, updated_at = excluded.updated_at`,
		v.ID, string(d), fmtTime(v.Published), maxCVSS(v), tx.nowText())
	return dbErr("recording a vulnerability", err)
}

// maxCVSS is the highest base score any source gave.
func maxCVSS(v *vigil.Vulnerability) float64 {
	m := 0.0
	for _, s := range v.Scores {
		m = max(m, s.Base)
	}
	return m
}

// loadVulns reads stored vulnerabilities by id (all when ids is nil).
func (tx *Tx) loadVulns(ctx context.Context, ids []any) ([]*vigil.Vulnerability, error) {
	var out []*vigil.Vulnerability
	scan := func(rows *sql.Rows) error {
		return scanJSON(rows, func(v *vigil.Vulnerability) error {
			out = append(out, v)
			return nil
		})
	}
	if ids == nil {
		rows, err := tx.query(ctx, `SELECT data FROM vulnerabilities ORDER BY id`)
		if err != nil {
			return nil, dbErr("reading vulnerabilities", err)
		}
		return out, dbErr("reading vulnerabilities", scan(rows))
	}
	if err := tx.drain(); err != nil {
		return nil, dbErr("reading vulnerabilities", err)
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		rows, err := tx.QueryContext(ctx, tx.db.dialect.rebind(`SELECT data FROM vulnerabilities WHERE id IN (?`+strings.Repeat(", ?", n-1)+`)`), ids[:n]...)
		if err != nil {
			return nil, dbErr("reading vulnerabilities", err)
		}
		if err := scan(rows); err != nil {
			return nil, dbErr("reading vulnerabilities", err)
		}
		ids = ids[n:]
	}
	return out, nil
}

// RefreshMatches matches every live device against the stored
// vulnerabilities, advisories, SBOMs and VEX statements and replaces the
// stored matches. Imports of inventory sources call it through the CLI.
func (db *DB) RefreshMatches(ctx context.Context, actor *vigil.User) (int, error) {
	var n int
	err := db.inTx(ctx, func(tx *Tx) error {
		var err error
		n, err = tx.refreshMatches(ctx, actor)
		return err
	})
	return n, err
}

// sbomKey identifies the device an SBOM describes: model and firmware;
// makers' names vary too much between sources to be part of the key, and
// sameMaker checks them loosely.
func sbomKey(mfr, model, fw string) string {
	return strings.ToLower(strings.TrimSpace(model)) + "\x00" + strings.ToLower(strings.TrimSpace(fw))
}

// sameMaker reports whether two spellings of a manufacturer plausibly name
// the same company: equal first words, ignoring case and punctuation.
func sameMaker(a, b string) bool {
	first := func(s string) string {
		f := strings.Fields(strings.ToLower(strings.Map(func(r rune) rune {
			if r == '.' || r == ',' {
				return ' '
			}
			return r
		}, s)))
		if len(f) == 0 {
			return ""
		}
		return f[0]
	}
	return a == "" || b == "" || first(a) == first(b)
}

func (tx *Tx) refreshMatches(ctx context.Context, actor *vigil.User) (int, error) {
	vulns, err := tx.loadVulns(ctx, nil)
	if err != nil {
		return 0, err
	}
	advs, err := tx.loadAdvisories(ctx)
	if err != nil {
		return 0, err
	}
	if _, err := tx.exec(ctx, `DELETE FROM vuln_matches`); err != nil {
		return 0, dbErr("matching", err)
	}
	if len(vulns) == 0 && len(advs) == 0 {
		return 0, nil // nothing to match against: no feed imported yet
	}
	sboms, err := tx.loadSBOMs(ctx)
	if err != nil {
		return 0, err
	}
	vex, err := tx.loadVEX(ctx)
	if err != nil {
		return 0, err
	}
	live, err := tx.liveDevices(ctx)
	if err != nil {
		return 0, err
	}
	ix := match.NewIndex(vulns, advs, match.Options{})
	ids := make([]int64, 0, len(live))
	for id := range live {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	targets := make([]match.Target, len(ids))
	for i, id := range ids {
		d := live[id]
		t := match.TargetFor(d)
		if s := sboms[sbomKey(d.Manufacturer, d.Model, d.Firmware)]; s != nil && sameMaker(s.Manufacturer, d.Manufacturer) {
			t.Components, t.VEX = s.Components, s.VEX
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
	b := tx.bulkFor("vuln_matches", "device_id", "vuln_id", "advisory_id", "basis", "confidence", "status", "justification", "fixed_in", "criteria", "component", "reason")
	n := 0
	for _, ms := range all {
		for _, m := range ms {
			if err := b.add(ctx, tx, m.DeviceID, m.VulnID, m.AdvisoryID, string(m.Basis), m.Confidence, string(m.Status), m.Justification, m.FixedIn, m.Criteria, m.Component, m.Reason); err != nil {
				return 0, dbErr("matching", err)
			}
			n++
		}
	}
	if err := b.flush(ctx, tx); err != nil {
		return 0, dbErr("matching", err)
	}
	return n, dbErr("matching", tx.audit(ctx, actor, "vulns.match", "vuln_matches", "all", map[string]int{"devices": len(targets), "vulnerabilities": ix.Len(), "matches": n}))
}

func (tx *Tx) loadAdvisories(ctx context.Context) ([]*vigil.Advisory, error) {
	rows, err := tx.query(ctx, `SELECT data FROM advisories ORDER BY id`)
	if err != nil {
		return nil, dbErr("reading advisories", err)
	}
	var out []*vigil.Advisory
	err = scanJSON(rows, func(a *vigil.Advisory) error {
		out = append(out, a)
		return nil
	})
	return out, dbErr("reading advisories", err)
}

func (tx *Tx) loadSBOMs(ctx context.Context) (map[string]*vigil.SBOM, error) {
	rows, err := tx.query(ctx, `SELECT data FROM sboms`)
	if err != nil {
		return nil, dbErr("reading SBOMs", err)
	}
	out := map[string]*vigil.SBOM{}
	err = scanJSON(rows, func(s *vigil.SBOM) error {
		out[sbomKey(s.Manufacturer, s.Model, s.Firmware)] = s
		return nil
	})
	return out, dbErr("reading SBOMs", err)
}

func (tx *Tx) loadVEX(ctx context.Context) ([]vigil.VEXStatement, error) {
	rows, err := tx.query(ctx, `SELECT origin, vuln_id, product, component, status, justification, detail FROM vex_statements WHERE origin LIKE 'feed:%' ORDER BY id`)
	if err != nil {
		return nil, dbErr("reading VEX", err)
	}
	defer rows.Close()
	var out []vigil.VEXStatement
	for rows.Next() {
		var v vigil.VEXStatement
		var status string
		if err := rows.Scan(&v.Source, &v.VulnID, &v.Product, &v.Component, &status, &v.Justification, &v.Detail); err != nil {
			return nil, dbErr("reading VEX", err)
		}
		v.Status = vigil.ProductStatus(status)
		out = append(out, v)
	}
	return out, dbErr("reading VEX", rows.Err())
}

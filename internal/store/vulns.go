package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// RecordFeedImport records that a feed or SBOM file was imported, with what
// it held, and audits it.
func (tx *Tx) RecordFeedImport(ctx context.Context, actor *vigil.User, file, format string, counts map[string]int) error {
	cj, _ := json.Marshal(counts)
	if _, err := tx.exec(ctx, `INSERT INTO feed_imports (actor, file, format, at, counts) VALUES (?, ?, ?, ?, ?)`,
		actorName(actor), file, format, tx.nowText(), string(cj)); err != nil {
		return dbErr("recording a feed", err)
	}
	return dbErr("recording a feed", tx.audit(ctx, actor, "feeds.import", "feed", file, map[string]any{"format": format, "counts": counts}))
}

// UpsertKEV stores a CISA KEV entry, replacing an earlier one for its CVE.
func (tx *Tx) UpsertKEV(ctx context.Context, k *vigil.KEVEntry) error {
	d, _ := json.Marshal(k)
	_, err := tx.exec(ctx, `INSERT INTO kev (cve, data, date_added, due_date) VALUES (?, ?, ?, ?)
		ON CONFLICT (cve) DO UPDATE SET data = excluded.data, date_added = excluded.date_added, due_date = excluded.due_date`,
		k.CVE, string(d), fmtTime(k.DateAdded), fmtTime(k.DueDate))
	return dbErr("recording KEV", err)
}

// UpsertEPSS stores a CVE's EPSS score unless a newer one is stored.
func (tx *Tx) UpsertEPSS(ctx context.Context, cve string, e vigil.EPSS) error {
	_, err := tx.exec(ctx, `INSERT INTO epss (cve, score, percentile, scored_on, model) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (cve) DO UPDATE SET score = excluded.score, percentile = excluded.percentile, scored_on = excluded.scored_on, model = excluded.model
		WHERE epss.scored_on <= excluded.scored_on`, cve, e.Score, e.Percentile, fmtTime(e.Date), e.Model)
	return dbErr("recording EPSS", err)
}

// UpsertAdvisory stores an advisory, replacing an earlier one of its id.
func (tx *Tx) UpsertAdvisory(ctx context.Context, a *vigil.Advisory) error {
	d, _ := json.Marshal(a)
	_, err := tx.exec(ctx, `INSERT INTO advisories (id, publisher, title, released, data, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET publisher = excluded.publisher, title = excluded.title, released = excluded.released, data = excluded.data, updated_at = excluded.updated_at`,
		a.ID, a.Publisher, a.Title, fmtTime(a.Released), string(d), tx.nowText())
	return dbErr("recording an advisory", err)
}

// UpsertSBOM stores an SBOM under the manufacturer, model and firmware it
// describes, replacing an earlier one; file names where it came from.
func (tx *Tx) UpsertSBOM(ctx context.Context, file string, s *vigil.SBOM) error {
	d, _ := json.Marshal(s)
	_, err := tx.exec(ctx, `INSERT INTO sboms (manufacturer, model, firmware, format, name, file, data, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (manufacturer, model, firmware) DO UPDATE SET format = excluded.format, name = excluded.name, file = excluded.file, data = excluded.data, imported_at = excluded.imported_at`,
		s.Manufacturer, s.Model, s.Firmware, s.Format, s.Name, file, string(d), tx.nowText())
	return dbErr("recording an SBOM", err)
}

// ReplaceVEX replaces the VEX statements that came from one origin
// ("feed:FILE" or "sbom:FILE").
func (tx *Tx) ReplaceVEX(ctx context.Context, origin string, vex []vigil.VEXStatement) error {
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

// UpsertVulnerability stores a merged vulnerability without KEV and EPSS,
// which live in their own tables.
func (tx *Tx) UpsertVulnerability(ctx context.Context, v *vigil.Vulnerability) error {
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

// Vulnerabilities reads stored vulnerabilities by id, all of them in id
// order when ids is nil.
func (tx *Tx) Vulnerabilities(ctx context.Context, ids []string) ([]*vigil.Vulnerability, error) {
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
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	for len(args) > 0 {
		n := min(len(args), 500)
		rows, err := tx.QueryContext(ctx, tx.db.dialect.rebind(`SELECT data FROM vulnerabilities WHERE id IN (?`+strings.Repeat(", ?", n-1)+`)`), args[:n]...)
		if err != nil {
			return nil, dbErr("reading vulnerabilities", err)
		}
		if err := scan(rows); err != nil {
			return nil, dbErr("reading vulnerabilities", err)
		}
		args = args[n:]
	}
	return out, nil
}

// ReplaceMatches replaces every stored vulnerability match with ms, and
// audits the run with what it matched. It returns the number of matches.
func (tx *Tx) ReplaceMatches(ctx context.Context, actor *vigil.User, ms [][]vigil.VulnMatch, detail any) (int, error) {
	if _, err := tx.exec(ctx, `DELETE FROM vuln_matches`); err != nil {
		return 0, dbErr("matching", err)
	}
	b := tx.bulkFor("vuln_matches", "device_id", "vuln_id", "advisory_id", "basis", "confidence", "status", "justification", "fixed_in", "criteria", "component", "reason")
	n := 0
	for _, dms := range ms {
		for _, m := range dms {
			if err := b.add(ctx, tx, m.DeviceID, m.VulnID, m.AdvisoryID, string(m.Basis), m.Confidence, string(m.Status), m.Justification, m.FixedIn, m.Criteria, m.Component, m.Reason); err != nil {
				return 0, dbErr("matching", err)
			}
			n++
		}
	}
	if err := b.flush(ctx, tx); err != nil {
		return 0, dbErr("matching", err)
	}
	if err := tx.syncMatchSpans(ctx, ms); err != nil {
		return 0, err
	}
	if detail == nil {
		return n, nil
	}
	return n, dbErr("matching", tx.audit(ctx, actor, "vulns.match", "vuln_matches", "all", detail))
}

// Advisories reads every stored advisory, in id order.
func (tx *Tx) Advisories(ctx context.Context) ([]*vigil.Advisory, error) {
	out, err := collectJSON[vigil.Advisory](tx.query(ctx, `SELECT data FROM advisories ORDER BY id`))
	return out, dbErr("reading advisories", err)
}

// SBOMs reads every stored SBOM.
func (tx *Tx) SBOMs(ctx context.Context) ([]*vigil.SBOM, error) {
	out, err := collectJSON[vigil.SBOM](tx.query(ctx, `SELECT data FROM sboms ORDER BY id`))
	return out, dbErr("reading SBOMs", err)
}

// FeedVEX reads the VEX statements that came from feeds (not SBOMs).
func (tx *Tx) FeedVEX(ctx context.Context) ([]vigil.VEXStatement, error) {
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

// spanKey names an open match: a device and a vulnerability.
type spanKey struct {
	device int64
	vuln   string
}

// syncMatchSpans records when each match of a device to a vulnerability it
// is affected by opened and closed: spans still matched stay open, spans no
// longer matched close now, new matches open now.
func (tx *Tx) syncMatchSpans(ctx context.Context, ms [][]vigil.VulnMatch) error {
	open := map[spanKey]int64{}
	rows, err := tx.query(ctx, `SELECT id, device_id, vuln_id FROM match_spans WHERE closed_at IS NULL`)
	if err != nil {
		return dbErr("recording match history", err)
	}
	for rows.Next() {
		var id int64
		var k spanKey
		if err := rows.Scan(&id, &k.device, &k.vuln); err != nil {
			rows.Close()
			return dbErr("recording match history", err)
		}
		open[k] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("recording match history", err)
	}
	b := tx.bulkFor("match_spans", "device_id", "vuln_id", "fixed_in", "opened_at"+nowColumn)
	for _, dms := range ms {
		for _, m := range dms {
			if m.Status != vigil.StatusAffected || m.VulnID == "" {
				continue
			}
			k := spanKey{m.DeviceID, m.VulnID}
			if _, ok := open[k]; ok {
				delete(open, k)
				continue
			}
			open[k] = 0 // a device matched twice to one vulnerability opens one span
			if err := b.add(ctx, tx, m.DeviceID, m.VulnID, m.FixedIn); err != nil {
				return dbErr("recording match history", err)
			}
		}
	}
	var gone []int64
	for _, id := range open {
		if id != 0 {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	for _, id := range gone {
		if _, err := tx.exec(ctx, `UPDATE match_spans SET closed_at = ? WHERE id = ?`, tx.nowText(), id); err != nil {
			return dbErr("recording match history", err)
		}
	}
	return dbErr("recording match history", b.flush(ctx, tx))
}

// MatchSpan is a time during which a device was matched to a vulnerability
// that affects it.
type MatchSpan struct {
	DeviceID int64
	VulnID   string
	FixedIn  string
	Opened   time.Time
}

// FindMatchSpans returns the matches open at asOf (now when nil), by device.
func (db *DB) FindMatchSpans(ctx context.Context, asOf *time.Time) ([]MatchSpan, error) {
	q, args := `SELECT device_id, vuln_id, fixed_in, opened_at FROM match_spans WHERE closed_at IS NULL`, []any{}
	if asOf != nil {
		at := fmtTime(*asOf)
		q, args = `SELECT device_id, vuln_id, fixed_in, opened_at FROM match_spans WHERE opened_at <= ? AND (closed_at IS NULL OR closed_at > ?)`, []any{at, at}
	}
	rows, err := db.query(ctx, q+` ORDER BY device_id, vuln_id`, args...)
	if err != nil {
		return nil, dbErr("reading match history", err)
	}
	defer rows.Close()
	var out []MatchSpan
	for rows.Next() {
		var s MatchSpan
		var opened string
		if err := rows.Scan(&s.DeviceID, &s.VulnID, &s.FixedIn, &opened); err != nil {
			return nil, dbErr("reading match history", err)
		}
		s.Opened = parseTime(opened)
		out = append(out, s)
	}
	return out, dbErr("reading match history", rows.Err())
}

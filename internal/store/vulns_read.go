package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// attachKEVEPSS fills a vulnerability's KEV entry and EPSS score.
func (db *DB) attachKEVEPSS(ctx context.Context, v *vigil.Vulnerability) error {
	var data string
	switch err := db.queryRow(ctx, `SELECT data FROM kev WHERE cve = ?`, v.ID).Scan(&data); {
	case err == nil:
		var k vigil.KEVEntry
		if err := json.Unmarshal([]byte(data), &k); err == nil {
			v.KEV = &k
		}
	case err != sql.ErrNoRows:
		return dbErr("reading KEV", err)
	}
	var e vigil.EPSS
	var on string
	switch err := db.queryRow(ctx, `SELECT score, percentile, scored_on, model FROM epss WHERE cve = ?`, v.ID).Scan(&e.Score, &e.Percentile, &on, &e.Model); {
	case err == nil:
		e.Date = parseTime(on)
		v.EPSS = &e
	case err != sql.ErrNoRows:
		return dbErr("reading EPSS", err)
	}
	return nil
}

// FindVulnerabilities lists vulnerabilities, the most severe first.
func (db *DB) FindVulnerabilities(ctx context.Context, f vigil.VulnFilter) ([]*vigil.VulnSummary, int, error) {
	q := `SELECT v.data, v.cvss,
		(SELECT COUNT(DISTINCT m.device_id) FROM vuln_matches m WHERE m.vuln_id = v.id AND m.status = 'affected'),
		(SELECT COUNT(DISTINCT m.device_id) FROM vuln_matches m WHERE m.vuln_id = v.id AND m.status <> 'affected')
		FROM vulnerabilities v WHERE 1=1`
	var args []any
	if f.At != nil {
		// The matches open then, from the match history: every vulnerability
		// listed was matched to a device at that time.
		at := fmtTime(*f.At)
		open := `FROM match_spans s WHERE s.vuln_id = v.id AND s.opened_at <= ? AND (s.closed_at IS NULL OR s.closed_at > ?)`
		q = `SELECT v.data, v.cvss, (SELECT COUNT(DISTINCT s.device_id) ` + open + `), 0
		FROM vulnerabilities v WHERE EXISTS (SELECT 1 ` + open + `)`
		args = append(args, at, at, at, at)
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		q += ` AND (LOWER(v.id) LIKE ? OR LOWER(v.data) LIKE ?)`
		like := "%" + strings.ToLower(s) + "%"
		args = append(args, like, like)
	}
	if f.KEV {
		q += ` AND v.id IN (SELECT cve FROM kev)`
	}
	if f.Affecting && f.At == nil {
		q += ` AND v.id IN (SELECT vuln_id FROM vuln_matches WHERE status = 'affected')`
	}
	var total int
	if err := db.queryRow(ctx, `SELECT COUNT(*) FROM (`+q+`) t`, args...).Scan(&total); err != nil {
		return nil, 0, dbErr("listing vulnerabilities", err)
	}
	rows, err := db.query(ctx, q+` ORDER BY 3 DESC, v.cvss DESC, v.id`+limitClause(f.Offset, f.Limit), args...)
	if err != nil {
		return nil, 0, dbErr("listing vulnerabilities", err)
	}
	var out []*vigil.VulnSummary
	for rows.Next() {
		var data string
		s := &vigil.VulnSummary{Vulnerability: &vigil.Vulnerability{}}
		if err := rows.Scan(&data, &s.MaxCVSS, &s.Devices, &s.NotAffected); err != nil {
			rows.Close()
			return nil, 0, dbErr("listing vulnerabilities", err)
		}
		if err := json.Unmarshal([]byte(data), s.Vulnerability); err != nil {
			rows.Close()
			return nil, 0, dbErr("listing vulnerabilities", err)
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, dbErr("listing vulnerabilities", err)
	}
	for _, s := range out {
		if err := db.attachKEVEPSS(ctx, s.Vulnerability); err != nil {
			return nil, 0, err
		}
	}
	return out, total, nil
}

// FindVulnerability returns one vulnerability with KEV and EPSS.
func (db *DB) FindVulnerability(ctx context.Context, id string) (*vigil.Vulnerability, error) {
	var data string
	err := db.queryRow(ctx, `SELECT data FROM vulnerabilities WHERE id = ?`, id).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no vulnerability %q", id)
	} else if err != nil {
		return nil, dbErr("reading a vulnerability", err)
	}
	var v vigil.Vulnerability
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		return nil, dbErr("reading a vulnerability", err)
	}
	return &v, db.attachKEVEPSS(ctx, &v)
}

// FindMatches lists the stored matches of the latest run.
func (db *DB) FindMatches(ctx context.Context, f vigil.MatchFilter) ([]vigil.VulnMatch, error) {
	q := `SELECT device_id, vuln_id, advisory_id, basis, confidence, status, justification, fixed_in, criteria, component, reason FROM vuln_matches WHERE 1=1`
	var args []any
	if f.DeviceID != 0 {
		q, args = q+` AND device_id = ?`, append(args, f.DeviceID)
	}
	if f.VulnID != "" {
		q, args = q+` AND vuln_id = ?`, append(args, f.VulnID)
	}
	if f.AdvisoryID != "" {
		q, args = q+` AND advisory_id = ?`, append(args, f.AdvisoryID)
	}
	if f.Status != "" {
		q, args = q+` AND status = ?`, append(args, string(f.Status))
	}
	rows, err := db.query(ctx, q+` ORDER BY device_id, vuln_id`, args...)
	if err != nil {
		return nil, dbErr("reading matches", err)
	}
	defer rows.Close()
	var out []vigil.VulnMatch
	for rows.Next() {
		var m vigil.VulnMatch
		var basis, status string
		if err := rows.Scan(&m.DeviceID, &m.VulnID, &m.AdvisoryID, &basis, &m.Confidence, &status, &m.Justification, &m.FixedIn, &m.Criteria, &m.Component, &m.Reason); err != nil {
			return nil, dbErr("reading matches", err)
		}
		m.Basis, m.Status = vigil.MatchBasis(basis), vigil.ProductStatus(status)
		out = append(out, m)
	}
	return out, dbErr("reading matches", rows.Err())
}

// FindAdvisories lists advisories, newest first.
func (db *DB) FindAdvisories(ctx context.Context) ([]*vigil.AdvisorySummary, error) {
	rows, err := db.query(ctx, `SELECT a.data, (SELECT COUNT(DISTINCT m.device_id) FROM vuln_matches m WHERE m.advisory_id = a.id) FROM advisories a ORDER BY a.released DESC, a.id`)
	if err != nil {
		return nil, dbErr("listing advisories", err)
	}
	defer rows.Close()
	var out []*vigil.AdvisorySummary
	for rows.Next() {
		var data string
		s := &vigil.AdvisorySummary{Advisory: &vigil.Advisory{}}
		if err := rows.Scan(&data, &s.Devices); err != nil {
			return nil, dbErr("listing advisories", err)
		}
		if err := json.Unmarshal([]byte(data), s.Advisory); err != nil {
			return nil, dbErr("listing advisories", err)
		}
		out = append(out, s)
	}
	return out, dbErr("listing advisories", rows.Err())
}

// FindAdvisory returns one advisory.
func (db *DB) FindAdvisory(ctx context.Context, id string) (*vigil.Advisory, error) {
	var data string
	err := db.queryRow(ctx, `SELECT data FROM advisories WHERE id = ?`, id).Scan(&data)
	if err == sql.ErrNoRows {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no advisory %q", id)
	} else if err != nil {
		return nil, dbErr("reading an advisory", err)
	}
	var a vigil.Advisory
	return &a, dbErr("reading an advisory", json.Unmarshal([]byte(data), &a))
}

// FindSBOM returns the SBOM attached to a device's manufacturer, model and
// firmware, or nil.
func (db *DB) FindSBOM(ctx context.Context, d *vigil.Device) (*vigil.SBOM, error) {
	rows, err := db.query(ctx, `SELECT data FROM sboms WHERE LOWER(model) = ?`, strings.ToLower(strings.TrimSpace(d.Model)))
	if err != nil {
		return nil, dbErr("reading SBOMs", err)
	}
	var found *vigil.SBOM
	err = scanJSON(rows, func(s *vigil.SBOM) error {
		if found == nil && s.Describes(d) {
			found = s
		}
		return nil
	})
	return found, dbErr("reading SBOMs", err)
}

// FindSBOMs returns every stored SBOM.
func (db *DB) FindSBOMs(ctx context.Context) ([]*vigil.SBOM, error) {
	out, err := collectJSON[vigil.SBOM](db.query(ctx, `SELECT data FROM sboms ORDER BY id`))
	return out, dbErr("reading SBOMs", err)
}

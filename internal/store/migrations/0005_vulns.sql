-- Vulnerability intelligence: merged vulnerability records, KEV and EPSS
-- (kept apart so an EPSS or KEV file for unknown CVEs is not lost),
-- advisories, SBOMs attached to a manufacturer+model+firmware, VEX
-- statements, the feed imports, and the device matches of the latest run.

CREATE TABLE vulnerabilities (
	id          TEXT PRIMARY KEY,
	data        TEXT NOT NULL,
	published   TEXT NOT NULL,
	cvss        DOUBLE PRECISION NOT NULL,
	updated_at  TEXT NOT NULL
);

CREATE TABLE kev (
	cve         TEXT PRIMARY KEY,
	data        TEXT NOT NULL,
	date_added  TEXT NOT NULL,
	due_date    TEXT NOT NULL
);

CREATE TABLE epss (
	cve         TEXT PRIMARY KEY,
	score       DOUBLE PRECISION NOT NULL,
	percentile  DOUBLE PRECISION NOT NULL,
	scored_on   TEXT NOT NULL,
	model       TEXT NOT NULL
);

CREATE TABLE advisories (
	id          TEXT PRIMARY KEY,
	publisher   TEXT NOT NULL,
	title       TEXT NOT NULL,
	released    TEXT NOT NULL,
	data        TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

CREATE TABLE sboms (
	id           {{id}},
	manufacturer TEXT NOT NULL,
	model        TEXT NOT NULL,
	firmware     TEXT NOT NULL,
	format       TEXT NOT NULL,
	name         TEXT NOT NULL,
	file         TEXT NOT NULL,
	data         TEXT NOT NULL,
	imported_at  TEXT NOT NULL,
	UNIQUE (manufacturer, model, firmware)
);

CREATE TABLE vex_statements (
	id            {{id}},
	origin        TEXT NOT NULL,
	vuln_id       TEXT NOT NULL,
	product       TEXT NOT NULL,
	component     TEXT NOT NULL,
	status        TEXT NOT NULL,
	justification TEXT NOT NULL,
	detail        TEXT NOT NULL
);
CREATE INDEX vex_statements_origin ON vex_statements (origin);

CREATE TABLE feed_imports (
	id          {{id}},
	actor       TEXT NOT NULL,
	file        TEXT NOT NULL,
	format      TEXT NOT NULL,
	at          TEXT NOT NULL,
	counts      TEXT NOT NULL
);

CREATE TABLE vuln_matches (
	id            {{id}},
	device_id     BIGINT NOT NULL,
	vuln_id       TEXT NOT NULL,
	advisory_id   TEXT NOT NULL,
	basis         TEXT NOT NULL,
	confidence    DOUBLE PRECISION NOT NULL,
	status        TEXT NOT NULL,
	justification TEXT NOT NULL,
	fixed_in      TEXT NOT NULL,
	criteria      TEXT NOT NULL,
	component     TEXT NOT NULL,
	reason        TEXT NOT NULL
);
CREATE INDEX vuln_matches_device ON vuln_matches (device_id);
CREATE INDEX vuln_matches_vuln ON vuln_matches (vuln_id);

-- Compliance: every version of every device-level check, attestations with
-- their validity, the stored evaluation runs, frameworks imported from OSCAL,
-- and when each vulnerability match was open, so that an evaluation at a past
-- date sees the matches of that date.

CREATE TABLE check_versions (
	id          {{id}},
	check_id    TEXT NOT NULL,
	version     INTEGER NOT NULL,
	source      TEXT NOT NULL,
	enabled     INTEGER NOT NULL,
	builtin     INTEGER NOT NULL,
	saved_by    TEXT NOT NULL,
	valid_from  TEXT NOT NULL,
	valid_to    TEXT,
	UNIQUE (check_id, version)
);
CREATE INDEX check_versions_current ON check_versions (valid_to, check_id);

CREATE TABLE attestations (
	id          {{id}},
	framework   TEXT NOT NULL,
	control     TEXT NOT NULL,
	owner       TEXT NOT NULL,
	answer      TEXT NOT NULL,
	attested_on TEXT NOT NULL,
	next_due    TEXT NOT NULL,
	notes       TEXT NOT NULL,
	recorded_by TEXT NOT NULL,
	valid_from  TEXT NOT NULL,
	valid_to    TEXT
);
CREATE INDEX attestations_control ON attestations (framework, control);

CREATE TABLE evaluations (
	id          {{id}},
	framework   TEXT NOT NULL,
	at          TEXT NOT NULL,
	ran_at      TEXT NOT NULL,
	summary     TEXT NOT NULL,
	data        TEXT NOT NULL
);
CREATE INDEX evaluations_framework ON evaluations (framework, id);

CREATE TABLE frameworks (
	id          TEXT PRIMARY KEY,
	data        TEXT NOT NULL,
	imported_by TEXT NOT NULL,
	imported_at TEXT NOT NULL
);

CREATE TABLE match_spans (
	id          {{id}},
	device_id   BIGINT NOT NULL,
	vuln_id     TEXT NOT NULL,
	fixed_in    TEXT NOT NULL,
	opened_at   TEXT NOT NULL,
	closed_at   TEXT
);
CREATE INDEX match_spans_open ON match_spans (closed_at, device_id);

-- The evidence repository: one row per version of a piece of evidence (the
-- file itself is kept by its SHA-256 outside the database), what each
-- supports, and the evidence attached to attestations. A new version is a new
-- row of the same chain (the first version's id) naming the one it supersedes;
-- rows are never updated. Each row's fields
-- are digested into its evidence.add audit event.

CREATE TABLE evidence (
	id             {{id}},
	content_key    TEXT NOT NULL,
	title          TEXT NOT NULL,
	file_name      TEXT NOT NULL,
	media_type     TEXT NOT NULL,
	size           BIGINT NOT NULL,
	added_by       TEXT NOT NULL,
	added_at       TEXT NOT NULL,
	collected_at   TEXT NOT NULL,
	effective_from TEXT NOT NULL,
	effective_to   TEXT NOT NULL,
	expires_at     TEXT NOT NULL,
	chain          BIGINT NOT NULL,
	version        INTEGER NOT NULL,
	supersedes     BIGINT NOT NULL,
	auto           INTEGER NOT NULL,
	UNIQUE (chain, version)
);
CREATE INDEX evidence_key ON evidence (content_key);
CREATE INDEX evidence_added ON evidence (added_at);

CREATE TABLE evidence_areas (
	evidence_id BIGINT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
	area        TEXT NOT NULL,
	PRIMARY KEY (evidence_id, area)
);
CREATE INDEX evidence_areas_area ON evidence_areas (area);

CREATE TABLE evidence_controls (
	evidence_id BIGINT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
	framework   TEXT NOT NULL,
	control     TEXT NOT NULL,
	PRIMARY KEY (evidence_id, framework, control)
);
CREATE INDEX evidence_controls_control ON evidence_controls (framework, control);

CREATE TABLE evidence_devices (
	evidence_id BIGINT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
	device_id   BIGINT NOT NULL,
	PRIMARY KEY (evidence_id, device_id)
);
CREATE INDEX evidence_devices_device ON evidence_devices (device_id);

CREATE TABLE attestation_evidence (
	attestation_id BIGINT NOT NULL,
	evidence_id    BIGINT NOT NULL REFERENCES evidence (id) ON DELETE CASCADE,
	PRIMARY KEY (attestation_id, evidence_id)
);

-- MDS2 disclosures (ANSI/NEMA HN 1-2019): every imported form whole, keyed
-- by manufacturer and model (lower case, spaces collapsed), every version
-- kept; the newest version of a model is the one in force.

CREATE TABLE mds2_forms (
	id           {{id}},
	manufacturer TEXT NOT NULL,
	model        TEXT NOT NULL,
	maker_key    TEXT NOT NULL,
	model_key    TEXT NOT NULL,
	version      INTEGER NOT NULL,
	description  TEXT NOT NULL,
	document_id  TEXT NOT NULL,
	release_date TEXT NOT NULL,
	file         TEXT NOT NULL,
	imported_at  TEXT NOT NULL,
	imported_by  TEXT NOT NULL,
	facts        TEXT NOT NULL,
	data         TEXT NOT NULL,
	UNIQUE (maker_key, model_key, version)
);

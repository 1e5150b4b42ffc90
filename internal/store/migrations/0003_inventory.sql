-- Reconciliation: source roles, the resolved device's provenance, a
-- person's identity decisions, the current discrepancies and their
-- acknowledgements.

ALTER TABLE sources ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE devices ADD COLUMN confidence DOUBLE PRECISION NOT NULL DEFAULT 1;
ALTER TABLE devices ADD COLUMN sources TEXT NOT NULL DEFAULT '[]';
ALTER TABLE devices ADD COLUMN provenance TEXT NOT NULL DEFAULT '[]';
ALTER TABLE devices ADD COLUMN type_reason TEXT NOT NULL DEFAULT '';

-- "Records A and B are (not) the same device", replayed on every resolution.
CREATE TABLE identity_decisions (
	id      {{id}},
	key_a   TEXT NOT NULL,
	key_b   TEXT NOT NULL,
	same    INTEGER NOT NULL,
	actor   TEXT NOT NULL,
	at      TEXT NOT NULL,
	note    TEXT NOT NULL DEFAULT ''
);

-- The discrepancies of the latest resolution, replaced by each import.
CREATE TABLE discrepancies (
	id        {{id}},
	kind      TEXT NOT NULL,
	device_id BIGINT NOT NULL,
	field     TEXT NOT NULL DEFAULT '',
	ack_key   TEXT NOT NULL,
	data      TEXT NOT NULL
);
CREATE INDEX discrepancies_kind ON discrepancies (kind);
CREATE INDEX discrepancies_device ON discrepancies (device_id);

-- A person's acknowledgement of a discrepancy ("known: the CMDB does not
-- track standalone glucose meters"). Acknowledged discrepancies stay listed
-- with --all.
CREATE TABLE discrepancy_acks (
	id      {{id}},
	ack_key TEXT NOT NULL UNIQUE,
	actor   TEXT NOT NULL,
	at      TEXT NOT NULL,
	note    TEXT NOT NULL
);

-- The identity-conflict queue of the latest resolution: two records kept
-- apart because their strong identifiers contradict.
CREATE TABLE identity_conflicts (
	id     {{id}},
	key_a  TEXT NOT NULL,
	key_b  TEXT NOT NULL,
	data   TEXT NOT NULL
);

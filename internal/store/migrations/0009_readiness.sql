-- Readiness: the mock audits as run (kept whole so that any two can be
-- compared), the remediation plan's items keyed by the gap they close, and
-- every change of an item's status, owner or due date.

CREATE TABLE mock_audits (
	id            {{id}},
	framework     TEXT NOT NULL,
	seed          BIGINT NOT NULL,
	sample        INTEGER NOT NULL,
	score         DOUBLE PRECISION NOT NULL,
	at            TEXT NOT NULL,
	ran_by        TEXT NOT NULL,
	evaluation_id BIGINT NOT NULL,
	areas         TEXT NOT NULL,
	requests      INTEGER NOT NULL,
	data          TEXT NOT NULL
);
CREATE INDEX mock_audits_framework ON mock_audits (framework, id);

CREATE TABLE plan_items (
	id          {{id}},
	item_key    TEXT NOT NULL UNIQUE,
	kind        TEXT NOT NULL,
	framework   TEXT NOT NULL,
	control     TEXT NOT NULL,
	device_id   BIGINT NOT NULL,
	devices     INTEGER NOT NULL,
	title       TEXT NOT NULL,
	detail      TEXT NOT NULL,
	owner       TEXT NOT NULL,
	owner_set   INTEGER NOT NULL,
	due         TEXT NOT NULL,
	due_set     INTEGER NOT NULL,
	priority    TEXT NOT NULL,
	status      TEXT NOT NULL,
	evidence    TEXT NOT NULL,
	opened_at   TEXT NOT NULL,
	closed_at   TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);
CREATE INDEX plan_items_status ON plan_items (status, owner);

CREATE TABLE plan_events (
	id          {{id}},
	item_id     BIGINT NOT NULL REFERENCES plan_items (id),
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL,
	change      TEXT NOT NULL,
	detail      TEXT NOT NULL
);
CREATE INDEX plan_events_item ON plan_events (item_id, id);

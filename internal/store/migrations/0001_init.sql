-- Vigil's base schema. Portable between SQLite and PostgreSQL: times are
-- fixed-width UTC text, booleans are 0/1 integers, JSON is text. {{id}} is
-- replaced by the dialect's auto-assigned integer primary key.

CREATE TABLE sites (
	id          {{id}},
	parent_id   BIGINT NOT NULL DEFAULT 0,
	kind        TEXT NOT NULL,
	name        TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	UNIQUE (parent_id, kind, name)
);

CREATE TABLE sources (
	id          {{id}},
	name        TEXT NOT NULL UNIQUE,
	kind        TEXT NOT NULL,
	created_at  TEXT NOT NULL
);

-- One row per import: a snapshot of one source at one time.
CREATE TABLE imports (
	id          {{id}},
	source_id   BIGINT NOT NULL REFERENCES sources (id),
	actor       TEXT NOT NULL,
	files       TEXT NOT NULL,
	taken_at    TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	records     INTEGER NOT NULL,
	added       INTEGER NOT NULL,
	removed     INTEGER NOT NULL,
	changed     INTEGER NOT NULL
);

-- Every version of every record a source gave. A version is valid from the
-- import that first gave it until the import that changed or dropped it, so
-- what each source said on any date can be rebuilt.
CREATE TABLE source_records (
	id          {{id}},
	source_id   BIGINT NOT NULL REFERENCES sources (id),
	record_key  TEXT NOT NULL,
	fields      TEXT NOT NULL,
	origin      TEXT NOT NULL,
	observed_at TEXT NOT NULL,
	valid_from  TEXT NOT NULL,
	valid_to    TEXT,
	import_id   BIGINT NOT NULL REFERENCES imports (id),
	device_id   BIGINT
);
CREATE INDEX source_records_current ON source_records (source_id, record_key, valid_to);
CREATE INDEX source_records_device ON source_records (device_id);

-- The current resolved inventory. removed_at is set when no source lists the
-- device any more; the row is kept.
CREATE TABLE devices (
	id           {{id}},
	asset_tag    TEXT NOT NULL DEFAULT '',
	serial       TEXT NOT NULL DEFAULT '',
	manufacturer TEXT NOT NULL DEFAULT '',
	model        TEXT NOT NULL DEFAULT '',
	device_type  TEXT NOT NULL DEFAULT '',
	firmware     TEXT NOT NULL DEFAULT '',
	mac          TEXT NOT NULL DEFAULT '',
	ip           TEXT NOT NULL DEFAULT '',
	hostname     TEXT NOT NULL DEFAULT '',
	site_id      BIGINT NOT NULL DEFAULT 0,
	location     TEXT NOT NULL DEFAULT '',
	owner_team   TEXT NOT NULL DEFAULT '',
	stores_ephi  INTEGER NOT NULL DEFAULT 0,
	sends_ephi   INTEGER NOT NULL DEFAULT 0,
	criticality  TEXT NOT NULL DEFAULT '',
	lifecycle    TEXT NOT NULL DEFAULT '',
	first_seen   TEXT NOT NULL,
	last_seen    TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	removed_at   TEXT
);
CREATE INDEX devices_mac ON devices (mac);
CREATE INDEX devices_type ON devices (device_type);

-- Every resolved state a device has had, for the inventory as of a date.
CREATE TABLE device_versions (
	id          {{id}},
	device_id   BIGINT NOT NULL REFERENCES devices (id),
	state       TEXT NOT NULL,
	valid_from  TEXT NOT NULL,
	valid_to    TEXT
);
CREATE INDEX device_versions_device ON device_versions (device_id, valid_to);
CREATE INDEX device_versions_time ON device_versions (valid_from);

CREATE TABLE users (
	id            {{id}},
	name          TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
	token_hash  TEXT PRIMARY KEY,
	user_id     BIGINT NOT NULL REFERENCES users (id),
	csrf_token  TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	expires_at  TEXT NOT NULL
);

CREATE TABLE api_tokens (
	id          {{id}},
	user_id     BIGINT NOT NULL REFERENCES users (id),
	name        TEXT NOT NULL,
	token_hash  TEXT NOT NULL UNIQUE,
	created_at  TEXT NOT NULL,
	last_used   TEXT
);

-- The audit trail: append-only, each event chained to the one before by
-- SHA-256. audit_head holds the newest link, so deleting the newest events
-- is detected too.
CREATE TABLE audit_events (
	seq         BIGINT PRIMARY KEY,
	at          TEXT NOT NULL,
	actor       TEXT NOT NULL,
	action      TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id   TEXT NOT NULL,
	detail      TEXT NOT NULL,
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id);

CREATE TABLE audit_head (
	id    INTEGER PRIMARY KEY,
	seq   BIGINT NOT NULL,
	hash  TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE settings (
	name   TEXT PRIMARY KEY,
	value  TEXT NOT NULL
);

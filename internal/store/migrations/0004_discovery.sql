-- Passive discovery: each capture run, the latest observation of every
-- device seen on the wire (with what its protocols revealed), its findings,
-- and the conversations between hosts.

CREATE TABLE discovery_runs (
	id          {{id}},
	actor       TEXT NOT NULL,
	files       TEXT NOT NULL,
	recorded_at TEXT NOT NULL,
	first_seen  TEXT NOT NULL,
	last_seen   TEXT NOT NULL,
	packets     BIGINT NOT NULL,
	bytes       BIGINT NOT NULL,
	devices     INTEGER NOT NULL,
	flows       INTEGER NOT NULL,
	stats       TEXT NOT NULL
);

-- One row per device per run; the current observation of a device has
-- valid_to NULL. data is the discovery report's device object; fields the
-- inventory record made of it.
CREATE TABLE network_observations (
	id          {{id}},
	run_id      BIGINT NOT NULL REFERENCES discovery_runs (id),
	device_key  TEXT NOT NULL,
	mac         TEXT NOT NULL,
	ips         TEXT NOT NULL,
	data        TEXT NOT NULL,
	fields      TEXT NOT NULL,
	first_seen  TEXT NOT NULL,
	last_seen   TEXT NOT NULL,
	valid_to    TEXT
);
CREATE INDEX network_observations_key ON network_observations (device_key, valid_to);
CREATE INDEX network_observations_mac ON network_observations (mac, valid_to);

CREATE TABLE network_findings (
	id          {{id}},
	run_id      BIGINT NOT NULL REFERENCES discovery_runs (id),
	device_key  TEXT NOT NULL,
	mac         TEXT NOT NULL,
	ip          TEXT NOT NULL,
	code        TEXT NOT NULL,
	detail      TEXT NOT NULL,
	seen_at     TEXT NOT NULL,
	valid_to    TEXT
);
CREATE INDEX network_findings_code ON network_findings (code, valid_to);
CREATE INDEX network_findings_key ON network_findings (device_key, valid_to);

CREATE TABLE flows (
	id          {{id}},
	run_id      BIGINT NOT NULL REFERENCES discovery_runs (id),
	client      TEXT NOT NULL,
	server      TEXT NOT NULL,
	port        INTEGER NOT NULL,
	proto       TEXT NOT NULL,
	app         TEXT NOT NULL,
	vlan        INTEGER NOT NULL,
	connections INTEGER NOT NULL,
	packets     BIGINT NOT NULL,
	bytes       BIGINT NOT NULL,
	first_seen  TEXT NOT NULL,
	last_seen   TEXT NOT NULL
);
CREATE INDEX flows_client ON flows (client);
CREATE INDEX flows_server ON flows (server);

-- The FDA GUDID as reference data: one row per primary device identifier
-- (the record as JSON), and every DI that names it, the primary one and
-- its package DIs, normalised as udi.NormalizeDI writes them.

CREATE TABLE gudid_devices (
	primary_di  TEXT PRIMARY KEY,
	company     TEXT NOT NULL,
	model       TEXT NOT NULL,
	imported_at TEXT NOT NULL,
	data        TEXT NOT NULL
);

CREATE TABLE gudid_dis (
	di         TEXT PRIMARY KEY,
	primary_di TEXT NOT NULL REFERENCES gudid_devices (primary_di)
);
CREATE INDEX gudid_dis_primary ON gudid_dis (primary_di);

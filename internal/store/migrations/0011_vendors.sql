-- Vendors: the register (each vendor kept whole as a document, with the
-- keys that must stay unique beside it), the aliases that tie a vendor to
-- the manufacturers the inventory names, every version of every business
-- associate agreement, and the vendors' certifications and reports.

CREATE TABLE vendors (
	id          {{id}},
	name_key    TEXT NOT NULL UNIQUE,
	name        TEXT NOT NULL,
	kind        TEXT NOT NULL,
	data        TEXT NOT NULL,
	added_at    TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

CREATE TABLE vendor_aliases (
	alias_key   TEXT NOT NULL PRIMARY KEY,
	vendor_id   BIGINT NOT NULL REFERENCES vendors (id)
);
CREATE INDEX vendor_aliases_vendor ON vendor_aliases (vendor_id);

CREATE TABLE vendor_baas (
	id          {{id}},
	vendor_id   BIGINT NOT NULL REFERENCES vendors (id),
	version     INTEGER NOT NULL,
	supersedes  BIGINT NOT NULL,
	due         TEXT NOT NULL,
	evidence_id BIGINT NOT NULL,
	data        TEXT NOT NULL,
	added_at    TEXT NOT NULL,
	UNIQUE (vendor_id, version)
);

CREATE TABLE vendor_certifications (
	id          {{id}},
	vendor_id   BIGINT NOT NULL REFERENCES vendors (id),
	kind        TEXT NOT NULL,
	expires     TEXT NOT NULL,
	evidence_id BIGINT NOT NULL,
	data        TEXT NOT NULL,
	added_at    TEXT NOT NULL
);
CREATE INDEX vendor_certifications_vendor ON vendor_certifications (vendor_id, kind, expires);

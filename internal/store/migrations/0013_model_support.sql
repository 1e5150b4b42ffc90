-- End of sale, support and security patches per manufacturer and model:
-- every change a new row, the newest one set on or before a date in force.

CREATE TABLE model_support (
	id         {{id}},
	maker_key  TEXT NOT NULL,
	model_key  TEXT NOT NULL,
	set_at     TEXT NOT NULL,
	data       TEXT NOT NULL
);
CREATE INDEX model_support_key ON model_support (maker_key, model_key, set_at);

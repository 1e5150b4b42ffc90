-- How many discrepancies of each kind there were, one row a day and kind,
-- so that the dashboard can draw the kinds over time: the discrepancies
-- table holds the current ones only. The day's latest resolution (or
-- acknowledgement, which changes the unacknowledged count) overwrites it.
CREATE TABLE discrepancy_counts (
	day     TEXT NOT NULL, -- YYYY-MM-DD, UTC
	kind    TEXT NOT NULL,
	total   INTEGER NOT NULL, -- every current discrepancy of the kind
	unacked INTEGER NOT NULL, -- of those, the ones nobody acknowledged
	PRIMARY KEY (day, kind)
);

-- The most specific place a device's sources name (room, department, floor
-- or building), as a row of the site hierarchy under its hospital.
ALTER TABLE devices ADD COLUMN place_id BIGINT NOT NULL DEFAULT 0;

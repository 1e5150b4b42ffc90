-- Every device list counts the devices still listed (removed_at IS NULL)
-- and pages through them by id. Without these indexes a page of 50 read
-- every row of the table twice, for the count and for the offset: 20 to 50
-- ms at 50,000 devices, most of the device list's time under load. The
-- live devices' ids are walked for the offset (devices_live); the count is
-- all devices less the removed ones (devices_removed, a handful), which
-- SQLite answers from page counts without reading a row.
CREATE INDEX devices_live ON devices (id) WHERE removed_at IS NULL;
CREATE INDEX devices_removed ON devices (id) WHERE removed_at IS NOT NULL;

-- The audit trail gets a key kept outside the database: events from
-- keyed_from on are linked by HMAC-SHA256 under it (0: not yet keyed; the
-- first write with a key sets it to the next event). key_id names the key
-- without revealing it. The head may only move forward, and the key's
-- boundary, once set, never moves.
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE ON audit_head
WHEN NEW.seq < OLD.seq OR (OLD.keyed_from <> 0 AND (NEW.keyed_from <> OLD.keyed_from OR NEW.key_id <> OLD.key_id))
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;

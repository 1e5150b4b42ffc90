-- The audit trail gets a key kept outside the database: events from
-- keyed_from on are linked by HMAC-SHA256 under it (0: not yet keyed; the
-- first write with a key sets it to the next event). key_id names the key
-- without revealing it. The head may only move forward, and the key's
-- boundary, once set, never moves. Row triggers do not fire on TRUNCATE, so
-- statement triggers refuse it on both tables.
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN key_id TEXT NOT NULL DEFAULT '';
CREATE FUNCTION vigil_audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP <> 'UPDATE' OR NEW.seq < OLD.seq
		OR (OLD.keyed_from <> 0 AND (NEW.keyed_from <> OLD.keyed_from OR NEW.key_id <> OLD.key_id)) THEN
		RAISE EXCEPTION 'the audit head only moves forward';
	END IF;
	RETURN NEW;
END;
$$;
CREATE TRIGGER audit_head_forward_only BEFORE UPDATE OR DELETE ON audit_head
FOR EACH ROW EXECUTE FUNCTION vigil_audit_head_forward_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION vigil_audit_append_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
FOR EACH STATEMENT EXECUTE FUNCTION vigil_audit_append_only();

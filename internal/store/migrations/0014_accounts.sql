-- Accounts: API tokens expire, can be revoked and can be read-only.
-- A token issued before this migration has no expires_at and expires
-- vigil.DefaultTokenTTL after it was created (the store computes it).
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
ALTER TABLE api_tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0;
CREATE INDEX api_tokens_user ON api_tokens (user_id);

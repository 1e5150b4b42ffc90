-- Single sign-on and second factors.
-- kind: 'local' (a password in Vigil) or 'external' (OpenID Connect: the
-- provider's issuer and subject name the person; the password hash is an
-- unusable '!').
-- totp_secret: the TOTP secret sealed with AES-256-GCM under a key derived
-- from the audit key, which is kept outside the database; '' for none. It is
-- in force once totp_enabled is 1 (set when the first code confirms it).
-- totp_last_step: the step of the last code accepted; a code of that step
-- or an earlier one is refused, so no code is accepted twice.
-- sessions.pending: 1 for a sign-in whose password was right and whose
-- second factor is still to come; such a session opens nothing but the
-- second step.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'local';
ALTER TABLE users ADD COLUMN external_issuer TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN external_subject TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX users_external ON users (external_issuer, external_subject) WHERE kind = 'external';
ALTER TABLE sessions ADD COLUMN pending INTEGER NOT NULL DEFAULT 0;

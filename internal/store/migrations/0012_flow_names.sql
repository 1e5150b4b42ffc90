-- What ties a flow to a vendor endpoint: the TLS server name the client
-- asked for, the server certificate's organisation and names (JSON list),
-- and the names DNS answers gave for the client's and the server's
-- addresses. Empty when discovery did not see them.

ALTER TABLE flows ADD COLUMN server_name TEXT NOT NULL DEFAULT '';
ALTER TABLE flows ADD COLUMN cert_org TEXT NOT NULL DEFAULT '';
ALTER TABLE flows ADD COLUMN cert_names TEXT NOT NULL DEFAULT '';
ALTER TABLE flows ADD COLUMN client_host TEXT NOT NULL DEFAULT '';
ALTER TABLE flows ADD COLUMN server_host TEXT NOT NULL DEFAULT '';
CREATE INDEX flows_app ON flows (app);

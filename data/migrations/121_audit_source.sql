-- Where an audited action came from (the client's address, as the app sees it behind a trusted
-- proxy) and which process served it (host and process id): a record says truthfully who did it.
ALTER TABLE audit_log ADD COLUMN source_address VARCHAR;
ALTER TABLE audit_log ADD COLUMN served_by VARCHAR;

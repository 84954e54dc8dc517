-- The purpose a user gave for opening household-level records (Thailand's Personal Data
-- Protection Act asks for a lawful basis): one of a short list, with free text.
ALTER TABLE audit_log ADD COLUMN purpose VARCHAR;

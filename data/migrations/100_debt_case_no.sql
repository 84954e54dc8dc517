-- The Damrongdhama centre's own registration number of an informal-debt case: two cases of one
-- centre on one day for the same amount are told apart by it (part of the import key).
ALTER TABLE debt_cases ADD COLUMN case_no VARCHAR;

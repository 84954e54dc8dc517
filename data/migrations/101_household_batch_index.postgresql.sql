-- The data catalogue counts imported household rows: a partial index over the few rows that
-- came with a batch answers it without reading ~90 million rows. DuckDB scans its batch_id
-- column in about a second and needs no index.
CREATE INDEX households_batch ON households (batch_id) WHERE batch_id IS NOT NULL;

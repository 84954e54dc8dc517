-- Import lineage: the duplicate policy of each batch, the rows it replaced (so undo restores
-- them), the rows it rejected (downloadable later), and a scratch table of keys used while a
-- batch is committed (rows tagged by batch, so concurrent imports never see each other's keys).
ALTER TABLE import_batches ADD COLUMN policy VARCHAR;
ALTER TABLE import_batches ADD COLUMN file_bytes BIGINT;
ALTER TABLE import_batches ADD COLUMN areas_covered INTEGER;
ALTER TABLE import_batches ADD COLUMN first_year INTEGER;
ALTER TABLE import_batches ADD COLUMN last_year INTEGER;

CREATE TABLE import_replaced (
    batch_id INTEGER NOT NULL,
    table_name VARCHAR NOT NULL,
    replaced_batch_id INTEGER,
    row_json VARCHAR NOT NULL
);
CREATE INDEX import_replaced_batch ON import_replaced (batch_id);

CREATE TABLE import_rejections (
    batch_id INTEGER NOT NULL,
    row_number INTEGER NOT NULL,
    reason VARCHAR NOT NULL,
    row_json VARCHAR NOT NULL
);
CREATE INDEX import_rejections_batch ON import_rejections (batch_id);

CREATE TABLE import_scratch_keys (
    batch_id INTEGER NOT NULL,
    k VARCHAR NOT NULL
);

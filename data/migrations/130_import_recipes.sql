-- Import recipes: a confirmed column mapping saved under a name, one row per version, found
-- again by the set of a file's headers (year headers count as one wildcard); the batches
-- record the recipe they were imported with.
CREATE TABLE import_recipes (
    name VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    header_set VARCHAR NOT NULL,
    headers_json VARCHAR NOT NULL,
    mapping_json VARCHAR NOT NULL,
    policy VARCHAR,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (name, version)
);
CREATE INDEX import_recipes_headers ON import_recipes (header_set);
ALTER TABLE import_batches ADD COLUMN recipe VARCHAR;

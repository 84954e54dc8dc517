-- Lineage of installed boundaries: one row per `python -m geo import` / `fetch` of a level.
-- The boundaries themselves stay files in the data directory (geometry is not kept in the store).
CREATE TABLE boundary_imports (
    import_id INTEGER PRIMARY KEY,
    level VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR,
    source VARCHAR,
    licence VARCHAR,
    imported_at TIMESTAMP NOT NULL,
    imported_by VARCHAR,
    features_read INTEGER NOT NULL DEFAULT 0,
    units_matched INTEGER NOT NULL DEFAULT 0,
    features_unmatched INTEGER NOT NULL DEFAULT 0,
    abolished INTEGER NOT NULL DEFAULT 0,
    no_polygon INTEGER NOT NULL DEFAULT 0,
    bytes_written BIGINT NOT NULL DEFAULT 0,
    report VARCHAR
);

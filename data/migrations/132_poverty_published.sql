-- Published poverty aggregates (TPMap, the basic-needs survey's provincial reports): counts
-- by area, year and measure as the publisher gave them, with their source. The poverty page
-- shows them where household records are absent, and beside the computed figures otherwise.
CREATE TABLE poverty_published (
    area_code VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    measure VARCHAR NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    source VARCHAR NOT NULL,
    batch_id INTEGER,
    PRIMARY KEY (area_code, year, measure)
);
CREATE INDEX poverty_published_province ON poverty_published (province_code, year);

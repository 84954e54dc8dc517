-- The assistance pipeline of the country, a region or a province summed a whole year of the
-- village case counts (about 300,000 rows on the national store: 40 ms on PostgreSQL, slower
-- than pandas). The same counts by province; refresh_poverty_aggregates writes them from then
-- on, with the village counts.
-- PostgreSQL: with an index on year and province (DuckDB prunes them with its zone maps).
CREATE TABLE poverty_case_provinces (
    survey_year INTEGER NOT NULL,
    province_code VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,
    agency VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    cases BIGINT NOT NULL
);
INSERT INTO poverty_case_provinces
SELECT survey_year, province_code, dimension, agency, status, SUM(cases)
FROM poverty_case_counts GROUP BY survey_year, province_code, dimension, agency, status
ORDER BY survey_year, province_code;
CREATE INDEX poverty_case_provinces_year ON poverty_case_provinces (survey_year, province_code);

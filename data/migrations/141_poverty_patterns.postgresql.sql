-- Poverty with weights other than the default (the robustness view's six weightings, a
-- user's own weights) grouped a whole year of poverty_profiles by province and the 17 flags
-- for the country or a region: about 250,000 village-grain rows a year on the national store,
-- 400 ms a view. The same households and people by province, target poverty and deprivation
-- pattern (flag_bits: bit i for catalogue.DEPRIVATION_COLUMNS[i]) hold everything any weights
-- and any cut-off need for the provinces, in about 42,000 rows a year; written by
-- data.poverty.refresh_poverty_aggregates from then on, in the order it is read.
-- PostgreSQL: with an index on year and province (DuckDB prunes them with its zone maps).
CREATE TABLE poverty_patterns (
    survey_year INTEGER NOT NULL,
    province_key INTEGER NOT NULL,
    target_poor BOOLEAN NOT NULL,
    flag_bits INTEGER NOT NULL,
    households BIGINT NOT NULL,
    people BIGINT NOT NULL
);
INSERT INTO poverty_patterns
SELECT survey_year, province_key, target_poor, flag_bits, SUM(households), SUM(people)
FROM poverty_profiles GROUP BY survey_year, province_key, target_poor, flag_bits
ORDER BY survey_year, province_key, target_poor, flag_bits;
CREATE INDEX poverty_patterns_year ON poverty_patterns (survey_year, province_key);

-- The drill-down below a province reads a few rows of poverty_profiles per step. Filtering and
-- returning the VARCHAR area codes (dictionary and FSST compressed in DuckDB) cost more than
-- the rest of the step, and the 17 flag columns as much again: each profile gets its area
-- codes as integers (lossless: area codes are digits of a fixed width per level) and its flags
-- as one integer, bit i for catalogue.DEPRIVATION_COLUMNS[i] (written by
-- data.poverty.refresh_poverty_aggregates from then on; tests check both agree).
-- DuckDB: the table is written anew (an UPDATE of every row could not be followed by NOT NULL
-- in one transaction), in year and village order as the refresh writes it.
CREATE TABLE poverty_profiles_111 (
    survey_year INTEGER NOT NULL,
    province_code VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    subdistrict_code VARCHAR NOT NULL,
    village_code VARCHAR NOT NULL,
    target_poor BOOLEAN NOT NULL,
    d_health_birthweight BOOLEAN NOT NULL,
    d_health_food BOOLEAN NOT NULL,
    d_health_medicine BOOLEAN NOT NULL,
    d_health_exercise BOOLEAN NOT NULL,
    d_living_housing BOOLEAN NOT NULL,
    d_living_drinking_water BOOLEAN NOT NULL,
    d_living_water_use BOOLEAN NOT NULL,
    d_living_sanitation BOOLEAN NOT NULL,
    d_education_preschool BOOLEAN NOT NULL,
    d_education_compulsory BOOLEAN NOT NULL,
    d_education_upper_secondary BOOLEAN NOT NULL,
    d_education_literacy BOOLEAN NOT NULL,
    d_income_working_age_job BOOLEAN NOT NULL,
    d_income_elderly_job BOOLEAN NOT NULL,
    d_income_per_head BOOLEAN NOT NULL,
    d_access_elderly_care BOOLEAN NOT NULL,
    d_access_disabled_care BOOLEAN NOT NULL,
    households BIGINT NOT NULL,
    people BIGINT NOT NULL,
    province_key INTEGER NOT NULL,
    district_key INTEGER NOT NULL,
    subdistrict_key INTEGER NOT NULL,
    village_key INTEGER NOT NULL,
    flag_bits INTEGER NOT NULL
);
INSERT INTO poverty_profiles_111 SELECT *,
    CAST(province_code AS INTEGER),
    CAST(district_code AS INTEGER),
    CAST(subdistrict_code AS INTEGER),
    CAST(village_code AS INTEGER),
    CASE WHEN d_health_birthweight THEN 1 ELSE 0 END
    + CASE WHEN d_health_food THEN 2 ELSE 0 END
    + CASE WHEN d_health_medicine THEN 4 ELSE 0 END
    + CASE WHEN d_health_exercise THEN 8 ELSE 0 END
    + CASE WHEN d_living_housing THEN 16 ELSE 0 END
    + CASE WHEN d_living_drinking_water THEN 32 ELSE 0 END
    + CASE WHEN d_living_water_use THEN 64 ELSE 0 END
    + CASE WHEN d_living_sanitation THEN 128 ELSE 0 END
    + CASE WHEN d_education_preschool THEN 256 ELSE 0 END
    + CASE WHEN d_education_compulsory THEN 512 ELSE 0 END
    + CASE WHEN d_education_upper_secondary THEN 1024 ELSE 0 END
    + CASE WHEN d_education_literacy THEN 2048 ELSE 0 END
    + CASE WHEN d_income_working_age_job THEN 4096 ELSE 0 END
    + CASE WHEN d_income_elderly_job THEN 8192 ELSE 0 END
    + CASE WHEN d_income_per_head THEN 16384 ELSE 0 END
    + CASE WHEN d_access_elderly_care THEN 32768 ELSE 0 END
    + CASE WHEN d_access_disabled_care THEN 65536 ELSE 0 END
FROM poverty_profiles ORDER BY survey_year, village_code;
DROP TABLE poverty_profiles;
ALTER TABLE poverty_profiles_111 RENAME TO poverty_profiles;

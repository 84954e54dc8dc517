-- Pre-computed poverty aggregates (refreshed by data.poverty.refresh_poverty_aggregates).
-- One row per village, survey year and deprivation profile: households with the same
-- deprivations are counted together, so any weights and cut-off k can be applied to a few
-- hundred thousand rows instead of millions of households. Households deprived in nothing
-- collapse into one row per village and year. DuckDB prunes by its zone maps (rows are
-- written in year and village order); PostgreSQL gets indexes in 041.

CREATE TABLE poverty_profiles (
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
    people BIGINT NOT NULL
);

-- Assistance cases counted by village, year, dimension, agency and status (the pipeline).
CREATE TABLE poverty_case_counts (
    survey_year INTEGER NOT NULL,
    province_code VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    subdistrict_code VARCHAR NOT NULL,
    village_code VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,
    agency VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    cases BIGINT NOT NULL
);

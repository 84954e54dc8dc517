-- The drill-down below a province reads a few rows of poverty_profiles per step. Filtering and
-- returning the VARCHAR area codes (dictionary and FSST compressed in DuckDB) cost more than
-- the rest of the step, and the 17 flag columns as much again: each profile gets its area
-- codes as integers (lossless: area codes are digits of a fixed width per level) and its flags
-- as one integer, bit i for catalogue.DEPRIVATION_COLUMNS[i] (written by
-- data.poverty.refresh_poverty_aggregates from then on; tests check both agree).
-- PostgreSQL: the drill-down now filters the profiles on the keys, so their indexes replace
-- the ones on the codes (110).
ALTER TABLE poverty_profiles ADD COLUMN province_key INTEGER;
ALTER TABLE poverty_profiles ADD COLUMN district_key INTEGER;
ALTER TABLE poverty_profiles ADD COLUMN subdistrict_key INTEGER;
ALTER TABLE poverty_profiles ADD COLUMN village_key INTEGER;
ALTER TABLE poverty_profiles ADD COLUMN flag_bits INTEGER;
UPDATE poverty_profiles SET
    province_key = CAST(province_code AS INTEGER),
    district_key = CAST(district_code AS INTEGER),
    subdistrict_key = CAST(subdistrict_code AS INTEGER),
    village_key = CAST(village_code AS INTEGER),
    flag_bits = CASE WHEN d_health_birthweight THEN 1 ELSE 0 END
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
    + CASE WHEN d_access_disabled_care THEN 65536 ELSE 0 END;
ALTER TABLE poverty_profiles ALTER COLUMN province_key SET NOT NULL;
ALTER TABLE poverty_profiles ALTER COLUMN district_key SET NOT NULL;
ALTER TABLE poverty_profiles ALTER COLUMN subdistrict_key SET NOT NULL;
ALTER TABLE poverty_profiles ALTER COLUMN village_key SET NOT NULL;
ALTER TABLE poverty_profiles ALTER COLUMN flag_bits SET NOT NULL;
DROP INDEX poverty_profiles_district;
DROP INDEX poverty_profiles_subdistrict;
DROP INDEX poverty_profiles_village;
CREATE INDEX poverty_profiles_district_key ON poverty_profiles (district_key, survey_year);
CREATE INDEX poverty_profiles_subdistrict_key ON poverty_profiles (subdistrict_key, survey_year);
CREATE INDEX poverty_profiles_village_key ON poverty_profiles (village_key, survey_year);

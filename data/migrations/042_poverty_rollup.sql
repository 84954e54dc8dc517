-- Roll-up of the deprivation profiles for the default (nested equal) weights, by area and
-- integer deprivation score (score x 60: the default weights are multiples of 1/60), so that
-- any cut-off k is a filter on score_units. Levels: province, district and subdistrict units;
-- villages are read from poverty_profiles. p_* columns count people deprived in an indicator,
-- p_any_<dim> people deprived in at least one indicator of the dimension.

CREATE TABLE poverty_rollup (
    survey_year INTEGER NOT NULL,
    unit_level VARCHAR NOT NULL,
    unit_code VARCHAR NOT NULL,
    parent_code VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    score_units INTEGER NOT NULL,
    target_poor BOOLEAN NOT NULL,
    households BIGINT NOT NULL,
    people BIGINT NOT NULL,
    p_d_health_birthweight BIGINT NOT NULL,
    p_d_health_food BIGINT NOT NULL,
    p_d_health_medicine BIGINT NOT NULL,
    p_d_health_exercise BIGINT NOT NULL,
    p_d_living_housing BIGINT NOT NULL,
    p_d_living_drinking_water BIGINT NOT NULL,
    p_d_living_water_use BIGINT NOT NULL,
    p_d_living_sanitation BIGINT NOT NULL,
    p_d_education_preschool BIGINT NOT NULL,
    p_d_education_compulsory BIGINT NOT NULL,
    p_d_education_upper_secondary BIGINT NOT NULL,
    p_d_education_literacy BIGINT NOT NULL,
    p_d_income_working_age_job BIGINT NOT NULL,
    p_d_income_elderly_job BIGINT NOT NULL,
    p_d_income_per_head BIGINT NOT NULL,
    p_d_access_elderly_care BIGINT NOT NULL,
    p_d_access_disabled_care BIGINT NOT NULL,
    p_any_health BIGINT NOT NULL,
    p_any_living BIGINT NOT NULL,
    p_any_education BIGINT NOT NULL,
    p_any_income BIGINT NOT NULL,
    p_any_access BIGINT NOT NULL
);

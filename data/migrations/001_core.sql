-- Core One Data schema: areas, SDG indicators, households, assistance, partners, lineage.
-- Years are stored in CE; the UI shows BE. Codes are DOPA codes kept as text.

CREATE TABLE import_batches (
    batch_id INTEGER PRIMARY KEY,
    kind VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    source VARCHAR,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_accepted INTEGER NOT NULL DEFAULT 0,
    rows_rejected INTEGER NOT NULL DEFAULT 0,
    rows_replaced INTEGER NOT NULL DEFAULT 0,
    imported_by VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    status VARCHAR NOT NULL DEFAULT 'committed',
    undone_at TIMESTAMP,
    undone_by VARCHAR
);

CREATE TABLE regions (
    scheme VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    name_th VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL,
    PRIMARY KEY (scheme, code)
);

CREATE TABLE areas (
    code VARCHAR PRIMARY KEY,
    level VARCHAR NOT NULL,
    name_th VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    parent_code VARCHAR,
    province_code VARCHAR NOT NULL,
    region_nesdc VARCHAR NOT NULL,
    region_four VARCHAR NOT NULL,
    status VARCHAR NOT NULL DEFAULT 'current'
);

CREATE INDEX areas_parent ON areas (parent_code);

CREATE TABLE sdg_goals (
    goal INTEGER PRIMARY KEY,
    name_th VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    colour VARCHAR NOT NULL
);

CREATE TABLE sdg_indicators (
    indicator_code VARCHAR PRIMARY KEY,
    goal INTEGER NOT NULL,
    un_code VARCHAR,
    name_th VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    direction INTEGER NOT NULL,
    lower_bound DOUBLE PRECISION NOT NULL,
    upper_bound DOUBLE PRECISION NOT NULL,
    target_2030 DOUBLE PRECISION,
    source VARCHAR NOT NULL,
    levels VARCHAR NOT NULL DEFAULT 'province',
    batch_id INTEGER
);

CREATE TABLE sdg_values (
    indicator_code VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    disaggregation VARCHAR NOT NULL DEFAULT 'total',
    value DOUBLE PRECISION NOT NULL,
    batch_id INTEGER,
    PRIMARY KEY (indicator_code, area_code, year, disaggregation)
);

CREATE TABLE poverty_indicators (
    indicator_code VARCHAR PRIMARY KEY,
    dimension VARCHAR NOT NULL,
    column_name VARCHAR NOT NULL,
    name_th VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    sort_order INTEGER NOT NULL
);

CREATE TABLE households (
    house_code VARCHAR NOT NULL,
    survey_year INTEGER NOT NULL,
    village_code VARCHAR NOT NULL,
    subdistrict_code VARCHAR NOT NULL,
    district_code VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    members INTEGER NOT NULL,
    income_per_head DOUBLE PRECISION,
    welfare_card BOOLEAN NOT NULL,
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
    batch_id INTEGER,
    PRIMARY KEY (house_code, survey_year)
);

CREATE TABLE assistance_cases (
    case_id BIGINT PRIMARY KEY,
    house_code VARCHAR NOT NULL,
    survey_year INTEGER NOT NULL,
    village_code VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    dimension VARCHAR NOT NULL,
    indicator_code VARCHAR,
    agency VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    opened_on DATE NOT NULL,
    closed_on DATE,
    batch_id INTEGER
);

CREATE TABLE partners (
    partner_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    name_en VARCHAR,
    sector VARCHAR NOT NULL,
    home_province VARCHAR NOT NULL,
    batch_id INTEGER
);

CREATE TABLE partner_activities (
    activity_id INTEGER PRIMARY KEY,
    partner_id INTEGER NOT NULL,
    area_code VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE,
    beneficiaries INTEGER NOT NULL DEFAULT 0,
    budget DOUBLE PRECISION NOT NULL DEFAULT 0,
    status VARCHAR NOT NULL,
    batch_id INTEGER
);

CREATE TABLE activity_goals (
    activity_id INTEGER NOT NULL,
    goal INTEGER NOT NULL,
    PRIMARY KEY (activity_id, goal)
);

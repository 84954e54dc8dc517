-- One Plan projects per area (with their SDG links) and informal-debt cases of the urgent policy.

CREATE TABLE plan_projects (
    project_id INTEGER PRIMARY KEY,
    area_code VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    fiscal_year INTEGER NOT NULL,
    name_th VARCHAR NOT NULL,
    name_en VARCHAR,
    agency VARCHAR NOT NULL,
    budget_planned DOUBLE PRECISION NOT NULL DEFAULT 0,
    budget_spent DOUBLE PRECISION NOT NULL DEFAULT 0,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    status VARCHAR NOT NULL,
    progress_pct DOUBLE PRECISION NOT NULL DEFAULT 0,
    beneficiaries INTEGER NOT NULL DEFAULT 0,
    last_update DATE NOT NULL,
    batch_id INTEGER
);
CREATE INDEX plan_projects_province ON plan_projects (province_code, fiscal_year);

CREATE TABLE plan_project_goals (
    project_id INTEGER NOT NULL,
    goal INTEGER NOT NULL,
    target VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, goal, target)
);

CREATE TABLE debt_cases (
    case_id INTEGER PRIMARY KEY,
    area_code VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    registered_on DATE NOT NULL,
    debt_amount DOUBLE PRECISION NOT NULL,
    creditor_type VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    mediation_on DATE,
    outcome_on DATE,
    amount_reduced DOUBLE PRECISION NOT NULL DEFAULT 0,
    amount_refinanced DOUBLE PRECISION NOT NULL DEFAULT 0,
    house_code VARCHAR,
    batch_id INTEGER
);
CREATE INDEX debt_cases_province ON debt_cases (province_code, registered_on);

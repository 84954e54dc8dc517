-- PostgreSQL only: indexes for the drill-down filters (DuckDB relies on zone maps instead).

CREATE INDEX poverty_profiles_year_province ON poverty_profiles (survey_year, province_code);

CREATE INDEX poverty_profiles_year_village ON poverty_profiles (survey_year, village_code);

CREATE INDEX poverty_case_counts_year_province ON poverty_case_counts (survey_year, province_code);

CREATE INDEX households_village_year ON households (village_code, survey_year);

-- PostgreSQL reads rows, not columns: give it indexes for the area-prefix filters
-- (`village_code LIKE '3001%'`). varchar_pattern_ops makes LIKE prefixes usable whatever the
-- database collation is.
CREATE INDEX households_year_village ON households (survey_year, village_code varchar_pattern_ops);
CREATE INDEX households_year_province ON households (survey_year, province_code);
CREATE INDEX household_rollup_village ON household_rollup (survey_year, village_code varchar_pattern_ops);
CREATE INDEX assistance_cases_year_village ON assistance_cases (survey_year, village_code varchar_pattern_ops);

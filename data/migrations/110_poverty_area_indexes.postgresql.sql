-- PostgreSQL reads rows, not columns: the drill-down below a province filtered the poverty
-- aggregates by district, subdistrict or village code (and the roll-up by parent or unit) with
-- sequential scans of millions of rows, 20-50 ms a step on the national store. DuckDB prunes
-- those filters with its zone maps and needs none of these (110_poverty_area_indexes.sql).
CREATE INDEX poverty_rollup_children ON poverty_rollup (unit_level, parent_code, survey_year);
CREATE INDEX poverty_rollup_unit ON poverty_rollup (unit_level, unit_code, survey_year);
CREATE INDEX poverty_profiles_district ON poverty_profiles (district_code, survey_year);
CREATE INDEX poverty_profiles_subdistrict ON poverty_profiles (subdistrict_code, survey_year);
CREATE INDEX poverty_profiles_village ON poverty_profiles (village_code, survey_year);
CREATE INDEX poverty_case_counts_district ON poverty_case_counts (district_code, survey_year);
CREATE INDEX poverty_case_counts_subdistrict ON poverty_case_counts (subdistrict_code, survey_year);
CREATE INDEX poverty_case_counts_village ON poverty_case_counts (village_code, survey_year);

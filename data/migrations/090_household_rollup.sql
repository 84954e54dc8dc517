-- Households rolled up per village and survey year: the drill-down and the headline counts
-- aggregate ~75,000 rows a year instead of ~13 million. Kept in step with `households` by
-- data.rollup.refresh_household_rollup (the demo build and every household import call it).
CREATE TABLE household_rollup (
    survey_year INTEGER NOT NULL,
    village_code VARCHAR NOT NULL,
    province_code VARCHAR NOT NULL,
    households BIGINT NOT NULL,
    people BIGINT NOT NULL,
    target_poor_households BIGINT NOT NULL,
    target_poor_people BIGINT NOT NULL,
    welfare_card_households BIGINT NOT NULL,
    PRIMARY KEY (survey_year, village_code)
);

-- A store that already holds households gets its rollup now.
INSERT INTO household_rollup
SELECT survey_year, village_code, MIN(province_code),
       COUNT(*), SUM(members),
       SUM(CASE WHEN target_poor THEN 1 ELSE 0 END),
       SUM(CASE WHEN target_poor THEN members ELSE 0 END),
       SUM(CASE WHEN welfare_card THEN 1 ELSE 0 END)
FROM households GROUP BY survey_year, village_code;

-- Measures that are not SDG indicators (population, births, GPP, target-poor counts) live in
-- the indicator catalogue without a goal and, when they have none, without scoring bounds;
-- scoring reads only indicators with a goal.
ALTER TABLE sdg_indicators ALTER COLUMN goal DROP NOT NULL;
ALTER TABLE sdg_indicators ALTER COLUMN lower_bound DROP NOT NULL;
ALTER TABLE sdg_indicators ALTER COLUMN upper_bound DROP NOT NULL;

-- SDG catalogue additions for scoring and display: whether an indicator counts in the goal
-- scores and the SDG index, the decimals its values are shown with, and the base year its
-- progress status is measured from (NULL = the first year with data).
ALTER TABLE sdg_indicators ADD COLUMN in_index BOOLEAN DEFAULT TRUE;
ALTER TABLE sdg_indicators ADD COLUMN decimals INTEGER DEFAULT 1;
ALTER TABLE sdg_indicators ADD COLUMN base_year INTEGER;

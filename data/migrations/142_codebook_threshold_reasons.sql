-- The codebook gave the optimum and the lower bound each a reason and a source, but the green
-- and red thresholds only one shared "threshold_source". Each threshold now has its own reason
-- and source, edited by stewards with history like the other fields. What a row held in
-- threshold_source (a reason for both, in the demo) becomes the reason of each threshold.
ALTER TABLE indicator_codebook ADD COLUMN green_reason VARCHAR;
ALTER TABLE indicator_codebook ADD COLUMN green_source VARCHAR;
ALTER TABLE indicator_codebook ADD COLUMN red_reason VARCHAR;
ALTER TABLE indicator_codebook ADD COLUMN red_source VARCHAR;
UPDATE indicator_codebook SET green_reason = threshold_source, red_reason = threshold_source
WHERE threshold_source IS NOT NULL;
ALTER TABLE indicator_codebook DROP COLUMN threshold_source;

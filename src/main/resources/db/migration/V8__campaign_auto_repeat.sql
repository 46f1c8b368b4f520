-- repeat: "auto" (repeat each configuration until the 95 % interval of its J/frame is within ci_within of the
-- mean, between min and max runs): the rule, {"ci_within", "min", "max"}; null for a fixed repeat. The store reads it
-- when a job of the campaign ends, in the same transaction that records the result, to queue the next repetition.
ALTER TABLE campaigns ADD COLUMN auto_repeat jsonb;

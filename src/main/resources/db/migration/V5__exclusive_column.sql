-- Whether a job needs its node to itself becomes a column, written from the parsed JobSpec at insert like the queue and
-- priority ranks, so the rule's default lives in JobSpec alone rather than again in SQL. Every stored spec is
-- JobSpec.toJson's canonical form, which always carries measure.exclusive, so the copy below leaves no row empty.
ALTER TABLE jobs ADD COLUMN exclusive boolean;
UPDATE jobs SET exclusive = (spec->'measure'->>'exclusive')::boolean;
ALTER TABLE jobs ALTER COLUMN exclusive SET NOT NULL;

DROP FUNCTION job_fits_node(jsonb, text, jsonb, jsonb, boolean);
-- As in V4 (a function of its own so the planner keeps its default guess and walks jobs_claim_order), with the
-- job's exclusive column in place of reading the spec.
CREATE FUNCTION job_fits_node(spec jsonb, exclusive boolean, node_id text, encoders jsonb, labels jsonb, busy boolean)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (NOT busy OR NOT exclusive)
     AND (spec->'video'->>'encoder' = 'auto' OR encoders ? (spec->'video'->>'encoder')
          OR NOT EXISTS (SELECT 1 FROM nodes o WHERE o.encoders ? (spec->'video'->>'encoder')))
     AND coalesce(spec->'requirements'->'labels', '{}'::jsonb) <@ labels
     AND (spec->'requirements'->>'node' IS NULL OR spec->'requirements'->>'node' = node_id);
END $$;

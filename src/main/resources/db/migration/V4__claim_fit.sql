-- Whether a queued job may run on a node: its encoder (auto runs anywhere; an encoder no registered node has goes to
-- any node, which fails it with the reason), its labels, the node it names, and, on a node that already runs a job
-- ($5 busy), whether it shares the node. A function of its own, not inline clauses: the planner cannot estimate jsonb
-- containment and guessed so few matches that it sorted every queued job on each claim; a function keeps its default
-- guess, so a claim walks jobs_claim_order and stops at the first jobs that fit.
CREATE FUNCTION job_fits_node(spec jsonb, node_id text, encoders jsonb, labels jsonb, busy boolean) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (NOT busy OR coalesce((spec->'measure'->>'exclusive')::boolean, true) = false)
     AND (spec->'video'->>'encoder' = 'auto' OR encoders ? (spec->'video'->>'encoder')
          OR NOT EXISTS (SELECT 1 FROM nodes o WHERE o.encoders ? (spec->'video'->>'encoder')))
     AND coalesce(spec->'requirements'->'labels', '{}'::jsonb) <@ labels
     AND (spec->'requirements'->>'node' IS NULL OR spec->'requirements'->>'node' = node_id);
END $$;

-- The web UI's fleet view sums each node's energy of today's finished jobs (NodeSql.ENERGY_TODAY).
CREATE INDEX jobs_node_finished ON jobs (node_id, finished_at) WHERE finished_at IS NOT NULL;

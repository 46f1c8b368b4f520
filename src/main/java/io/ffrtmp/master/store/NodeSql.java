package io.ffrtmp.master.store;

/** The node store's statements. Every value is a bound parameter. */
final class NodeSql {

  private NodeSql() {}

  static final String COLUMNS =
      "id, state, host, labels, slots, free_slots, encoders, power, hardware, running, watts,"
          + " watts_source, registered_at, last_seen, (extract(epoch FROM now() - last_seen) *"
          + " 1000)::bigint AS seen_ago_ms";

  /**
   * Insert, or take over a row whose process is gone: the same instance re-registering, a lost
   * node, or one not seen for $10 ms. A row held by another live instance is left alone and nothing
   * is returned.
   */
  static final String REGISTER =
      """
      INSERT INTO nodes AS n (id, instance_id, state, host, labels, slots, free_slots, encoders, power, hardware, cluster_node,
                              metrics_address)
      VALUES ($1, $2, 'up', $3, $4, $5, $5, $6, $7, $8, $9, $11)
      ON CONFLICT (id) DO UPDATE SET instance_id = EXCLUDED.instance_id,
             state = CASE WHEN n.state = 'draining' THEN 'draining' ELSE 'up' END,
             host = EXCLUDED.host, labels = EXCLUDED.labels, slots = EXCLUDED.slots, free_slots = EXCLUDED.free_slots,
             encoders = EXCLUDED.encoders, power = EXCLUDED.power, hardware = EXCLUDED.hardware,
             cluster_node = EXCLUDED.cluster_node, metrics_address = EXCLUDED.metrics_address, running = '[]', registered_at = now(), last_seen = now()
       WHERE n.instance_id = EXCLUDED.instance_id OR n.state = 'lost'
          OR n.last_seen < now() - ($10::bigint * interval '1 millisecond')
      RETURNING\
      """
          + " "
          + COLUMNS;

  static final String HEARTBEAT =
      """
      UPDATE nodes SET last_seen = now(), running = $3, free_slots = $4, watts = $5, watts_source = $6,
             state = CASE WHEN state = 'lost' THEN 'up' ELSE state END
       WHERE id = $1 AND instance_id = $2
      RETURNING state\
      """;

  /**
   * Renews the leases of the (job, fencing token) pairs the node still holds, and notes progress
   * when the job's activity counter grew; returns those job ids. Primary-key lookups of the jobs
   * named, never a walk of an index on state or node, whose dead entries pile up between vacuums on
   * a busy queue.
   */
  static final String RENEW_LEASES =
      """
      UPDATE jobs j SET lease_expires_at = now() + ($4::bigint * interval '1 millisecond'),
             progress_at = CASE WHEN held.activity > j.progress_seq THEN now() ELSE j.progress_at END,
             progress_seq = greatest(j.progress_seq, held.activity)
        FROM unnest($2::uuid[], $3::bigint[], $5::bigint[]) AS held(id, token, activity)
       WHERE j.id = ANY($2::uuid[]) AND j.id = held.id AND j.fencing_token = held.token AND j.node_id = $1
         AND coalesce(j.state, '') IN ('leased', 'running')
      RETURNING j.id\
      """;

  /**
   * What service discovery and the node gauges need of every node, refreshed on a timer (never per
   * scrape).
   */
  static final String TARGETS = "SELECT id, state, labels, metrics_address FROM nodes ORDER BY id";

  /**
   * Per node of $1, the energy of its jobs that finished since midnight UTC (walks {@code
   * jobs_node_finished}), and whether all of it was measured or all estimated.
   */
  static final String ENERGY_TODAY =
      """
      SELECT j.node_id, sum((r.result->'energy'->>'total_joules')::float8) AS joules, count(*) AS jobs,
             bool_and(r.result->'energy'->>'provenance' = 'measured') AS all_measured,
             bool_and(r.result->'energy'->>'provenance' = 'estimated') AS all_estimated
        FROM jobs j JOIN results r ON r.job_id = j.id
       WHERE j.node_id = ANY($1::text[]) AND j.finished_at >= date_trunc('day', now(), 'UTC')
         AND jsonb_typeof(r.result->'energy'->'total_joules') = 'number'
       GROUP BY j.node_id\
      """;

  static final String LIST = "SELECT " + COLUMNS + " FROM nodes ORDER BY id";

  static final String GET = "SELECT " + COLUMNS + " FROM nodes WHERE id = $1";

  /** A lost node cannot be resumed (it has to come back by itself); any node can be drained. */
  static final String SET_STATE =
      """
      UPDATE nodes SET state = CASE WHEN $2 = 'up' AND state = 'lost' THEN 'lost' ELSE $2 END
       WHERE id = $1
      RETURNING\
      """
          + " "
          + COLUMNS;

  /** $1: ms without a heartbeat; $2: the cluster's live member ids (null when not clustered). */
  static final String MARK_LOST =
      """
      UPDATE nodes SET state = 'lost', free_slots = 0
       WHERE state <> 'lost'
         AND (last_seen < now() - ($1::bigint * interval '1 millisecond')
              OR ($2::text[] IS NOT NULL AND cluster_node IS NOT NULL AND NOT (cluster_node = ANY($2::text[]))))
      RETURNING id\
      """;
}

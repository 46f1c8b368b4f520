package io.ffrtmp.master.store;

import io.ffrtmp.cluster.Addresses;

/**
 * The job store's statements, kept apart from the code that runs them. Every value is a bound
 * parameter.
 */
final class JobSql {

  private JobSql() {}

  static final String INSERT_CAMPAIGN =
      """
      INSERT INTO campaigns (id, name, description, source, quality_metric, idle_baseline, node, auto_repeat)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)\
      """;

  /** Serialises the repetition decisions of one campaign: taken under this row lock. */
  static final String LOCK_AUTO_CAMPAIGN =
      """
      SELECT c.id, c.auto_repeat, j.config_key, j.spec FROM jobs j JOIN campaigns c ON c.id = j.campaign_id
       WHERE j.id = $1 AND c.auto_repeat IS NOT NULL
         FOR UPDATE OF c\
      """;

  /** One configuration's jobs: states, J/frame of the succeeded, and the next free order number. */
  static final String CONFIG_RUNS =
      """
      SELECT j.state, j.repetition, (r.result->'energy'->>'joules_per_frame')::float8 AS jpf,
             (SELECT max(seq) FROM jobs WHERE campaign_id = $1) AS max_seq
        FROM jobs j LEFT JOIN results r ON r.job_id = j.id
       WHERE j.campaign_id = $1 AND j.config_key = $2\
      """;

  static final String INSERT_JOB =
      """
      INSERT INTO jobs (id, campaign_id, config_key, repetition, seq, spec, state, queue_rank, priority_rank, max_attempts,
                        exclusive)
      VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8, $9, $10)\
      """;

  static final String INSERT_EVENT =
      """
      INSERT INTO job_events (job_id, from_state, to_state, actor, reason, attempt) VALUES ($1, $2, $3, $4, $5, $6)\
      """;

  /**
   * Queue, then priority, then age, among the jobs this node may run: it must be registered to this
   * process ($4) and up (not draining or lost), have the job's encoder ({@code auto} runs anywhere;
   * an encoder no registered node has, lost ones included, goes to any node, which fails it with
   * the reason rather than leave it waiting for ever), carry every label the job asks for, and be
   * the node the job names, if it names one. A job nobody here can run is passed over, never blocks
   * the queue. SKIP LOCKED lets concurrent claims take different jobs without waiting. $2: the node
   * already runs a job, so only jobs that allow sharing the node qualify. $3: lease length in ms.
   * $5/$6: seconds without progress before a live / other job counts as stalled (other jobs: at
   * least $6, else twice the input's duration, or its timeout for whole files). The limit (the
   * node's free slots) is written into the text, see {@link #claim}. An exclusive job needs the
   * node to itself: when the best candidate is exclusive it is the only one taken; otherwise the
   * shareable candidates are taken and exclusive ones further down are left for an idle node (their
   * locks end with the statement).
   */
  private static final String CLAIM =
      """
      WITH n AS MATERIALIZED (SELECT id, encoders, labels FROM nodes WHERE id = $1 AND instance_id = $4 AND state = 'up'),
      cand AS (
        SELECT j.id, j.queue_rank, j.priority_rank, j.created_at, j.seq,
               j.exclusive AS excl
          FROM jobs j, n
         WHERE j.state = 'queued' AND job_fits_node(j.spec, j.exclusive, n.id, n.encoders, n.labels, $2)
         ORDER BY j.queue_rank, j.priority_rank, j.created_at, j.seq
         FOR UPDATE OF j SKIP LOCKED LIMIT %d),
      ranked AS (SELECT id, excl, row_number() OVER (ORDER BY queue_rank, priority_rank, created_at, seq) AS rn FROM cand),
      pick AS (SELECT id FROM ranked
                WHERE rn = 1 OR (NOT excl AND NOT coalesce((SELECT r.excl FROM ranked r WHERE r.rn = 1), false))),
      c AS (
      UPDATE jobs SET state = 'leased', node_id = $1, attempt = attempt + 1, fencing_token = nextval('fencing_tokens'),
             updated_at = now(), lease_expires_at = now() + ($3::bigint * interval '1 millisecond'),
             progress_at = now(), progress_seq = 0, not_before = NULL,
             stall_after_s = CASE WHEN queue_rank = 0 THEN $5::integer
               ELSE greatest($6::integer, ceil(2 * coalesce(nullif((spec->'input'->>'duration_s')::numeric, 0),
                                                            (spec->>'timeout_s')::numeric / 2)))::integer END
       WHERE id = ANY(ARRAY(SELECT id FROM pick))
      RETURNING id, campaign_id, config_key, repetition, attempt, fencing_token, spec, queue_rank, priority_rank, created_at, seq),
      e AS (INSERT INTO job_events (job_id, from_state, to_state, actor, reason, attempt)
            SELECT id, 'queued', 'leased', $1, 'claimed', attempt FROM c)
      SELECT id, campaign_id, config_key, repetition, attempt, fencing_token, spec,
             extract(epoch FROM now() - created_at)::float8 AS waited_s FROM c
       ORDER BY queue_rank, priority_rank, created_at, seq\
      """;

  private static final String[] CLAIMS = new String[Addresses.MAX_BATCH + 1];

  /**
   * {@link #CLAIM} for at most {@code max} jobs. The limit is a literal, not a parameter: with a
   * parameter, the generic plan PostgreSQL settles on for a prepared statement cannot tell a LIMIT
   * 1 from a LIMIT 10,000 and sorts every queued job rather than walk the claim-order index. A few
   * texts (one per slot count in use) are prepared.
   */
  static String claim(int max) {
    int n = Math.max(1, Math.min(max, CLAIMS.length - 1));
    String sql = CLAIMS[n];
    if (sql == null) {
      sql = CLAIM.formatted(n);
      CLAIMS[n] = sql;
    }
    return sql;
  }

  /**
   * Many starts in one statement: each (job $1[i], token $2[i]) that is leased under that token
   * moves to running, with its event ($3 actor). Jobs not returned were not moved (stale token, or
   * no longer leased): the caller asks why. The state test is written so no index on state matches
   * it: PostgreSQL, which sees few leased jobs in its statistics, would otherwise walk every (dead)
   * leased entry of jobs_state_listing instead of 8 primary-key lookups.
   */
  static final String START_MANY =
      """
      WITH u AS (SELECT DISTINCT ON (id) id, token FROM unnest($1::uuid[], $2::bigint[]) AS u(id, token)),
      m AS (UPDATE jobs j SET state = 'running', updated_at = now(), started_at = now(), progress_at = now()
              FROM u
             WHERE j.id = ANY($1::uuid[]) AND j.id = u.id AND j.fencing_token = u.token AND coalesce(j.state, '') = 'leased'
            RETURNING j.id, j.campaign_id, j.config_key, j.attempt),
      e AS (INSERT INTO job_events (job_id, from_state, to_state, actor, reason, attempt)
            SELECT id, 'leased', 'running', $3, 'started', attempt FROM m)
      SELECT * FROM m\
      """;

  /**
   * Many first deliveries of final results in one statement: for each i, job $1[i] under token
   * $2[i] moves to $3[i] (succeeded, failed, canceled) from one of the held states in $4[i]
   * (comma-separated), with error $5[i], error class $6[i], event reason $7[i] and result $8[i]; $9
   * actor. Jobs not returned were not moved: a repeat, a stale token, or an attempt the master took
   * away, which the caller sorts out one by one.
   */
  static final String FINISH_MANY =
      """
      WITH u AS (SELECT DISTINCT ON (id) * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                                                       $6::text[], $7::text[], $8::jsonb[])
                   AS u(id, token, to_state, sources, error, error_class, reason, result)),
      old AS (SELECT j.id, j.state AS before FROM jobs j JOIN u ON u.id = j.id ORDER BY j.id FOR UPDATE OF j),
      m AS (UPDATE jobs j SET state = u.to_state, updated_at = now(), error = coalesce(u.error, j.error),
                   error_class = CASE WHEN u.to_state = 'failed' THEN u.error_class ELSE j.error_class END,
                   lease_expires_at = NULL, finished_at = now()
              FROM u, old
             WHERE j.id = u.id AND old.id = u.id AND j.fencing_token = u.token
               AND j.state = ANY(string_to_array(u.sources, ','))
               AND (u.to_state = 'canceled' OR NOT EXISTS (SELECT 1 FROM campaigns c
                                                            WHERE c.id = j.campaign_id AND c.auto_repeat IS NOT NULL))
            RETURNING j.id, j.campaign_id, j.config_key, j.attempt, old.before, u.to_state, u.reason, u.result),
      e AS (INSERT INTO job_events (job_id, from_state, to_state, actor, reason, attempt)
            SELECT id, before, to_state, $9, reason, attempt FROM m),
      r AS (INSERT INTO results (job_id, attempt, result) SELECT id, attempt, result FROM m
            ON CONFLICT (job_id) DO UPDATE SET attempt = EXCLUDED.attempt, result = EXCLUDED.result, created_at = now())
      SELECT id, campaign_id, config_key, attempt, before, to_state FROM m\
      """;

  /** A transition that only happens when the caller's fencing token is the current one. */
  static final String MOVE_FENCED = moveFenced("");

  /**
   * The one-statement paths leave a job of a {@code repeat: "auto"} campaign that succeeds or fails
   * to the transactional path, which decides on its next repetition in the same transaction ($3:
   * the target state; {@code j}: the job).
   */
  static final String NOT_AUTO_REPEAT =
      " AND ($3 = 'canceled' OR NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = j.campaign_id"
          + " AND c.auto_repeat IS NOT NULL))";

  private static String moveFenced(String guard) {
    return """
    UPDATE jobs j SET state = $3, updated_at = now(), error = coalesce($4, j.error),
           error_class = CASE WHEN $3 = 'failed' THEN $6 ELSE j.error_class END,
           started_at = CASE WHEN $3 = 'running' THEN now() ELSE j.started_at END,
           progress_at = CASE WHEN $3 = 'running' THEN now() ELSE j.progress_at END,
           lease_expires_at = CASE WHEN $3 IN ('succeeded', 'failed', 'canceled') THEN NULL ELSE j.lease_expires_at END,
           finished_at = CASE WHEN $3 IN ('succeeded', 'failed', 'canceled') THEN now() ELSE j.finished_at END
      FROM (SELECT id, state AS before FROM jobs WHERE id = $1 FOR UPDATE) old
     WHERE j.id = old.id AND j.fencing_token = $2 AND j.state = ANY($5)%s
    RETURNING j.attempt, old.before, j.campaign_id, j.config_key\
    """
        .formatted(guard);
  }

  /**
   * {@link #MOVE_FENCED} and its event in one statement ($7 actor, $8 reason): one round trip,
   * atomic by itself.
   */
  static final String MOVE_FENCED_WITH_EVENT =
      "WITH m AS ("
          + MOVE_FENCED
          + """
          ),
          e AS (INSERT INTO job_events (job_id, from_state, to_state, actor, reason, attempt)
                SELECT $1, m.before, $3, $7, $8, m.attempt FROM m)
          SELECT * FROM m\
          """;

  /**
   * The first delivery of a final result: the move, its event and the result ($9) in one statement.
   */
  static final String FINISH_FENCED =
      "WITH m AS ("
          + moveFenced(NOT_AUTO_REPEAT)
          + """
          ),
          e AS (INSERT INTO job_events (job_id, from_state, to_state, actor, reason, attempt)
                SELECT $1, m.before, $3, $7, $8, m.attempt FROM m),
          r AS (INSERT INTO results (job_id, attempt, result) SELECT $1, m.attempt, $9 FROM m
                ON CONFLICT (job_id) DO UPDATE SET attempt = EXCLUDED.attempt, result = EXCLUDED.result, created_at = now())
          SELECT * FROM m\
          """;

  static final String CURRENT =
      "SELECT state, fencing_token, attempt, campaign_id, config_key FROM jobs WHERE id = $1";

  /** Exponential backoff with jitter: base $b ms × 2^(attempt−1) × [0.5, 1.5), at most $c ms. */
  private static String backoff(String base, String cap, String attempt) {
    return "least("
        + cap
        + "::bigint, ("
        + base
        + "::bigint * power(2, "
        + attempt
        + " - 1) * (0.5 + random()))::bigint)"
        + " * interval '1 millisecond'";
  }

  /**
   * A transient failure with attempts left: wait, then queue again. Fenced like every worker move.
   */
  static final String RETRY_FENCED =
      """
      UPDATE jobs j SET state = 'retry_wait', updated_at = now(), error = $3, error_class = 'transient',
             lease_expires_at = NULL, not_before = now() +\
      """
          + backoff("$4", "$5", "j.attempt")
          + """

            FROM (SELECT id, state AS before FROM jobs WHERE id = $1 FOR UPDATE) old
           WHERE j.id = old.id AND j.fencing_token = $2 AND j.state IN ('leased', 'running') AND j.attempt < j.max_attempts
          RETURNING j.attempt, old.before\
          """;

  /**
   * Housekeeping: attempts whose lease ran out, or whose node is lost or unknown, go back to the
   * queue (or fail when they were the last attempt allowed). The fencing token is left as it is:
   * the next claim issues a new one, so a late message from the old attempt is refused.
   */
  static final String EXPIRE_LEASES =
      """
      WITH gone AS (
        SELECT j.id, j.state AS before, j.node_id, coalesce(n.state, 'unknown') AS node_state
          FROM jobs j LEFT JOIN nodes n ON n.id = j.node_id
         WHERE j.state IN ('leased', 'running')
           AND (j.lease_expires_at < now() OR n.state = 'lost' OR n.id IS NULL)
         FOR UPDATE OF j SKIP LOCKED)
      UPDATE jobs j SET state = CASE WHEN j.attempt >= j.max_attempts THEN 'failed' ELSE 'queued' END,
             error = CASE WHEN g.node_state = 'lost' THEN 'node ' || g.node_id || ' lost'
                          WHEN g.node_state = 'unknown' THEN 'node ' || g.node_id || ' unknown'
                          ELSE 'lease expired on node ' || g.node_id || ' (no heartbeat)' END
                     || CASE WHEN j.attempt >= j.max_attempts THEN '; attempt ' || j.attempt || ' of ' || j.max_attempts
                             ELSE '' END,
             error_class = 'transient', lease_expires_at = NULL, updated_at = now(),
             finished_at = CASE WHEN j.attempt >= j.max_attempts THEN now() ELSE NULL END
        FROM gone g
       WHERE j.id = g.id
      RETURNING j.id, j.campaign_id, j.config_key, j.attempt, g.before, j.state, j.error, g.node_id\
      """;

  /**
   * Housekeeping: running attempts with no progress for their stall limit wait and retry (or fail
   * on the last attempt).
   */
  static final String STALLED =
      """
      WITH stuck AS (
        SELECT id, state AS before, node_id FROM jobs
         WHERE state = 'running' AND stall_after_s IS NOT NULL
           AND coalesce(progress_at, started_at) < now() - stall_after_s * interval '1 second'
         FOR UPDATE SKIP LOCKED)
      UPDATE jobs j SET state = CASE WHEN j.attempt >= j.max_attempts THEN 'failed' ELSE 'retry_wait' END,
             error = 'no progress for ' || j.stall_after_s || ' s on node ' || s.node_id, error_class = 'transient',
             lease_expires_at = NULL, updated_at = now(),
             not_before = CASE WHEN j.attempt >= j.max_attempts THEN NULL ELSE now() +\
      """
          + backoff("$1", "$2", "j.attempt")
          + """
           END,
                 finished_at = CASE WHEN j.attempt >= j.max_attempts THEN now() ELSE NULL END
            FROM stuck s
           WHERE j.id = s.id
          RETURNING j.id, j.campaign_id, j.config_key, j.attempt, s.before, j.state, j.error, s.node_id\
          """;

  /** Housekeeping: retries whose wait is over go back to the queue. */
  static final String RETRY_DUE =
      """
      WITH due AS (SELECT id FROM jobs WHERE state = 'retry_wait' AND not_before <= now() FOR UPDATE SKIP LOCKED)
      UPDATE jobs j SET state = 'queued', not_before = NULL, updated_at = now()
        FROM due
       WHERE j.id = due.id
      RETURNING j.id, j.campaign_id, j.config_key, j.attempt, 'retry_wait' AS before, j.state, j.error, j.node_id\
      """;

  /**
   * A new leader gives every live lease and node one more lease length, so nothing expires for want
   * of a leader.
   */
  static final String LEADER_GRACE_JOBS =
      """
      UPDATE jobs SET lease_expires_at = greatest(lease_expires_at, now() + ($1::bigint * interval '1 millisecond'))
       WHERE state IN ('leased', 'running')\
      """;

  static final String LEADER_GRACE_NODES =
      "UPDATE nodes SET last_seen = greatest(last_seen, now()) WHERE state <> 'lost'";

  static final String LEADER_MARK =
      """
      INSERT INTO leader (id, master_id, since, last_sweep) VALUES (1, $1, now(), now())
      ON CONFLICT (id) DO UPDATE SET master_id = $1,
             since = CASE WHEN leader.master_id = $1 THEN leader.since ELSE now() END, last_sweep = now()\
      """;

  static final String UPSERT_RESULT =
      """
      INSERT INTO results (job_id, attempt, result) VALUES ($1, $2, $3)
      ON CONFLICT (job_id) DO UPDATE SET attempt = EXCLUDED.attempt, result = EXCLUDED.result, created_at = now()\
      """;

  /** Cancels every unfinished job of a campaign; running ones are told to stop by the caller. */
  static final String CANCEL_QUEUED =
      """
      UPDATE jobs j SET state = 'canceled', updated_at = now(), finished_at = now(), error = $2, lease_expires_at = NULL,
             not_before = NULL
        FROM (SELECT id, state AS before FROM jobs
               WHERE campaign_id = $1 AND state IN ('queued', 'retry_wait', 'leased', 'running') FOR UPDATE) old
       WHERE j.id = old.id
      RETURNING j.id, j.attempt, old.before\
      """;

  /**
   * The meters' view of jobs just finished ($1): state, spec, and from the recorded result the
   * encoder a worker chose for {@code auto}, frames and attributed energy; run time of the last
   * attempt.
   */
  static final String FINISHED_JOBS =
      """
      SELECT j.state, j.spec, r.result->'encoder_choice'->>'chosen' AS ran_encoder,
             CASE WHEN jsonb_typeof(r.result->'frames') = 'number' THEN (r.result->>'frames')::float8 END AS frames,
             CASE WHEN jsonb_typeof(r.result->'energy'->'total_joules') = 'number'
                  THEN (r.result->'energy'->>'total_joules')::float8 END AS joules,
             r.result->'energy'->>'provenance' AS provenance,
             CASE WHEN jsonb_typeof(r.result->'live'->'holds_realtime') = 'boolean'
                  THEN (r.result->'live'->>'holds_realtime')::boolean END AS holds_realtime,
             extract(epoch FROM j.finished_at - j.started_at)::float8 AS run_s
        FROM jobs j LEFT JOIN results r ON r.job_id = j.id AND r.attempt = j.attempt
       WHERE j.id = ANY($1::uuid[])\
      """;

  static final String CAMPAIGN_STATES =
      "SELECT state, count(*) AS n FROM jobs WHERE campaign_id = $1 GROUP BY state";

  /** One query for a whole campaign's report: every job with its result, if any. */
  static final String CAMPAIGN_RESULTS =
      """
      SELECT j.id, j.config_key, j.repetition, j.state, j.error, j.attempt, j.spec, r.result
        FROM jobs j LEFT JOIN results r ON r.job_id = j.id
       WHERE j.campaign_id = $1
       ORDER BY j.seq\
      """;

  static final String CAMPAIGN =
      "SELECT id, name, description, source, quality_metric, idle_baseline, node, density,"
          + " created_at, finished_at FROM campaigns WHERE id = $1";

  static final String SET_CAMPAIGN_DENSITY = "UPDATE campaigns SET density = $2 WHERE id = $1";

  static final String FINISH_CAMPAIGN = "UPDATE campaigns SET finished_at = now() WHERE id = $1";

  static final String SET_CAMPAIGN_BASELINE =
      "UPDATE campaigns SET idle_baseline = $2, node = coalesce($3, node) WHERE id = $1";

  static final String EVENTS =
      "SELECT at, from_state, to_state, actor, reason, attempt FROM job_events WHERE job_id = $1"
          + " ORDER BY id";
}

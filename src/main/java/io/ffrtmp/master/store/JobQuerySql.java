package io.ffrtmp.master.store;

/**
 * Statements behind the REST API's job routes. Listing statements are assembled from the constant
 * fragments below (which filters are present picks the fragments); every value is still a bound
 * parameter.
 */
final class JobQuerySql {

  private JobQuerySql() {}

  /**
   * One statement, so one round trip: the job and its 'queued' event are written together or not at
   * all.
   */
  static final String SUBMIT =
      """
      WITH j AS (
        INSERT INTO jobs (id, campaign_id, config_key, repetition, seq, spec, state, queue_rank, priority_rank, max_attempts,
                          exclusive)
        VALUES ($1, NULL, $2, 1, 0, $3, 'queued', $4, $5, $7, $8)
        RETURNING id, created_at),
      e AS (
        INSERT INTO job_events (job_id, from_state, to_state, actor, reason, attempt)
        SELECT id, NULL, 'queued', $6, 'submitted', 0 FROM j)
      SELECT id, created_at FROM j\
      """;

  static final String COLUMNS =
      "j.id, j.campaign_id, j.config_key, j.state, j.queue_rank, j.priority_rank, j.attempt,"
          + " j.node_id, j.error, j.error_class, j.max_attempts, j.not_before, j.created_at,"
          + " j.started_at, j.finished_at, j.spec->>'name' AS name,"
          // As JobSpec.isLive: a stream input, or a file played at its own rate.
          + " (j.spec->'input'->>'type' IN ('rtmp', 'srt', 'live_synthetic')"
          + " OR coalesce(j.spec->'input'->>'realtime', 'false') = 'true') AS live";

  static final String LIST_HEAD = "SELECT " + COLUMNS + " FROM jobs j WHERE true";
  static final String BY_STATE = " AND j.state = $";
  static final String BY_QUEUE = " AND j.queue_rank = $";
  static final String BY_CAMPAIGN = " AND j.campaign_id = $";

  /** Keyset pagination on the (created_at DESC, id DESC) indexes; the two placeholders follow. */
  static final String AFTER = " AND (j.created_at, j.id) < ($%d, $%d)";

  static final String LIST_TAIL = " ORDER BY j.created_at DESC, j.id DESC LIMIT $";

  /** A job with its spec and stored result: one query. */
  static final String GET =
      "SELECT "
          + COLUMNS
          + ", j.spec, r.result FROM jobs j LEFT JOIN results r ON r.job_id = j.id "
          + "WHERE j.id = $1";

  static final String LOCK = "SELECT state, attempt FROM jobs WHERE id = $1 FOR UPDATE";

  static final String CANCEL =
      """
      UPDATE jobs SET state = 'canceled', updated_at = now(), finished_at = now(), error = $2, lease_expires_at = NULL,
             not_before = NULL
       WHERE id = $1 AND state IN ('queued', 'retry_wait', 'leased', 'running')\
      """;

  /**
   * An operator's retry: the job goes back to the queue as it was first submitted; attempts keep
   * counting, and it gets $2 more of them.
   */
  static final String RETRY =
      """
      UPDATE jobs SET state = 'queued', updated_at = now(), error = NULL, error_class = NULL, node_id = NULL,
             max_attempts = attempt + $2,
             started_at = NULL, finished_at = NULL, lease_expires_at = NULL, not_before = NULL
       WHERE id = $1 AND state IN ('failed', 'canceled')\
      """;

  /**
   * Campaigns newest first with their job counts: one query, whatever the number of campaigns
   * listed.
   */
  static final String CAMPAIGNS =
      """
      SELECT c.id, c.name, c.created_at, c.finished_at, count(j.id) AS jobs,
             count(j.id) FILTER (WHERE j.state IN ('succeeded', 'failed', 'canceled')) AS finished,
             count(j.id) FILTER (WHERE j.state = 'failed') AS failed
        FROM campaigns c LEFT JOIN jobs j ON j.campaign_id = c.id
       GROUP BY c.id ORDER BY c.created_at DESC LIMIT $1\
      """;

  static final String RESULT =
      "SELECT j.state, r.result FROM jobs j LEFT JOIN results r ON r.job_id = j.id WHERE j.id = $1";
}

package io.ffrtmp.master.store;

/** The job store's statements, kept apart from the code that runs them. Every value is a bound parameter. */
final class JobSql {

  private JobSql() {
  }

  static final String INSERT_CAMPAIGN = """
    INSERT INTO campaigns (id, name, description, source, quality_metric, idle_baseline, node)
    VALUES ($1, $2, $3, $4, $5, $6, $7)""";

  static final String INSERT_JOB = """
    INSERT INTO jobs (id, campaign_id, config_key, repetition, seq, spec, state, queue_rank, priority_rank)
    VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $8)""";

  static final String INSERT_EVENT = """
    INSERT INTO job_events (job_id, from_state, to_state, actor, reason, attempt) VALUES ($1, $2, $3, $4, $5, $6)""";

  /**
   * Queue, then priority, then age; SKIP LOCKED lets concurrent claims take different jobs without waiting. $2: the
   * worker already runs a job, so only jobs that allow sharing the node qualify.
   */
  static final String CLAIM = """
    UPDATE jobs SET state = 'leased', node_id = $1, attempt = attempt + 1, fencing_token = nextval('fencing_tokens'),
           updated_at = now()
     WHERE id = (SELECT id FROM jobs WHERE state = 'queued'
                   AND ($2 = false OR coalesce((spec->'measure'->>'exclusive')::boolean, true) = false)
                 ORDER BY queue_rank, priority_rank, created_at, seq
                 FOR UPDATE SKIP LOCKED LIMIT 1)
    RETURNING id, campaign_id, config_key, repetition, attempt, fencing_token, spec""";

  /** A transition that only happens when the caller's fencing token is the current one. */
  static final String MOVE_FENCED = """
    UPDATE jobs j SET state = $3, updated_at = now(), error = coalesce($4, j.error),
           started_at = CASE WHEN $3 = 'running' THEN now() ELSE j.started_at END,
           finished_at = CASE WHEN $3 IN ('succeeded', 'failed', 'canceled') THEN now() ELSE j.finished_at END
      FROM (SELECT id, state AS before FROM jobs WHERE id = $1 FOR UPDATE) old
     WHERE j.id = old.id AND j.fencing_token = $2 AND j.state = ANY($5)
    RETURNING j.attempt, old.before""";

  static final String CURRENT = "SELECT state, fencing_token, attempt FROM jobs WHERE id = $1";

  static final String UPSERT_RESULT = """
    INSERT INTO results (job_id, attempt, result) VALUES ($1, $2, $3)
    ON CONFLICT (job_id) DO UPDATE SET attempt = EXCLUDED.attempt, result = EXCLUDED.result, created_at = now()""";

  static final String CANCEL_QUEUED = """
    UPDATE jobs SET state = 'canceled', updated_at = now(), finished_at = now(), error = $2
     WHERE campaign_id = $1 AND state IN ('queued', 'retry_wait')
    RETURNING id, attempt""";

  static final String CAMPAIGN_STATES = "SELECT state, count(*) AS n FROM jobs WHERE campaign_id = $1 GROUP BY state";

  /** One query for a whole campaign's report: every job with its result, if any. */
  static final String CAMPAIGN_RESULTS = """
    SELECT j.id, j.config_key, j.repetition, j.state, j.error, j.attempt, j.spec, r.result
      FROM jobs j LEFT JOIN results r ON r.job_id = j.id
     WHERE j.campaign_id = $1
     ORDER BY j.seq""";

  static final String CAMPAIGN = "SELECT id, name, description, source, quality_metric, idle_baseline, node, created_at, finished_at "
    + "FROM campaigns WHERE id = $1";

  static final String FINISH_CAMPAIGN = "UPDATE campaigns SET finished_at = now() WHERE id = $1";

  static final String SET_CAMPAIGN_BASELINE = "UPDATE campaigns SET idle_baseline = $2, node = coalesce($3, node) WHERE id = $1";

  static final String EVENTS = "SELECT at, from_state, to_state, actor, reason, attempt FROM job_events WHERE job_id = $1 ORDER BY id";
}

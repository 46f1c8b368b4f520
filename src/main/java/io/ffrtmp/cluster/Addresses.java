package io.ffrtmp.cluster;

/**
 * Every event-bus address ffrtmp uses, in one place. Bodies are JSON objects; see docs/event-bus.md
 * for each body and its replies.
 */
public final class Addresses {

  private Addresses() {}

  /**
   * Request: {@code {"campaign": {...campaign file...}, "name", "actor", "every_node": false}} →
   * {@code {"campaign_id", "jobs"}}; fails 400 on bad input. With {@code every_node} (or the file's
   * {@code "placement": "every_node"}) every configuration runs on every node that is up.
   */
  public static final String CAMPAIGN_SUBMIT = "ffrtmp.master.campaign.submit";

  /**
   * Request: {@code {"campaign_id", "reason"}} → {@code {"canceled": n}}; also tells workers to
   * stop its running job.
   */
  public static final String CAMPAIGN_CANCEL = "ffrtmp.master.campaign.cancel";

  /**
   * Worker → master request: {@code {"node_id", "instance_id", "host", "labels", "slots",
   * "encoders", "power", "hardware", "cluster_node"}} ({@link NodeRegistration}) → the node as
   * stored; fails 409 when another live process holds the node id.
   */
  public static final String NODE_REGISTER = "ffrtmp.master.node.register";

  /**
   * Worker → master request: {@code {"node_id", "instance_id", "running": [{"job_id",
   * "fencing_token", "activity"}], "free_slots", "watts", "watts_source"}} ({@link Heartbeat}) →
   * {@code {"state": "up|draining", "revoked": [job ids no longer held]}} ({@link HeartbeatReply});
   * renews the leases of the jobs listed; fails 409 when this process is not the registered one.
   */
  public static final String NODE_HEARTBEAT = "ffrtmp.master.node.heartbeat";

  /** Request: {@code {}} → {@code {"nodes": [...]}}. */
  public static final String NODE_LIST = "ffrtmp.master.node.list";

  /** Request: {@code {"node_id"}} → the node; 404 when unknown. */
  public static final String NODE_GET = "ffrtmp.master.node.get";

  /**
   * Request: {@code {"node_id", "actor"}} → the node, now draining: it finishes what runs and takes
   * nothing new; 404.
   */
  public static final String NODE_DRAIN = "ffrtmp.master.node.drain";

  /** Request: {@code {"node_id", "actor"}} → the node, up again after a drain; 404. */
  public static final String NODE_RESUME = "ffrtmp.master.node.resume";

  /**
   * Request: {@code {"spec": {...job spec...}, "actor"}} → {@code {"job_id", "state": "queued",
   * "config_key", "created_at"}}; fails 400 naming the field on a bad spec.
   */
  public static final String JOB_SUBMIT = "ffrtmp.master.job.submit";

  /**
   * Request: {@code {"job_id"}} → the job (state, attempt, node, error, result) with its events;
   * 404 when unknown.
   */
  public static final String JOB_GET = "ffrtmp.master.job.get";

  /**
   * Request: {@code {"job_id", "reason"}} → {@code {"state"}}: cancels a queued job, or stops a
   * running one; 404, 409.
   */
  public static final String JOB_CANCEL = "ffrtmp.master.job.cancel";

  /**
   * Request: {@code {"campaign_id"}} → {@code {"campaign", "states", "results": [...]}}; 404 when
   * unknown.
   */
  public static final String CAMPAIGN_RESULTS = "ffrtmp.master.campaign.results";

  /**
   * Worker → master request: {@code {"node_id", "instance_id", "running", "free_slots",
   * "max_jobs"}} ({@link WorkRequest}) → {@code {"leases": [...]}}, best first, at most {@code
   * max_jobs} (1 when absent, at most {@link #MAX_BATCH}); empty when there is nothing this node
   * may run. An exclusive job always comes alone.
   */
  public static final String WORK_REQUEST = "ffrtmp.master.work.request";

  /**
   * The most jobs one work request may lease, and the most reports one {@link #JOB_UPDATES} request
   * may carry.
   */
  public static final int MAX_BATCH = 256;

  /**
   * Worker → master request, several starts and results in one message: {@code {"node_id",
   * "updates": [{"job_id", "fencing_token", "state": "running"|"succeeded"|"failed"|"canceled",
   * "result", "error", "retryable"}, ...]}} → {@code {"updates": [{"job_id", "state"} or {"job_id",
   * "code", "error"}, ...]}} in the same order; each item as {@link #JOB_STARTED} or {@link
   * #JOB_RESULT} would answer it (code 409 for a stale token). The bodies: {@link JobUpdates} of
   * {@link JobReport}s, answered by {@link JobUpdatesReply}.
   */
  public static final String JOB_UPDATES = "ffrtmp.master.job.updates";

  /**
   * Worker → master request: {@code {"job_id", "fencing_token", "node_id"}} ({@link
   * JobReport#startFromJson}); fails 409 for a stale token.
   */
  public static final String JOB_STARTED = "ffrtmp.master.job.started";

  /**
   * Worker → master request: {@code {"job_id", "fencing_token", "node_id", "state", "result",
   * "error", "retryable"}} ({@link JobReport#endFromJson}); idempotent; 409 when stale.
   */
  public static final String JOB_RESULT = "ffrtmp.master.job.result";

  /**
   * Published by masters when jobs are queued, so idle workers ask at once rather than on their
   * next tick.
   */
  public static final String JOBS_AVAILABLE = "ffrtmp.jobs.available";

  /**
   * Published on every state change: {@code {"job_id", "campaign_id", "config_key", "from", "to",
   * "reason", "attempt"}}, built by {@code io.ffrtmp.job.JobEvent} only.
   */
  public static final String JOB_EVENTS = "ffrtmp.job.events";

  /**
   * Published by workers about twice a second while a job runs: frame, fps, speed, watts. Not
   * stored.
   */
  public static final String JOB_PROGRESS = "ffrtmp.job.progress";

  /** Published to workers: {@code {"job_id"}} or {@code {"campaign_id"}}: stop that job now. */
  public static final String WORKER_CANCEL = "ffrtmp.worker.cancel";

  /**
   * Request to a worker: {@code {"duration_s"}} → the idle baseline it measured ({@code
   * IdleBaseline} JSON + node snapshot).
   */
  public static final String WORKER_IDLE_BASELINE = "ffrtmp.worker.idle-baseline";

  /** Reply failure codes, HTTP-like so API layers can map them directly. */
  public static final int BAD_REQUEST = 400;

  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int INTERNAL = 500;
  public static final int UNAVAILABLE = 503;
}

package io.ffrtmp.master.store;

import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Jobs, their events and results in PostgreSQL. Every state change writes its event in the same transaction. */
public final class JobStore {

  private final Pool pool;

  public JobStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** A job refused because its fencing token is no longer the current one (or it is in a state that forbids the move). */
  public static final class StaleLeaseException extends RuntimeException {
    public StaleLeaseException(String message) {
      super(message);
    }
  }

  /** Stores a campaign and all its jobs (configurations × repetitions, interleaved by repetition) in one transaction. */
  public Future<UUID> createCampaign(Campaign campaign, String actor) {
    UUID id = UUID.randomUUID();
    List<Tuple> jobs = new ArrayList<>();
    List<Tuple> events = new ArrayList<>();
    int seq = 0;
    for (int rep = 1; rep <= campaign.repeat(); rep++) {
      for (Campaign.Configuration c : campaign.configurations()) {
        UUID jobId = UUID.randomUUID();
        JobSpec spec = c.spec();
        jobs.add(Tuple.of(jobId, id, c.key(), rep, seq++, spec.toJson(), (short) spec.queue().rank(), (short) spec.priority().rank()));
        events.add(Tuple.of(jobId, null, JobState.QUEUED.id(), actor, "campaign " + campaign.name(), 0));
      }
    }
    Tuple row = Tuple.of(id, campaign.name(), campaign.description(), campaign.source(),
      campaign.qualityMetric().name().toLowerCase(java.util.Locale.ROOT), null, null);
    return pool.withTransaction(conn -> conn.preparedQuery(JobSql.INSERT_CAMPAIGN).execute(row)
      .compose(r -> conn.preparedQuery(JobSql.INSERT_JOB).executeBatch(jobs))
      .compose(r -> conn.preparedQuery(JobSql.INSERT_EVENT).executeBatch(events))
      .map(id));
  }

  /** Claims the best queued job for an idle node, or nothing when the queue is empty. */
  public Future<Optional<JobLease>> claim(String nodeId) {
    return claim(nodeId, false);
  }

  /** As {@link #claim(String)}; {@code busy}: the node already runs a job, so exclusive jobs are passed over. */
  public Future<Optional<JobLease>> claim(String nodeId, boolean busy) {
    return pool.withTransaction(conn -> conn.preparedQuery(JobSql.CLAIM).execute(Tuple.of(nodeId, busy))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.succeededFuture(Optional.<JobLease>empty());
        }
        Row r = rows.iterator().next();
        JobLease lease = new JobLease(r.getUUID("id"), r.getUUID("campaign_id"), r.getString("config_key"),
          r.getInteger("repetition"), r.getInteger("attempt"), r.getLong("fencing_token"), (JsonObject) r.getValue("spec"));
        return event(conn, lease.jobId(), JobState.QUEUED, JobState.LEASED, nodeId, "claimed", lease.attempt())
          .map(v -> Optional.of(lease));
      }));
  }

  /** Moves a job the caller holds under {@code fencingToken}; fails with {@link StaleLeaseException} otherwise. */
  public Future<JobState> move(UUID jobId, long fencingToken, JobState to, String actor, String reason) {
    return pool.withTransaction(conn -> moveFenced(conn, jobId, fencingToken, to, actor, reason));
  }

  /** Stores the result and moves the job to its final state in one transaction; a repeated delivery is harmless. */
  public Future<JobState> complete(UUID jobId, long fencingToken, JobState to, JsonObject result, String actor, String reason) {
    return pool.withTransaction(conn -> conn.preparedQuery(JobSql.CURRENT).execute(Tuple.of(jobId))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(new StaleLeaseException("no job " + jobId));
        }
        Row cur = rows.iterator().next();
        JobState state = JobState.of(cur.getString("state"));
        if (cur.getLong("fencing_token") == fencingToken && state == to) {
          return Future.succeededFuture(to); // the same result delivered twice
        }
        return moveFenced(conn, jobId, fencingToken, to, actor, reason)
          .compose(s -> conn.preparedQuery(JobSql.UPSERT_RESULT).execute(Tuple.of(jobId, cur.getInteger("attempt"), result))
            .map(s));
      }));
  }

  private Future<JobState> moveFenced(SqlConnection conn, UUID jobId, long token, JobState to, String actor, String reason) {
    String error = to == JobState.FAILED || to == JobState.CANCELED ? reason : null;
    return conn.preparedQuery(JobSql.MOVE_FENCED)
      .execute(Tuple.of(jobId, token, to.id(), error, JobState.sourcesOf(to)))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(new StaleLeaseException("job " + jobId + ": fencing token " + token
            + " is not current, or the job cannot move to " + to.id()));
        }
        Row r = rows.iterator().next();
        return event(conn, jobId, JobState.of(r.getString("before")), to, actor, reason, r.getInteger("attempt")).map(to);
      });
  }

  private Future<Void> event(SqlConnection conn, UUID jobId, JobState from, JobState to, String actor, String reason, int attempt) {
    from.checkMoveTo(to);
    return conn.preparedQuery(JobSql.INSERT_EVENT)
      .execute(Tuple.of(jobId, from.id(), to.id(), actor, reason, attempt))
      .mapEmpty();
  }

  /** Cancels whatever of the campaign has not started; returns how many jobs that was. */
  public Future<Integer> cancelQueued(UUID campaignId, String actor, String reason) {
    return pool.withTransaction(conn -> conn.preparedQuery(JobSql.CANCEL_QUEUED).execute(Tuple.of(campaignId, reason))
      .compose(rows -> {
        List<Tuple> events = new ArrayList<>();
        rows.forEach(r -> events.add(Tuple.of(r.getUUID("id"), JobState.QUEUED.id(), JobState.CANCELED.id(), actor, reason,
          r.getInteger("attempt"))));
        return events.isEmpty() ? Future.succeededFuture(0)
          : conn.preparedQuery(JobSql.INSERT_EVENT).executeBatch(events).map(events.size());
      }));
  }

  public Future<Map<JobState, Integer>> campaignStates(UUID campaignId) {
    return pool.preparedQuery(JobSql.CAMPAIGN_STATES).execute(Tuple.of(campaignId)).map(rows -> {
      Map<JobState, Integer> m = new EnumMap<>(JobState.class);
      rows.forEach(r -> m.put(JobState.of(r.getString("state")), r.getInteger("n")));
      return m;
    });
  }

  /** Every job of the campaign as a result object: the stored result, or what is known of a job that did not succeed. */
  public Future<List<JsonObject>> campaignResults(UUID campaignId) {
    return pool.preparedQuery(JobSql.CAMPAIGN_RESULTS).execute(Tuple.of(campaignId)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      for (Row r : rows) {
        JsonObject result = r.getValue("result") instanceof JsonObject j ? j.copy() : new JsonObject();
        JsonObject spec = (JsonObject) r.getValue("spec");
        result.put("job_id", r.getUUID("id").toString())
          .put("campaign_id", campaignId.toString())
          .put("config_key", r.getString("config_key"))
          .put("repetition", r.getInteger("repetition"))
          .put("state", r.getString("state"))
          .put("attempt", r.getInteger("attempt"));
        if (!result.containsKey("config")) {
          result.put("config", JobSpec.fromJson(spec).configJson());
        }
        if (r.getString("error") != null) {
          result.put("error", r.getString("error"));
        }
        out.add(result);
      }
      return out;
    });
  }

  public Future<JsonObject> campaign(UUID campaignId) {
    return pool.preparedQuery(JobSql.CAMPAIGN).execute(Tuple.of(campaignId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new JsonObject()
        .put("campaign_id", r.getUUID("id").toString())
        .put("name", r.getString("name"))
        .put("description", r.getString("description"))
        .put("quality_metric", r.getString("quality_metric"))
        .put("idle_baseline", r.getValue("idle_baseline"))
        .put("node", r.getValue("node"))
        .put("started_at", r.getOffsetDateTime("created_at").toString())
        .put("finished_at", r.getOffsetDateTime("finished_at") == null ? null : r.getOffsetDateTime("finished_at").toString());
    });
  }

  public Future<Void> setCampaignBaseline(UUID campaignId, JsonObject idleBaseline, JsonObject node) {
    return pool.preparedQuery(JobSql.SET_CAMPAIGN_BASELINE).execute(Tuple.of(campaignId, idleBaseline, node)).mapEmpty();
  }

  public Future<Void> finishCampaign(UUID campaignId) {
    return pool.preparedQuery(JobSql.FINISH_CAMPAIGN).execute(Tuple.of(campaignId)).mapEmpty();
  }

  /** The job's history, oldest first: who moved it, when, and why. */
  public Future<List<JsonObject>> events(UUID jobId) {
    return pool.preparedQuery(JobSql.EVENTS).execute(Tuple.of(jobId)).map(rows -> {
      List<JsonObject> out = new ArrayList<>();
      rows.forEach(r -> out.add(new JsonObject()
        .put("at", r.getOffsetDateTime("at").toString())
        .put("from", r.getString("from_state"))
        .put("to", r.getString("to_state"))
        .put("actor", r.getString("actor"))
        .put("reason", r.getString("reason"))
        .put("attempt", r.getInteger("attempt"))));
      return out;
    });
  }
}

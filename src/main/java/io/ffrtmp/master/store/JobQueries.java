package io.ffrtmp.master.store;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobState;
import io.ffrtmp.job.SpecException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The job store as the REST API sees it: single-job submission, filtered listing with keyset
 * pagination, and the operator's cancel and retry. Every state change writes its event in the same
 * transaction, as {@link JobStore} does.
 */
public final class JobQueries {

  private final Pool pool;

  /** Attempts a new (or retried) job gets: the master's {@code --max-attempts}. */
  private final int maxAttempts;

  /** Told of the jobs an operator cancels (the master's meters). */
  private final JobOutcomes outcomes;

  public JobQueries(Pool pool, int maxAttempts) {
    this(pool, maxAttempts, JobOutcomes.NONE);
  }

  public JobQueries(Pool pool, int maxAttempts, JobOutcomes outcomes) {
    this.pool = pool;
    this.maxAttempts = maxAttempts;
    this.outcomes = outcomes == null ? JobOutcomes.NONE : outcomes;
  }

  /** The queries of a store's jobs, reporting to whoever observes the store then. */
  public static JobQueries of(JobStore store) {
    JobOutcomes current =
        new JobOutcomes() {
          @Override
          public void finished(List<UUID> jobIds) {
            store.outcomes().finished(jobIds);
          }
        };
    return new JobQueries(store.pool(), store.settings().maxAttempts(), current);
  }

  /**
   * Listing filters; null means any. {@code cursor} is the opaque value a previous page returned.
   */
  public record Filter(
      JobState state, JobSpec.Queue queue, UUID campaignId, String cursor, int limit) {}

  /** One page, newest first; {@code nextCursor} is null on the last page. */
  public record Page(List<JsonObject> jobs, String nextCursor) {}

  /** What an operator's cancel or retry did. */
  public enum Outcome {
    DONE,
    CANCEL_REQUESTED,
    CONFLICT,
    NOT_FOUND
  }

  /** The outcome, the state the job was in before, and its attempt. */
  public record Change(Outcome outcome, JobState before, int attempt) {}

  /**
   * Stores a single job (no campaign) and its 'queued' event in one statement; returns its id and
   * creation time.
   */
  public Future<JsonObject> submit(JobSpec spec, String actor) {
    UUID id = UUID.randomUUID();
    Tuple t =
        Tuple.of(
                id,
                spec.configKey(),
                spec.toJson(),
                (short) spec.queue().rank(),
                (short) spec.priority().rank(),
                actor)
            .addInteger(maxAttempts)
            .addBoolean(spec.measure().exclusive());
    return pool.preparedQuery(JobQuerySql.SUBMIT)
        .execute(t)
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return new JsonObject()
                  .put("job_id", r.getUUID("id").toString())
                  .put("state", JobState.QUEUED.id())
                  .put("config_key", spec.configKey())
                  .put("created_at", r.getOffsetDateTime("created_at").toString());
            });
  }

  public Future<Page> list(Filter f) {
    StringBuilder sql = new StringBuilder(JobQuerySql.LIST_HEAD);
    Tuple t = Tuple.tuple();
    if (f.state() != null) {
      t.addString(f.state().id());
      sql.append(JobQuerySql.BY_STATE).append(t.size());
    }
    if (f.queue() != null) {
      t.addShort((short) f.queue().rank());
      sql.append(JobQuerySql.BY_QUEUE).append(t.size());
    }
    if (f.campaignId() != null) {
      t.addUUID(f.campaignId());
      sql.append(JobQuerySql.BY_CAMPAIGN).append(t.size());
    }
    if (f.cursor() != null) {
      Cursor c = Cursor.parse(f.cursor());
      t.addOffsetDateTime(c.createdAt()).addUUID(c.id());
      sql.append(String.format(JobQuerySql.AFTER, t.size() - 1, t.size()));
    }
    t.addInteger(f.limit() + 1); // one more than asked says whether another page follows
    sql.append(JobQuerySql.LIST_TAIL).append(t.size());
    return pool.preparedQuery(sql.toString())
        .execute(t)
        .map(
            rows -> {
              List<JsonObject> jobs = new ArrayList<>();
              Row last = null;
              for (Row r : rows) {
                if (jobs.size() == f.limit()) {
                  return new Page(
                      jobs,
                      new Cursor(last.getOffsetDateTime("created_at"), last.getUUID("id"))
                          .encode());
                }
                jobs.add(summary(r));
                last = r;
              }
              return new Page(jobs, null);
            });
  }

  /**
   * The job with its spec, stored result and history; empty when there is no such job. Two queries.
   */
  public Future<Optional<JsonObject>> get(UUID id) {
    return pool.preparedQuery(JobQuerySql.GET)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(Optional.empty());
              }
              Row r = rows.iterator().next();
              JsonObject job = summary(r).put("spec", r.getValue("spec"));
              if (r.getValue("result") instanceof JsonObject result) {
                job.put("result", withoutBulk(result));
              }
              return new JobStore(pool)
                  .events(id)
                  .map(events -> Optional.of(job.put("events", new JsonArray(events))));
            });
  }

  /**
   * The stored result of the job's last finished attempt (null inside when none yet), with the
   * job's state.
   */
  public Future<Optional<JsonObject>> result(UUID id) {
    return pool.preparedQuery(JobQuerySql.RESULT)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new JsonObject()
                      .put("state", r.getString("state"))
                      .put("result", r.getValue("result")));
            });
  }

  /**
   * The newest {@code limit} campaigns with how many of their jobs there are, have finished and
   * have failed.
   */
  public Future<List<JsonObject>> campaigns(int limit) {
    return pool.preparedQuery(JobQuerySql.CAMPAIGNS)
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<JsonObject> out = new ArrayList<>();
              rows.forEach(
                  r ->
                      out.add(
                          new JsonObject()
                              .put("campaign_id", r.getUUID("id").toString())
                              .put("name", r.getString("name"))
                              .put("jobs", r.getLong("jobs"))
                              .put("finished", r.getLong("finished"))
                              .put("failed", r.getLong("failed"))
                              .put("started_at", time(r.getOffsetDateTime("created_at")))
                              .put("finished_at", time(r.getOffsetDateTime("finished_at")))));
              return out;
            });
  }

  /**
   * Queued, waiting to retry, leased or running: canceled here, at once (a running job's worker
   * must be told to stop: {@link Outcome#CANCEL_REQUESTED}, and its late report is harmless).
   * Finished: conflict.
   */
  public Future<Change> cancel(UUID id, String actor, String reason) {
    return pool.<Change>withTransaction(
            conn ->
                lock(conn, id)
                    .compose(
                        cur -> {
                          if (cur == null) {
                            return Future.succeededFuture(new Change(Outcome.NOT_FOUND, null, 0));
                          }
                          JobState state = JobState.of(cur.getString("state"));
                          int attempt = cur.getInteger("attempt");
                          if (!state.canMoveTo(JobState.CANCELED)) {
                            return Future.succeededFuture(
                                new Change(Outcome.CONFLICT, state, attempt));
                          }
                          boolean held = state == JobState.LEASED || state == JobState.RUNNING;
                          return conn.preparedQuery(JobQuerySql.CANCEL)
                              .execute(Tuple.of(id, reason))
                              .compose(
                                  v ->
                                      event(
                                          conn,
                                          id,
                                          state,
                                          JobState.CANCELED,
                                          actor,
                                          reason,
                                          attempt))
                              .map(
                                  new Change(
                                      held ? Outcome.CANCEL_REQUESTED : Outcome.DONE,
                                      state,
                                      attempt));
                        }))
        .onSuccess(
            c -> {
              if (c.outcome() == Outcome.DONE || c.outcome() == Outcome.CANCEL_REQUESTED) {
                outcomes.finished(List.of(id));
              }
            });
  }

  /** Failed or canceled: back to the queue. Anything else: conflict. */
  public Future<Change> retry(UUID id, String actor) {
    return pool.withTransaction(
        conn ->
            lock(conn, id)
                .compose(
                    cur -> {
                      if (cur == null) {
                        return Future.succeededFuture(new Change(Outcome.NOT_FOUND, null, 0));
                      }
                      JobState state = JobState.of(cur.getString("state"));
                      int attempt = cur.getInteger("attempt");
                      if (!(state == JobState.FAILED || state == JobState.CANCELED)) {
                        return Future.succeededFuture(new Change(Outcome.CONFLICT, state, attempt));
                      }
                      return conn.preparedQuery(JobQuerySql.RETRY)
                          .execute(Tuple.of(id, maxAttempts))
                          .compose(
                              v ->
                                  event(
                                      conn,
                                      id,
                                      state,
                                      JobState.QUEUED,
                                      actor,
                                      "retried by an operator",
                                      attempt))
                          .map(new Change(Outcome.DONE, state, attempt));
                    }));
  }

  private static Future<Row> lock(SqlConnection conn, UUID id) {
    return conn.preparedQuery(JobQuerySql.LOCK)
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  private static Future<Void> event(
      SqlConnection conn,
      UUID id,
      JobState from,
      JobState to,
      String actor,
      String reason,
      int attempt) {
    from.checkMoveTo(to);
    return conn.preparedQuery(JobSql.INSERT_EVENT)
        .execute(Tuple.of(id, from.id(), to.id(), actor, reason, attempt))
        .mapEmpty();
  }

  private static JsonObject summary(Row r) {
    return new JsonObject()
        .put("job_id", r.getUUID("id").toString())
        .put(
            "campaign_id",
            r.getUUID("campaign_id") == null ? null : r.getUUID("campaign_id").toString())
        .put("name", r.getString("name"))
        .put("config_key", r.getString("config_key"))
        .put("state", r.getString("state"))
        .put("live", r.getBoolean("live"))
        .put("queue", JobSpec.Queue.values()[r.getShort("queue_rank")].id())
        .put("priority", JobSpec.Priority.values()[r.getShort("priority_rank")].id())
        .put("attempt", r.getInteger("attempt"))
        .put("max_attempts", r.getInteger("max_attempts"))
        .put("node_id", r.getString("node_id"))
        .put("error", r.getString("error"))
        .put("error_class", r.getString("error_class"))
        .put("not_before", time(r.getOffsetDateTime("not_before")))
        .put("created_at", time(r.getOffsetDateTime("created_at")))
        .put("started_at", time(r.getOffsetDateTime("started_at")))
        .put("finished_at", time(r.getOffsetDateTime("finished_at")));
  }

  /**
   * The result without what has its own route (the power trace, FFmpeg's stderr): job pages stay
   * small.
   */
  private static JsonObject withoutBulk(JsonObject result) {
    JsonObject r = result.copy();
    r.remove("stderr_tail");
    r.remove("node");
    if (r.getValue("energy") instanceof JsonObject e) {
      e.remove("trace");
    }
    return r;
  }

  private static String time(OffsetDateTime t) {
    return t == null ? null : t.toString();
  }

  /**
   * Position after the last job of a page: its creation time (microseconds, as PostgreSQL keeps it)
   * and id.
   */
  record Cursor(OffsetDateTime createdAt, UUID id) {

    String encode() {
      Instant i = createdAt.toInstant();
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, i);
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString((micros + "_" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor parse(String text) {
      try {
        String s = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        int sep = s.indexOf('_');
        long micros = Long.parseLong(s.substring(0, sep));
        Instant at = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
        return new Cursor(
            OffsetDateTime.ofInstant(at, ZoneOffset.UTC), UUID.fromString(s.substring(sep + 1)));
      } catch (RuntimeException e) {
        throw new SpecException(
            "cursor",
            "not a cursor this server returned; accepted: the next_cursor of a previous page");
      }
    }
  }
}

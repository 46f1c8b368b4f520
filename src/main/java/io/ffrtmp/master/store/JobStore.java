package io.ffrtmp.master.store;

import io.ffrtmp.job.AutoRepeat;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.DispatchSettings;
import io.ffrtmp.job.JobEvent;
import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Jobs, their events and results in PostgreSQL. Every state change writes its event in the same
 * transaction.
 */
public final class JobStore {

  private final Pool pool;
  private final DispatchSettings settings;
  private volatile JobOutcomes outcomes = JobOutcomes.NONE;

  public JobStore(Pool pool) {
    this(pool, DispatchSettings.DEFAULTS);
  }

  public JobStore(Pool pool, DispatchSettings settings) {
    this.pool = pool;
    this.settings = settings;
  }

  public DispatchSettings settings() {
    return settings;
  }

  public Pool pool() {
    return pool;
  }

  /** Who hears of the leases, retries and final states this store records (the master's meters). */
  public JobStore observe(JobOutcomes o) {
    outcomes = o == null ? JobOutcomes.NONE : o;
    return this;
  }

  public JobOutcomes outcomes() {
    return outcomes;
  }

  /**
   * What the meters of finished jobs need of each: its final state, spec, the encoder that ran (the
   * worker's choice for {@code auto}), frames and attributed energy of its recorded result, and its
   * run time (start to end of the last attempt; null when it never started), and for a live job the
   * realtime verdict of its result ({@code live.holds_realtime}; null when it has none). One query
   * for a batch of jobs.
   */
  public record FinishedJob(
      JobState state,
      JobSpec spec,
      String ranEncoder,
      Long frames,
      Double energyJoules,
      String energyProvenance,
      Double runS,
      Boolean holdsRealtime) {}

  public Future<List<FinishedJob>> finishedJobs(List<UUID> ids) {
    return pool.preparedQuery(JobSql.FINISHED_JOBS)
        .execute(Tuple.of(ids.toArray(UUID[]::new)))
        .map(
            rows -> {
              List<FinishedJob> out = new ArrayList<>(rows.size());
              for (Row r : rows) {
                JobSpec spec;
                try {
                  spec = JobSpec.fromStored((JsonObject) r.getValue("spec"));
                } catch (RuntimeException e) {
                  continue; // stored by this project, so never; but a meter must not fail a job
                }
                out.add(
                    new FinishedJob(
                        JobState.of(r.getString("state")),
                        spec,
                        r.getString("ran_encoder"),
                        r.getValue("frames") instanceof Number n ? n.longValue() : null,
                        r.getValue("joules") instanceof Number n ? n.doubleValue() : null,
                        r.getString("provenance"),
                        r.getValue("run_s") instanceof Number n ? n.doubleValue() : null,
                        r.getBoolean("holds_realtime")));
              }
              return out;
            });
  }

  private void finished(List<UUID> ids) {
    if (!ids.isEmpty()) {
      outcomes.finished(ids);
    }
  }

  /**
   * A job refused because its fencing token is no longer the current one (or it is in a state that
   * forbids the move).
   */
  public static final class StaleLeaseException extends RuntimeException {
    public StaleLeaseException(String message) {
      super(message);
    }
  }

  /**
   * Rows per insert statement of {@link #createCampaign}: each chunk is encoded and sent in one
   * short event-loop turn.
   */
  static final int INSERT_CHUNK = 500;

  /**
   * Stores a campaign and all its jobs (configurations x repetitions, interleaved by repetition) in
   * one transaction, in chunks of {@value #INSERT_CHUNK} rows: between them the event loop serves
   * others, and a failure in any chunk rolls back the whole campaign.
   */
  public Future<UUID> createCampaign(Campaign campaign, String actor) {
    UUID id = UUID.randomUUID();
    Tuple row =
        Tuple.of(
            id,
            campaign.name(),
            campaign.description(),
            campaign.source(),
            campaign.qualityMetric().name().toLowerCase(Locale.ROOT),
            null,
            null,
            campaign.autoRepeat() == null ? null : campaign.autoRepeat().toJson());
    int total = campaign.jobCount();
    return pool.withTransaction(
        conn -> {
          Future<?> done = conn.preparedQuery(JobSql.INSERT_CAMPAIGN).execute(row);
          for (int from = 0; from < total; from += INSERT_CHUNK) {
            int start = from;
            done =
                done.compose(
                    r ->
                        insertJobs(
                            conn,
                            id,
                            campaign,
                            actor,
                            start,
                            Math.min(total, start + INSERT_CHUNK)));
          }
          return done.map(id);
        });
  }

  /**
   * Adds jobs to a stored campaign: one configuration key, one job per spec (repetitions 1 to n),
   * campaign order from {@code seqFrom}; a density step's streams. One transaction.
   */
  public Future<Void> addCampaignJobs(
      UUID campaignId, String configKey, List<JobSpec> specs, int seqFrom, String actor) {
    List<Tuple> jobs = new ArrayList<>(specs.size());
    List<Tuple> events = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      UUID jobId = UUID.randomUUID();
      JobSpec spec = specs.get(i);
      jobs.add(
          Tuple.of(
                  jobId,
                  campaignId,
                  configKey,
                  i + 1,
                  seqFrom + i,
                  spec.toJson(),
                  (short) spec.queue().rank(),
                  (short) spec.priority().rank())
              .addInteger(settings.maxAttempts())
              .addBoolean(spec.measure().exclusive()));
      events.add(
          Tuple.of(jobId, null, JobState.QUEUED.id(), actor, "density step " + configKey, 0));
    }
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(JobSql.INSERT_JOB)
                .executeBatch(jobs)
                .compose(r -> conn.preparedQuery(JobSql.INSERT_EVENT).executeBatch(events))
                .mapEmpty());
  }

  /**
   * Jobs {@code from} (inclusive) to {@code to} in campaign order ({@code seq}), with their queued
   * events.
   */
  private Future<Void> insertJobs(
      SqlConnection conn, UUID campaignId, Campaign campaign, String actor, int from, int to) {
    List<Campaign.Configuration> configs = campaign.configurations();
    List<Tuple> jobs = new ArrayList<>(to - from);
    List<Tuple> events = new ArrayList<>(to - from);
    for (int seq = from; seq < to; seq++) {
      int rep = seq / configs.size() + 1;
      Campaign.Configuration c = configs.get(seq % configs.size());
      UUID jobId = UUID.randomUUID();
      JobSpec spec = c.spec();
      jobs.add(
          Tuple.of(
                  jobId,
                  campaignId,
                  c.key(),
                  rep,
                  seq,
                  spec.toJson(),
                  (short) spec.queue().rank(),
                  (short) spec.priority().rank())
              .addInteger(settings.maxAttempts())
              .addBoolean(spec.measure().exclusive()));
      events.add(
          Tuple.of(jobId, null, JobState.QUEUED.id(), actor, "campaign " + campaign.name(), 0));
    }
    return conn.preparedQuery(JobSql.INSERT_JOB)
        .executeBatch(jobs)
        .compose(r -> conn.preparedQuery(JobSql.INSERT_EVENT).executeBatch(events))
        .mapEmpty();
  }

  /**
   * Claims up to {@code max} of the queued jobs this node may run, for a node with that many free
   * slots, best first: one statement, one lease and one fencing token per job. An exclusive job
   * comes alone; see {@code JobSql.CLAIM}. {@code instance}: the registered process of the node;
   * {@code busy}: the node already runs a job, so exclusive jobs are passed over.
   */
  public Future<List<JobLease>> claim(String nodeId, UUID instance, boolean busy, int max) {
    Tuple t =
        Tuple.of(
            nodeId,
            busy,
            settings.lease().toMillis(),
            instance,
            (int) settings.liveStall().toSeconds(),
            (int) settings.minStall().toSeconds());
    // One statement (the claims and their events): atomic without a transaction round trip.
    return pool.preparedQuery(JobSql.claim(max))
        .execute(t)
        .map(
            rows -> {
              List<JobLease> leases = new ArrayList<>(rows.size());
              List<JobOutcomes.Leased> leased = new ArrayList<>(rows.size());
              for (Row r : rows) {
                JobLease l =
                    new JobLease(
                        r.getUUID("id"),
                        r.getUUID("campaign_id"),
                        r.getString("config_key"),
                        r.getInteger("repetition"),
                        r.getInteger("attempt"),
                        r.getLong("fencing_token"),
                        JobSpec.fromStored((JsonObject) r.getValue("spec")));
                leases.add(l);
                leased.add(
                    new JobOutcomes.Leased(l.spec().queue(), l.attempt(), r.getDouble("waited_s")));
              }
              if (!leased.isEmpty()) {
                outcomes.leased(leased);
              }
              return leases;
            });
  }

  /**
   * One report of a worker about a job it holds: its start ({@code to} = running) or its end
   * (succeeded, failed, canceled; a {@code retryable} failure waits and retries while attempts are
   * left). {@code error}: why it failed.
   */
  public record Update(
      UUID jobId,
      long fencingToken,
      JobState to,
      boolean retryable,
      JsonObject result,
      String error) {

    /** What the job's event records: "started", "finished", or the error. */
    public String reason() {
      if (to == JobState.RUNNING) {
        return "started";
      }
      return to == JobState.SUCCEEDED
          ? "finished"
          : error == null || error.isBlank() ? to.id() : error;
    }
  }

  /**
   * What became of one {@link Update}: the job's state now and the move made ({@code from} → {@code
   * state}, null {@code from} when nothing moved because it had been delivered before), or the
   * {@code failure} that refused it.
   */
  public record Applied(
      UUID jobId,
      JobState state,
      JobState from,
      UUID campaignId,
      String configKey,
      Integer attempt,
      Throwable failure) {}

  /**
   * Applies a worker's reports in order, in as few statements as the usual case allows: all starts
   * in one, then all first deliveries of final results in one. Anything those did not move (a
   * repeat, a stale token, a retryable failure, an attempt the master took away) goes one by one
   * through {@link #move} or {@link #complete}, which say why. Results come back in the order of
   * {@code updates}.
   */
  public Future<List<Applied>> apply(String actor, List<Update> updates) {
    // By job and target state: a start and the same job's result may come in one batch.
    Map<String, Applied> done = new HashMap<>();
    List<Update> starts = updates.stream().filter(u -> u.to() == JobState.RUNNING).toList();
    List<Update> finals =
        updates.stream()
            .filter(u -> u.to().terminal() && !(u.to() == JobState.FAILED && u.retryable()))
            .toList();
    Future<Void> fast =
        starts.isEmpty()
            ? Future.succeededFuture()
            : pool.preparedQuery(JobSql.START_MANY)
                .execute(
                    Tuple.of(
                        starts.stream().map(Update::jobId).toArray(UUID[]::new),
                        starts.stream().map(Update::fencingToken).toArray(Long[]::new),
                        actor))
                .map(
                    rows -> {
                      rows.forEach(
                          r ->
                              done.put(
                                  r.getUUID("id") + "/running",
                                  new Applied(
                                      r.getUUID("id"),
                                      JobState.RUNNING,
                                      JobState.LEASED,
                                      r.getUUID("campaign_id"),
                                      r.getString("config_key"),
                                      r.getInteger("attempt"),
                                      null)));
                      return null;
                    });
    if (!finals.isEmpty()) {
      fast =
          fast.compose(
              v ->
                  pool.preparedQuery(JobSql.FINISH_MANY)
                      .execute(
                          Tuple.of(
                                  finals.stream().map(Update::jobId).toArray(UUID[]::new),
                                  finals.stream().map(Update::fencingToken).toArray(Long[]::new),
                                  finals.stream().map(u -> u.to().id()).toArray(String[]::new),
                                  finals.stream()
                                      .map(u -> String.join(",", heldSources(u.to())))
                                      .toArray(String[]::new),
                                  finals.stream()
                                      .map(u -> u.to() == JobState.SUCCEEDED ? null : u.reason())
                                      .toArray(String[]::new),
                                  finals.stream()
                                      .map(u -> u.to() == JobState.FAILED ? "permanent" : null)
                                      .toArray(String[]::new),
                                  finals.stream().map(Update::reason).toArray(String[]::new))
                              .addArrayOfJsonObject(
                                  finals.stream()
                                      .map(u -> u.result() == null ? new JsonObject() : u.result())
                                      .toArray(JsonObject[]::new))
                              .addString(actor))
                      .map(
                          rows -> {
                            List<UUID> ended = new ArrayList<>(rows.size());
                            rows.forEach(r -> ended.add(r.getUUID("id")));
                            finished(ended);
                            rows.forEach(
                                r ->
                                    done.put(
                                        r.getUUID("id") + "/" + r.getString("to_state"),
                                        new Applied(
                                            r.getUUID("id"),
                                            JobState.of(r.getString("to_state")),
                                            JobState.of(r.getString("before")),
                                            r.getUUID("campaign_id"),
                                            r.getString("config_key"),
                                            r.getInteger("attempt"),
                                            null)));
                            return null;
                          }));
    }
    return fast.compose(
        v -> {
          // The rare rest, in order, each through the path that says what happened to it.
          Future<List<Applied>> chain = Future.succeededFuture(new ArrayList<>(updates.size()));
          for (Update u : updates) {
            chain =
                chain.compose(
                    out -> {
                      Applied fastOne = done.get(u.jobId() + "/" + u.to().id());
                      if (fastOne != null && fastOne.state() == u.to()) {
                        out.add(fastOne);
                        return Future.succeededFuture(out);
                      }
                      Future<Completion> slow =
                          u.to() == JobState.RUNNING
                              ? move(
                                      u.jobId(),
                                      u.fencingToken(),
                                      JobState.RUNNING,
                                      actor,
                                      u.reason())
                                  .map(st -> new Completion(st, null, null, null, null))
                              : completeMove(
                                  u.jobId(),
                                  u.fencingToken(),
                                  u.to(),
                                  u.retryable(),
                                  u.result() == null ? new JsonObject() : u.result(),
                                  actor,
                                  u.reason());
                      return slow.transform(
                          ar -> {
                            Completion c = ar.succeeded() ? ar.result() : null;
                            out.add(
                                c != null
                                    // A retryable failure moved now (to retry_wait, or failed with
                                    // no attempt left) is news, and so is a final result this
                                    // path moved (a repeat-auto campaign's job comes here first);
                                    // any other success here is a repeat of what was delivered
                                    // before.
                                    ? new Applied(
                                        u.jobId(),
                                        c.state(),
                                        u.retryable() && u.to() == JobState.FAILED
                                            ? JobState.RUNNING
                                            : c.from(),
                                        c.campaignId(),
                                        c.configKey(),
                                        c.attempt(),
                                        null)
                                    : new Applied(
                                        u.jobId(), null, null, null, null, null, ar.cause()));
                            return Future.succeededFuture(out);
                          });
                    });
          }
          return chain;
        });
  }

  /**
   * Moves a job the caller holds under {@code fencingToken}; fails with {@link StaleLeaseException}
   * otherwise.
   */
  public Future<JobState> move(
      UUID jobId, long fencingToken, JobState to, String actor, String reason) {
    String error = to == JobState.FAILED || to == JobState.CANCELED ? reason : null;
    return pool.preparedQuery(JobSql.MOVE_FENCED_WITH_EVENT)
        .execute(
            Tuple.of(jobId, fencingToken, to.id(), error, heldSources(to), null)
                .addString(actor)
                .addString(reason))
        .compose(
            rows ->
                rows.size() == 0
                    ? Future.failedFuture(
                        new StaleLeaseException(
                            "job "
                                + jobId
                                + ": fencing token "
                                + fencingToken
                                + " is not current, or the job cannot move to "
                                + to.id()))
                    : Future.succeededFuture(to));
  }

  /**
   * Stores the result and moves the job to its final state in one transaction; a repeated delivery
   * is harmless. A failure the worker calls {@code retryable} waits and goes back to the queue
   * while attempts are left ({@code retry_wait}, exponential backoff with jitter); other failures
   * are final at once.
   */
  public Future<JobState> complete(
      UUID jobId,
      long fencingToken,
      JobState to,
      boolean retryable,
      JsonObject result,
      String actor,
      String reason) {
    return completeMove(jobId, fencingToken, to, retryable, result, actor, reason)
        .map(Completion::state);
  }

  /**
   * The state a completion left the job in, the state it moved it from (null: no move), and the
   * job's campaign, configuration and attempt for the event.
   */
  record Completion(
      JobState state, JobState from, UUID campaignId, String configKey, Integer attempt) {}

  private Future<Completion> completeMove(
      UUID jobId,
      long fencingToken,
      JobState to,
      boolean retryable,
      JsonObject result,
      String actor,
      String reason) {
    if (to == JobState.FAILED && retryable) {
      return completeChecked(jobId, fencingToken, to, true, result, actor, reason);
    }
    // The usual case, a first delivery by the current attempt, is one statement; anything else (a
    // repeat, a stale
    // token, an attempt the master took away) goes through the checked path, which says which.
    String error = to == JobState.FAILED || to == JobState.CANCELED ? reason : null;
    Tuple t =
        Tuple.of(
                jobId,
                fencingToken,
                to.id(),
                error,
                heldSources(to),
                to == JobState.FAILED ? "permanent" : null)
            .addString(actor)
            .addString(reason)
            .addValue(result);
    return pool.preparedQuery(JobSql.FINISH_FENCED)
        .execute(t)
        .compose(
            rows -> {
              if (rows.size() > 0) {
                finished(List.of(jobId));
                Row r = rows.iterator().next();
                return Future.succeededFuture(
                    new Completion(
                        to,
                        JobState.of(r.getString("before")),
                        r.getUUID("campaign_id"),
                        r.getString("config_key"),
                        r.getInteger("attempt")));
              }
              return completeChecked(jobId, fencingToken, to, false, result, actor, reason);
            });
  }

  /**
   * The states a worker's attempt holds a job in (leased, running) from which it may move it to
   * {@code to}.
   */
  private static String[] heldSources(JobState to) {
    return Arrays.stream(JobState.sourcesOf(to))
        .filter(x -> x.equals(JobState.LEASED.id()) || x.equals(JobState.RUNNING.id()))
        .toArray(String[]::new);
  }

  private Future<Completion> completeChecked(
      UUID jobId,
      long fencingToken,
      JobState to,
      boolean retryable,
      JsonObject result,
      String actor,
      String reason) {
    // Set inside the transaction when this call moved the job (and from which state); told to the
    // meters after commit.
    boolean[] moved = new boolean[1];
    Row[] current = new Row[1];
    return pool.<JobState>withTransaction(
            conn ->
                conn.preparedQuery(JobSql.CURRENT)
                    .execute(Tuple.of(jobId))
                    .compose(
                        rows -> {
                          if (rows.size() == 0) {
                            return Future.failedFuture(new StaleLeaseException("no job " + jobId));
                          }
                          Row cur = rows.iterator().next();
                          JobState state = JobState.of(cur.getString("state"));
                          current[0] = cur;
                          boolean sameAttempt = cur.getLong("fencing_token") == fencingToken;
                          if (sameAttempt && state == to) {
                            return Future.succeededFuture(state); // the same result delivered twice
                          }
                          if (sameAttempt
                              && (state == JobState.RETRY_WAIT || state == JobState.QUEUED)) {
                            if (to == JobState.FAILED && retryable) {
                              return Future.succeededFuture(
                                  state); // our own retry, delivered twice
                            }
                            // The master took the attempt away (lease expired, node lost, stalled):
                            // whatever the worker says now is late.
                            return Future.failedFuture(
                                new StaleLeaseException(
                                    "job "
                                        + jobId
                                        + ": attempt with fencing token "
                                        + fencingToken
                                        + " no longer holds the job ("
                                        + state.id()
                                        + ")"));
                          }
                          Future<JobState> move =
                              to == JobState.FAILED && retryable
                                  ? retryOrFail(conn, jobId, fencingToken, actor, reason)
                                  : moveFenced(
                                      conn,
                                      jobId,
                                      fencingToken,
                                      to,
                                      actor,
                                      reason,
                                      to == JobState.FAILED ? "permanent" : null);
                          return move.compose(
                              s -> {
                                moved[0] = true;
                                return conn.preparedQuery(JobSql.UPSERT_RESULT)
                                    .execute(Tuple.of(jobId, cur.getInteger("attempt"), result))
                                    .compose(
                                        r ->
                                            s == JobState.SUCCEEDED || s == JobState.FAILED
                                                ? repeatIfWanted(conn, jobId, actor)
                                                : Future.succeededFuture())
                                    .map(s);
                              });
                        }))
        .onSuccess(
            s -> {
              if (!moved[0]) {
                return;
              }
              if (s == JobState.RETRY_WAIT) {
                outcomes.retried(1);
              } else if (s.terminal()) {
                finished(List.of(jobId));
              }
            })
        .map(
            s ->
                new Completion(
                    s,
                    moved[0] ? JobState.of(current[0].getString("state")) : null,
                    current[0] == null ? null : current[0].getUUID("campaign_id"),
                    current[0] == null ? null : current[0].getString("config_key"),
                    current[0] == null ? null : current[0].getInteger("attempt")));
  }

  /**
   * For a job of a {@code repeat: "auto"} campaign that just ended: when its configuration has no
   * other open job and {@link AutoRepeat#wantsAnother} says so, queues the next repetition, in the
   * caller's transaction (under the campaign's row lock, so two configurations ending at once take
   * distinct order numbers and one configuration never gets two).
   */
  private Future<Void> repeatIfWanted(SqlConnection conn, UUID jobId, String actor) {
    return conn.preparedQuery(JobSql.LOCK_AUTO_CAMPAIGN)
        .execute(Tuple.of(jobId))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture();
              }
              Row c = rows.iterator().next();
              UUID campaignId = c.getUUID("id");
              String key = c.getString("config_key");
              AutoRepeat rule =
                  AutoRepeat.of(
                      new JsonObject()
                          .put("repeat", "auto")
                          .put("repeat_auto", (JsonObject) c.getValue("auto_repeat")));
              return conn.preparedQuery(JobSql.CONFIG_RUNS)
                  .execute(Tuple.of(campaignId, key))
                  .compose(
                      runs -> {
                        List<Double> jpf = new ArrayList<>();
                        int made = 0;
                        int lastRepetition = 0;
                        int maxSeq = 0;
                        for (Row r : runs) {
                          JobState st = JobState.of(r.getString("state"));
                          if (!st.terminal()) {
                            return Future.succeededFuture(); // its own end decides
                          }
                          made++;
                          lastRepetition = Math.max(lastRepetition, r.getInteger("repetition"));
                          maxSeq = r.getInteger("max_seq");
                          Double v = r.getDouble("jpf");
                          if (st == JobState.SUCCEEDED && v != null && Double.isFinite(v)) {
                            jpf.add(v);
                          }
                        }
                        if (!rule.wantsAnother(jpf, made)) {
                          return Future.succeededFuture();
                        }
                        JobSpec spec = JobSpec.fromStored((JsonObject) c.getValue("spec"));
                        UUID next = UUID.randomUUID();
                        Tuple job =
                            Tuple.of(
                                    next,
                                    campaignId,
                                    key,
                                    lastRepetition + 1,
                                    maxSeq + 1,
                                    spec.toJson(),
                                    (short) spec.queue().rank(),
                                    (short) spec.priority().rank())
                                .addInteger(settings.maxAttempts())
                                .addBoolean(spec.measure().exclusive());
                        String why =
                            "repeat auto: run "
                                + (lastRepetition + 1)
                                + " of at most "
                                + rule.max()
                                + " (interval not yet within "
                                + Math.round(rule.ciWithin() * 1000) / 10.0
                                + " % of the mean)";
                        return conn.preparedQuery(JobSql.INSERT_JOB)
                            .execute(job)
                            .compose(
                                x ->
                                    conn.preparedQuery(JobSql.INSERT_EVENT)
                                        .execute(
                                            Tuple.of(
                                                next, null, JobState.QUEUED.id(), actor, why, 0)))
                            .mapEmpty();
                      });
            });
  }

  private Future<JobState> retryOrFail(
      SqlConnection conn, UUID jobId, long token, String actor, String reason) {
    return conn.preparedQuery(JobSql.RETRY_FENCED)
        .execute(
            Tuple.of(
                jobId,
                token,
                reason,
                settings.retryBase().toMillis(),
                settings.retryCap().toMillis()))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                // No attempt left (or a stale token, which the fenced move reports).
                return moveFenced(
                    conn,
                    jobId,
                    token,
                    JobState.FAILED,
                    actor,
                    reason + " (transient; no attempt left)",
                    "transient");
              }
              Row r = rows.iterator().next();
              return event(
                      conn,
                      jobId,
                      JobState.of(r.getString("before")),
                      JobState.RETRY_WAIT,
                      actor,
                      reason + " (transient; retrying)",
                      r.getInteger("attempt"))
                  .map(JobState.RETRY_WAIT);
            });
  }

  private Future<JobState> moveFenced(
      SqlConnection conn,
      UUID jobId,
      long token,
      JobState to,
      String actor,
      String reason,
      String errorClass) {
    String error = to == JobState.FAILED || to == JobState.CANCELED ? reason : null;
    return conn.preparedQuery(JobSql.MOVE_FENCED)
        .execute(Tuple.of(jobId, token, to.id(), error, JobState.sourcesOf(to), errorClass))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(
                    new StaleLeaseException(
                        "job "
                            + jobId
                            + ": fencing token "
                            + token
                            + " is not current, or the job cannot move to "
                            + to.id()));
              }
              Row r = rows.iterator().next();
              return event(
                      conn,
                      jobId,
                      JobState.of(r.getString("before")),
                      to,
                      actor,
                      reason,
                      r.getInteger("attempt"))
                  .map(to);
            });
  }

  /** A state change housekeeping made, for its events and for the bus. */
  public record Moved(
      UUID jobId,
      UUID campaignId,
      String configKey,
      int attempt,
      JobState from,
      JobState to,
      String reason,
      String nodeId) {
    public JobEvent event() {
      JobEvent e = JobEvent.of(jobId, campaignId, configKey, attempt, from, to, reason);
      return nodeId == null ? e : e.onNode(nodeId);
    }
  }

  /**
   * Housekeeping: expired or orphaned leases back to the queue, stalled attempts to retry, due
   * retries to the queue.
   */
  public Future<List<Moved>> sweep(String actor) {
    Tuple backoff = Tuple.of(settings.retryBase().toMillis(), settings.retryCap().toMillis());
    return pool.<List<Moved>>withTransaction(
            conn ->
                conn.preparedQuery(JobSql.EXPIRE_LEASES)
                    .execute()
                    .compose(
                        a ->
                            conn.preparedQuery(JobSql.STALLED)
                                .execute(backoff)
                                .compose(
                                    b ->
                                        conn.preparedQuery(JobSql.RETRY_DUE)
                                            .execute()
                                            .compose(
                                                c -> {
                                                  List<Moved> moved = new ArrayList<>();
                                                  for (var rows : List.of(a, b, c)) {
                                                    for (Row r : rows) {
                                                      moved.add(
                                                          new Moved(
                                                              r.getUUID("id"),
                                                              r.getUUID("campaign_id"),
                                                              r.getString("config_key"),
                                                              r.getInteger("attempt"),
                                                              JobState.of(r.getString("before")),
                                                              JobState.of(r.getString("state")),
                                                              r.getString("before")
                                                                      .equals("retry_wait")
                                                                  ? "retry due"
                                                                  : r.getString("error"),
                                                              r.getString("node_id")));
                                                    }
                                                  }
                                                  if (moved.isEmpty()) {
                                                    return Future.succeededFuture(moved);
                                                  }
                                                  List<Tuple> events =
                                                      moved.stream()
                                                          .map(
                                                              m ->
                                                                  Tuple.of(
                                                                      m.jobId(),
                                                                      m.from().id(),
                                                                      m.to().id(),
                                                                      actor,
                                                                      m.reason(),
                                                                      m.attempt()))
                                                          .toList();
                                                  return conn.preparedQuery(JobSql.INSERT_EVENT)
                                                      .executeBatch(events)
                                                      .map(moved);
                                                }))))
        .onSuccess(this::swept);
  }

  /** Housekeeping's moves as the meters count them: attempts given another try, final states. */
  private void swept(List<Moved> moved) {
    List<UUID> ended = new ArrayList<>();
    int retried = 0;
    for (Moved m : moved) {
      if (m.to().terminal()) {
        ended.add(m.jobId());
      } else if (m.from() == JobState.LEASED || m.from() == JobState.RUNNING) {
        retried++; // to the queue (lease lost) or to retry_wait (stalled); not retry_wait → queued
      }
    }
    if (retried > 0) {
      outcomes.retried(retried);
    }
    finished(ended);
  }

  /**
   * A new leader's first act: every live lease and node gets one more lease length (see {@code
   * LEADER_GRACE_JOBS}).
   */
  public Future<Void> leaderGrace(String masterId) {
    return pool.withTransaction(
        conn ->
            conn.preparedQuery(JobSql.LEADER_GRACE_JOBS)
                .execute(Tuple.of(settings.lease().toMillis()))
                .compose(r -> conn.preparedQuery(JobSql.LEADER_GRACE_NODES).execute())
                .compose(r -> conn.preparedQuery(JobSql.LEADER_MARK).execute(Tuple.of(masterId)))
                .mapEmpty());
  }

  /** The leader notes each sweep, so anyone can see who leads and since when. */
  public Future<Void> markLeader(String masterId) {
    return pool.preparedQuery(JobSql.LEADER_MARK).execute(Tuple.of(masterId)).mapEmpty();
  }

  private Future<Void> event(
      SqlConnection conn,
      UUID jobId,
      JobState from,
      JobState to,
      String actor,
      String reason,
      int attempt) {
    from.checkMoveTo(to);
    return conn.preparedQuery(JobSql.INSERT_EVENT)
        .execute(Tuple.of(jobId, from.id(), to.id(), actor, reason, attempt))
        .mapEmpty();
  }

  /** Cancels whatever of the campaign has not finished; returns how many jobs that was. */
  public Future<Integer> cancelQueued(UUID campaignId, String actor, String reason) {
    List<UUID> canceled = new ArrayList<>();
    return pool.<Integer>withTransaction(
            conn ->
                conn.preparedQuery(JobSql.CANCEL_QUEUED)
                    .execute(Tuple.of(campaignId, reason))
                    .compose(
                        rows -> {
                          rows.forEach(r -> canceled.add(r.getUUID("id")));
                          List<Tuple> events = new ArrayList<>();
                          rows.forEach(
                              r ->
                                  events.add(
                                      Tuple.of(
                                          r.getUUID("id"),
                                          r.getString("before"),
                                          JobState.CANCELED.id(),
                                          actor,
                                          reason,
                                          r.getInteger("attempt"))));
                          return events.isEmpty()
                              ? Future.succeededFuture(0)
                              : conn.preparedQuery(JobSql.INSERT_EVENT)
                                  .executeBatch(events)
                                  .map(events.size());
                        }))
        .onSuccess(n -> finished(canceled));
  }

  public Future<Map<JobState, Integer>> campaignStates(UUID campaignId) {
    return pool.preparedQuery(JobSql.CAMPAIGN_STATES)
        .execute(Tuple.of(campaignId))
        .map(
            rows -> {
              Map<JobState, Integer> m = new EnumMap<>(JobState.class);
              rows.forEach(r -> m.put(JobState.of(r.getString("state")), r.getInteger("n")));
              return m;
            });
  }

  /**
   * Every job of the campaign as a result object: the stored result, or what is known of a job that
   * did not succeed.
   */
  public Future<List<JsonObject>> campaignResults(UUID campaignId) {
    return pool.preparedQuery(JobSql.CAMPAIGN_RESULTS)
        .execute(Tuple.of(campaignId))
        .map(
            rows -> {
              List<JsonObject> out = new ArrayList<>();
              for (Row r : rows) {
                JsonObject result =
                    r.getValue("result") instanceof JsonObject j ? j.copy() : new JsonObject();
                JsonObject spec = (JsonObject) r.getValue("spec");
                result
                    .put("job_id", r.getUUID("id").toString())
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
    return pool.preparedQuery(JobSql.CAMPAIGN)
        .execute(Tuple.of(campaignId))
        .map(
            rows -> {
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
                  .put("density", r.getValue("density"))
                  .mergeIn(analysisSettings((JsonObject) r.getValue("source")))
                  .put("started_at", r.getOffsetDateTime("created_at").toString())
                  .put(
                      "finished_at",
                      r.getOffsetDateTime("finished_at") == null
                          ? null
                          : r.getOffsetDateTime("finished_at").toString());
            });
  }

  /**
   * What the analysis of a campaign reads from its file: cost, baseline, recommendation, repeat.
   */
  static JsonObject analysisSettings(JsonObject source) {
    JsonObject out = new JsonObject();
    if (source != null) {
      for (String key : List.of("cost", "baseline", "recommend", "repeat", "repeat_auto")) {
        if (source.getValue(key) != null) {
          out.put(key, source.getValue(key));
        }
      }
    }
    return out;
  }

  /** A density campaign's summary, as the bench computed it when the ramp ended. */
  public Future<Void> setCampaignDensity(UUID campaignId, JsonObject density) {
    return pool.preparedQuery(JobSql.SET_CAMPAIGN_DENSITY)
        .execute(Tuple.of(campaignId, density))
        .mapEmpty();
  }

  public Future<Void> setCampaignBaseline(
      UUID campaignId, JsonObject idleBaseline, JsonObject node) {
    return pool.preparedQuery(JobSql.SET_CAMPAIGN_BASELINE)
        .execute(Tuple.of(campaignId, idleBaseline, node))
        .mapEmpty();
  }

  public Future<Void> finishCampaign(UUID campaignId) {
    return pool.preparedQuery(JobSql.FINISH_CAMPAIGN).execute(Tuple.of(campaignId)).mapEmpty();
  }

  /** The job's history, oldest first: who moved it, when, and why. */
  public Future<List<JsonObject>> events(UUID jobId) {
    return pool.preparedQuery(JobSql.EVENTS)
        .execute(Tuple.of(jobId))
        .map(
            rows -> {
              List<JsonObject> out = new ArrayList<>();
              rows.forEach(
                  r ->
                      out.add(
                          new JsonObject()
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

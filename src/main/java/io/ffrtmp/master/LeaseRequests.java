package io.ffrtmp.master;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.JobReport;
import io.ffrtmp.cluster.JobUpdates;
import io.ffrtmp.cluster.JobUpdatesReply;
import io.ffrtmp.cluster.WorkRequest;
import io.ffrtmp.job.JobEvent;
import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobState;
import io.ffrtmp.master.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker side of dispatch: leases for work requests, and the starts and results workers report,
 * each fenced by its lease's token. Every move is published on {@link Addresses#JOB_EVENTS}.
 */
final class LeaseRequests {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseRequests.class);

  private final EventBus bus;
  private final JobStore store;

  /** Told how long a work request answered with leases took, in nanoseconds. */
  private final LongConsumer dispatched;

  LeaseRequests(EventBus bus, JobStore store, LongConsumer dispatched) {
    this.bus = bus;
    this.store = store;
    this.dispatched = dispatched;
  }

  /** Up to {@code max_jobs} leases, best first: {@code {"leases": [...]}}. */
  Future<JsonObject> workRequest(JsonObject body) {
    long came = System.nanoTime();
    WorkRequest req = WorkRequest.fromJson(body);
    return store
        .claim(req.nodeId(), req.instanceId(), req.busy(), req.maxJobs())
        .map(
            leases -> {
              JsonArray out = new JsonArray(new ArrayList<>(leases.size()));
              for (JobLease l : leases) {
                publish(
                    JobEvent.of(
                        l.jobId(),
                        l.campaignId(),
                        l.configKey(),
                        l.attempt(),
                        JobState.QUEUED,
                        JobState.LEASED,
                        "claimed by " + req.nodeId()));
                out.add(l.toJson());
              }
              if (!leases.isEmpty()) {
                dispatched.accept(System.nanoTime() - came);
              }
              return new JsonObject().put("leases", out);
            });
  }

  /** Several starts and results of one worker, applied in order; an answer for each. */
  Future<JsonObject> updates(JsonObject body) {
    JobUpdates batch = JobUpdates.fromJson(body);
    List<JobStore.Update> updates = batch.updates().stream().map(LeaseRequests::update).toList();
    return store
        .apply(batch.nodeId(), updates)
        .map(
            applied -> {
              List<JobUpdatesReply.Answer> answers = new ArrayList<>(applied.size());
              for (int i = 0; i < applied.size(); i++) {
                JobStore.Applied a = applied.get(i);
                JobStore.Update u = updates.get(i);
                if (a.failure() != null) {
                  int code =
                      a.failure() instanceof JobStore.StaleLeaseException
                          ? Addresses.CONFLICT
                          : Addresses.UNAVAILABLE;
                  answers.add(
                      JobUpdatesReply.Answer.refused(a.jobId(), code, a.failure().getMessage()));
                  continue;
                }
                if (a.from() != null) {
                  publish(
                      new JobEvent(
                          a.jobId(),
                          a.campaignId(),
                          a.configKey(),
                          a.attempt(),
                          a.from(),
                          a.state(),
                          u.to() == JobState.RUNNING ? "started on " + batch.nodeId() : u.reason(),
                          null,
                          null));
                }
                answers.add(JobUpdatesReply.Answer.taken(a.jobId(), a.state()));
              }
              return new JobUpdatesReply(answers).toJson();
            });
  }

  /** One start ({@link Addresses#JOB_STARTED}), for workers that report one at a time. */
  Future<JsonObject> started(JsonObject body) {
    JobReport r = JobReport.startFromJson(body);
    UUID id = r.fence().jobId();
    return store
        .move(id, r.fence().token(), JobState.RUNNING, r.actor(), "started")
        .map(
            s -> {
              publish(
                  new JobEvent(
                      id,
                      null,
                      null,
                      null,
                      JobState.LEASED,
                      JobState.RUNNING,
                      "started on " + r.nodeId(),
                      null,
                      null));
              return new JsonObject().put("state", s.id());
            });
  }

  /** One result ({@link Addresses#JOB_RESULT}); its event names the job as the result does. */
  Future<JsonObject> result(JsonObject body) {
    JobReport r = JobReport.endFromJson(body);
    JobStore.Update u = update(r);
    return store
        .complete(
            u.jobId(), u.fencingToken(), u.to(), u.retryable(), u.result(), r.actor(), u.reason())
        .map(
            s -> {
              publish(resultEvent(u.jobId(), r.result(), s, u.reason()));
              if (s == JobState.RETRY_WAIT) {
                LOG.info(
                    "job {} failed on {} (transient: {}); it will be retried",
                    u.jobId(),
                    r.nodeId(),
                    u.reason());
              }
              return new JsonObject().put("state", s.id());
            });
  }

  /**
   * The event of a single result names the job as the result object does. Taken from what the
   * worker wrote, leniently: the result is stored by now, and an odd field in it must not fail the
   * answer.
   */
  private static JobEvent resultEvent(UUID jobId, JsonObject result, JobState to, String reason) {
    UUID campaign;
    try {
      campaign =
          result.getString("campaign_id") == null
              ? null
              : UUID.fromString(result.getString("campaign_id"));
    } catch (IllegalArgumentException e) {
      campaign = null;
    }
    Integer attempt = result.getValue("attempt") instanceof Number n ? n.intValue() : null;
    return new JobEvent(
        jobId,
        campaign,
        result.getString("config_key"),
        attempt,
        JobState.RUNNING,
        to,
        reason,
        null,
        null);
  }

  private static JobStore.Update update(JobReport r) {
    return new JobStore.Update(
        r.fence().jobId(), r.fence().token(), r.state(), r.retryable(), r.result(), r.error());
  }

  private void publish(JobEvent event) {
    bus.publish(Addresses.JOB_EVENTS, event.toJson());
  }
}

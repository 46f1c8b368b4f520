package io.ffrtmp.worker;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.Heartbeat;
import io.ffrtmp.cluster.JobReport;
import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobState;
import io.ffrtmp.job.SpecException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs this worker runs now, each with its own {@link JobRunner}: takes a lease on (or reports
 * a spec it cannot run as failed for good), reports the start and the result, stops jobs on cancel
 * or lost leases, and says what heartbeats carry. Lives on the worker verticle's context.
 */
final class RunningJobs {

  private static final Logger LOG = LoggerFactory.getLogger(RunningJobs.class);

  private record Running(
      JobLease lease, JobRunner runner, boolean exclusive, Promise<Void> done, int slot) {}

  private final Vertx vertx;
  private final WorkerConfig config;
  private final WorkerNode node;
  private final Reports reports;
  private final ResultDelivery results;
  private final WorkerMeters meters;

  /** Called when a job ended and its slot is free again. */
  private final Runnable slotFreed;

  private final Map<UUID, Running> running = new LinkedHashMap<>();
  private final EnergyWindows windows = new EnergyWindows();

  /** The probes of this worker's quality-targeted searches, for the searches after them. */
  private final SearchMemory searchMemory = new SearchMemory();

  private JsonObject idleBaseline;

  RunningJobs(
      Vertx vertx,
      WorkerConfig config,
      WorkerNode node,
      Reports reports,
      ResultDelivery results,
      WorkerMeters meters,
      Runnable slotFreed) {
    this.vertx = vertx;
    this.meters = meters;
    this.config = config;
    this.node = node;
    this.reports = reports;
    this.results = results;
    this.slotFreed = slotFreed;
  }

  int count() {
    return running.size();
  }

  /** A job that wants the node to itself is running: no other may start. */
  boolean exclusive() {
    return running.values().stream().anyMatch(Running::exclusive);
  }

  /** The idle baseline the next jobs' above-idle figures are computed against. */
  void idleBaseline(JsonObject baseline) {
    idleBaseline = baseline;
  }

  /**
   * Runs a lease, or, when its spec is one this worker cannot run, reports the attempt failed for
   * good.
   */
  void take(JsonObject leaseBody) {
    JobLease lease;
    try {
      if (leaseBody == null) {
        throw new IllegalArgumentException("not an object");
      }
      lease = JobLease.fromJson(leaseBody);
    } catch (SpecException e) {
      JobLease.Fence fence = JobLease.Fence.of(leaseBody);
      LOG.warn("job {}: the leased spec is invalid here: {}", fence.jobId(), e.getMessage());
      String error = "invalid spec: " + e.getMessage();
      results.report(
          new JobReport(
              fence,
              config.nodeId(),
              JobState.FAILED,
              new JsonObject().put("job_id", fence.jobId().toString()).put("error", error),
              error,
              false));
      return;
    } catch (RuntimeException e) {
      // No job id or token to report against: the master's lease expires and it retries the job.
      LOG.error("a master sent a lease this worker cannot read ({}); ignored: {}", e, leaseBody);
      return;
    }
    run(lease);
  }

  private void run(JobLease lease) {
    long leasedNs = System.nanoTime();
    JobRunner runner =
        new JobRunner(
            vertx,
            config,
            node.meter(),
            node.ffmpeg(),
            node.scorer(),
            node.gst(),
            node.snapshot(),
            windows,
            node.workingHardware(),
            searchMemory);
    int slot = freeSlot();
    WorkerMeters.Slot slotMeters =
        meters.slot(
            slot,
            lease.spec().isLive() ? lease.spec().measure().realtimeWindowS() : null,
            lease.spec().video().fps());
    Running run =
        new Running(lease, runner, lease.spec().measure().exclusive(), Promise.promise(), slot);
    running.put(lease.jobId(), run);
    reports
        .send(JobReport.started(lease.fence(), config.nodeId()))
        .compose(
            ok ->
                runner.run(
                    lease,
                    idleBaseline,
                    p -> {
                      slotMeters.progress(p);
                      if (lease.spec().isLive()) {
                        // What the UI's live view shows, by the same rule as the node's gauges.
                        p.put("realtime", slotMeters.realtime());
                      }
                      vertx.eventBus().publish(Addresses.JOB_PROGRESS, p);
                    }))
        .compose(
            outcome -> {
              // The whole job as the worker saw it: lease to result, spawn, power windows and
              // quality pass included.
              outcome
                  .result()
                  .put("job_wall_s", Math.round((System.nanoTime() - leasedNs) / 1e6) / 1000.0);
              return results.report(
                  new JobReport(
                      lease.fence(),
                      config.nodeId(),
                      JobState.of(outcome.state()),
                      outcome.result(),
                      outcome.error(),
                      outcome.retryable()));
            })
        .andThen(
            ar -> {
              if (ar.failed()) {
                LOG.warn(
                    "job {} (attempt {}): {}",
                    lease.jobId(),
                    lease.attempt(),
                    ar.cause().getMessage());
              }
              running.remove(lease.jobId());
              slotMeters.close();
              run.done().complete();
              slotFreed.run();
            });
  }

  /** The lowest slot number no running job holds: slots are numbered 0 to slots − 1. */
  private int freeSlot() {
    int slot = 0;
    while (true) {
      int s = slot;
      if (running.values().stream().noneMatch(r -> r.slot() == s)) {
        return slot;
      }
      slot++;
    }
  }

  /** Stops the jobs a cancel names: by {@code job_id} or by {@code campaign_id}. */
  void cancel(JsonObject body) {
    for (Running r : running.values()) {
      JobLease lease = r.lease();
      boolean byJob = lease.jobId().toString().equals(body.getString("job_id"));
      boolean byCampaign =
          lease.campaignId() != null
              && lease.campaignId().toString().equals(body.getString("campaign_id"));
      if (byJob || byCampaign) {
        r.runner().cancel(body.getString("reason", "canceled"));
      }
    }
  }

  /** Stops the jobs whose leases a master gave to another node. */
  void revoked(Collection<UUID> ids) {
    for (UUID id : ids) {
      Running r = running.get(id);
      if (r != null) {
        LOG.warn("job {}: the master no longer holds this node's lease; stopping it", id);
        r.runner().cancel("lease lost: the job was given to another node");
      }
    }
  }

  /** Each running job's fence and activity, as a heartbeat carries them. */
  List<Heartbeat.RunningJob> heartbeatJobs() {
    List<Heartbeat.RunningJob> jobs = new ArrayList<>(running.size());
    running
        .values()
        .forEach(r -> jobs.add(new Heartbeat.RunningJob(r.lease().fence(), r.runner().activity())));
    return jobs;
  }

  /** The node's power as the first job's window with a reading sees it; null when none has one. */
  Double currentWatts() {
    return running.values().stream()
        .map(r -> r.runner().currentWatts())
        .filter(w -> w != null)
        .findFirst()
        .orElse(null);
  }

  /** Cancels every job and waits (up to ten seconds) for them to report their end. */
  Future<Void> stopAll(String reason) {
    running.values().forEach(r -> r.runner().cancel(reason));
    return Future.join(running.values().stream().map(r -> r.done().future()).toList())
        .timeout(10, TimeUnit.SECONDS)
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }
}

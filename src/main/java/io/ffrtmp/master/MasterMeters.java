package io.ffrtmp.master;

import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.master.store.JobOutcomes;
import io.ffrtmp.master.store.JobStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's work meters in the node's registry, fed by the {@link JobStore} as it records moves
 * ({@link JobOutcomes}): leases, retries, jobs finished by outcome, encoder, codec and queue, their
 * attributed energy and frames, and histograms of run time, queue wait and dispatch latency. A
 * batch of finished jobs costs one query for their specs and recorded results, never one per job
 * and never one per scrape. Counts are this process's: with several masters, sum them.
 *
 * <p>Histogram buckets are fixed (service-level objectives), so each histogram is at most 13 series
 * per label value: job run time 1 s to 2 h, queue wait 0.1 s to 1 h, dispatch latency 1 ms to 2.5
 * s.
 */
public final class MasterMeters implements JobOutcomes, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MasterMeters.class);

  static final Duration[] DURATION_BUCKETS =
      seconds(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200);
  static final Duration[] QUEUE_WAIT_BUCKETS = seconds(0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600);
  static final Duration[] DISPATCH_BUCKETS =
      seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5);

  /** Every meter name of this class, for {@link #close}. */
  private static final Set<String> NAMES =
      Set.of(
          "ffrtmp.leases",
          "ffrtmp.job.retries",
          "ffrtmp.dispatch.latency",
          "ffrtmp.master.leader",
          "ffrtmp.job.queue.wait",
          "ffrtmp.jobs.finished",
          "ffrtmp.live.jobs.finished",
          "ffrtmp.job.frames",
          "ffrtmp.job.energy.joules",
          "ffrtmp.job.duration");

  private final MeterRegistry registry;
  private final JobStore store;
  private final Counter leases;
  private final Counter retries;
  private final Timer dispatch;

  /** {@code leader}: whether this master leads housekeeping now. */
  public MasterMeters(MeterRegistry registry, JobStore store, BooleanSupplier leader) {
    this.registry = registry;
    this.store = store;
    leases =
        Counter.builder("ffrtmp.leases").description("Jobs leased to workers.").register(registry);
    retries =
        Counter.builder("ffrtmp.job.retries")
            .description(
                "Attempts put back for another try (transient failure, lost lease, stall).")
            .register(registry);
    dispatch =
        Timer.builder("ffrtmp.dispatch.latency")
            .description(
                "From a worker's work request reaching the master to its answer with leases.")
            .serviceLevelObjectives(DISPATCH_BUCKETS)
            .register(registry);
    Gauge.builder("ffrtmp.master.leader", () -> leader.getAsBoolean() ? 1 : 0)
        .description("1 on the master that runs housekeeping, 0 on the others.")
        .register(registry);
    store.observe(this);
  }

  /** A work request answered with leases, {@code nanos} after it came. */
  void dispatched(long nanos) {
    dispatch.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void leased(List<Leased> leased) {
    leases.increment(leased.size());
    for (Leased l : leased) {
      if (l.attempt() == 1) {
        Timer.builder("ffrtmp.job.queue.wait")
            .description("From a job's submission to its first lease (it leaves the queue).")
            .tag("queue", l.queue().id())
            .serviceLevelObjectives(QUEUE_WAIT_BUCKETS)
            .register(registry)
            .record(Duration.ofNanos(Math.round(Math.max(0, l.waitedS()) * 1e9)));
      }
    }
  }

  @Override
  public void retried(int attempts) {
    retries.increment(attempts);
  }

  @Override
  public void finished(List<UUID> jobIds) {
    store
        .finishedJobs(jobIds)
        .onSuccess(jobs -> jobs.forEach(this::count))
        .onFailure(e -> LOG.warn("finished jobs not metered: {}", e.toString()));
  }

  private void count(JobStore.FinishedJob j) {
    JobSpec.Video video = j.spec().video();
    String encoder = encoder(video, j.ranEncoder());
    String codec = video.codec().id();
    String queue = j.spec().queue().id();
    Counter.builder("ffrtmp.jobs.finished")
        .description("Jobs that reached a final state.")
        .tags("outcome", j.state().id(), "encoder", encoder, "codec", codec, "queue", queue)
        .register(registry)
        .increment();
    if (j.holdsRealtime() != null) {
      Counter.builder("ffrtmp.live.jobs.finished")
          .description("Live jobs that reached a final state with a realtime verdict.")
          .tag("holds_realtime", j.holdsRealtime().toString())
          .register(registry)
          .increment();
    }
    if (j.frames() != null && j.frames() >= 0) {
      Counter.builder("ffrtmp.job.frames")
          .description("Frames encoded by finished jobs.")
          .tags("encoder", encoder, "codec", codec)
          .register(registry)
          .increment(j.frames());
    }
    String provenance = j.energyProvenance();
    if (j.energyJoules() != null
        && j.energyJoules() >= 0
        && ("measured".equals(provenance) || "estimated".equals(provenance))) {
      Counter.builder("ffrtmp.job.energy.joules")
          .description("Attributed energy of finished jobs.")
          .tags("encoder", encoder, "codec", codec, "provenance", provenance)
          .register(registry)
          .increment(j.energyJoules());
    }
    if (j.runS() != null && j.runS() >= 0) {
      Timer.builder("ffrtmp.job.duration")
          .description("Wall time of finished jobs, start to end of the last attempt.")
          .tag("queue", queue)
          .serviceLevelObjectives(DURATION_BUCKETS)
          .register(registry)
          .record(Duration.ofNanos(Math.round(j.runS() * 1e9)));
    }
  }

  /**
   * The encoder that ran: the spec's, or for {@code auto} the one the worker chose, if it is one of
   * the job model's encoders (a label value never comes from free text).
   */
  static String encoder(JobSpec.Video video, String ran) {
    if (!video.encoderAuto()) {
      return video.encoder().ffmpegName();
    }
    return ran == null ? "auto" : Encoder.byName(ran).map(Encoder::ffmpegName).orElse("auto");
  }

  /** Removes the meters (a master closing in a JVM that goes on: tests). */
  @Override
  public void close() {
    store.observe(JobOutcomes.NONE);
    for (Meter m : List.copyOf(registry.getMeters())) {
      if (NAMES.contains(m.getId().getName())) {
        registry.remove(m);
      }
    }
  }

  private static Duration[] seconds(double... s) {
    Duration[] out = new Duration[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = Duration.ofNanos(Math.round(s[i] * 1e9));
    }
    return out;
  }
}

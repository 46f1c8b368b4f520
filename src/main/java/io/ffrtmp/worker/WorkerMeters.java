package io.ffrtmp.worker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The worker's meters in the node's registry: its slots, the slots in use, the reports waiting in
 * the spool and, per busy slot, the running job's latest FFmpeg progress ({@code
 * ffrtmp_job_fps{slot}}, {@code ffrtmp_job_speed_ratio{slot}}, {@code
 * ffrtmp_job_dropped_frames{slot}}). A slot's gauges are registered at its job's first progress
 * block and removed from the registry when the job ends, so an idle slot has no series (never a
 * stale 0 fps). Without a registry (a worker built without one) nothing is metered.
 */
final class WorkerMeters {

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();

  WorkerMeters(MeterRegistry registry, int slots, IntSupplier running, ResultSpool spool) {
    this.registry = registry;
    if (registry == null) {
      return;
    }
    meters.add(
        Gauge.builder("ffrtmp.worker.slots", () -> slots)
            .description("Job slots of this worker.")
            .register(registry));
    meters.add(
        Gauge.builder("ffrtmp.worker.running.jobs", running::getAsInt)
            .description("Slots running a job now.")
            .register(registry));
    meters.add(
        Gauge.builder("ffrtmp.worker.spool.reports", spool::count)
            .description("Finished jobs' reports waiting in the spool for a master.")
            .register(registry));
  }

  /** The meters of one slot while it runs a job; {@link Slot#close} removes them. */
  Slot slot(int slot) {
    return new Slot(slot);
  }

  void close() {
    if (registry != null) {
      meters.forEach(registry::remove);
      meters.clear();
    }
  }

  /** One busy slot: its gauges appear with the first progress block and go with {@link #close}. */
  final class Slot {
    private final String slot;
    private final List<Meter> slotMeters = new ArrayList<>(3);
    private volatile double fps;
    private volatile double speed;
    private volatile double dropped;

    private Slot(int slot) {
      this.slot = Integer.toString(slot);
    }

    /** A progress message as the encode pass publishes it ({@code fps}, {@code speed}, …). */
    void progress(JsonObject p) {
      if (registry == null || p == null) {
        return;
      }
      fps = number(p, "fps", fps);
      speed = number(p, "speed", speed);
      dropped = number(p, "drop_frames", dropped);
      if (slotMeters.isEmpty()) {
        slotMeters.add(
            Gauge.builder("ffrtmp.job.fps", this, s -> s.fps)
                .description("The running job's frames per second (FFmpeg's average).")
                .tag("slot", slot)
                .strongReference(true)
                .register(registry));
        slotMeters.add(
            Gauge.builder("ffrtmp.job.speed.ratio", this, s -> s.speed)
                .description("The running job's encoding speed over real time (FFmpeg's speed).")
                .tag("slot", slot)
                .strongReference(true)
                .register(registry));
        slotMeters.add(
            Gauge.builder("ffrtmp.job.dropped.frames", this, s -> s.dropped)
                .description("Frames the running job dropped so far.")
                .tag("slot", slot)
                .strongReference(true)
                .register(registry));
      }
    }

    void close() {
      if (registry != null) {
        slotMeters.forEach(registry::remove);
        slotMeters.clear();
      }
    }

    private static double number(JsonObject p, String key, double last) {
      return p.getValue(key) instanceof Number n ? n.doubleValue() : last;
    }
  }
}

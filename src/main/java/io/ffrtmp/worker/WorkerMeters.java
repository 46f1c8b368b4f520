package io.ffrtmp.worker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The worker's meters in the node's registry: its slots, the slots in use, the reports waiting in
 * the spool and, per busy slot, the running job's latest FFmpeg progress ({@code
 * ffrtmp_job_fps{slot}}, {@code ffrtmp_job_speed_ratio{slot}}, {@code
 * ffrtmp_job_dropped_frames{slot}}). A slot's gauges are registered at its job's first progress
 * block and removed from the registry when the job ends, so an idle slot has no series (never a
 * stale 0 fps). Live jobs are also counted: {@code ffrtmp_live_streams} (running now), {@code
 * ffrtmp_live_streams_realtime{state="holding"|"behind"}} (the {@link RealtimeRule} applied to the
 * run so far, each block; a stream with under a second of output is in neither) and {@code
 * ffrtmp_live_dropped_frames_total}. Without a registry (a worker built without one) nothing is
 * metered.
 */
final class WorkerMeters {

  private final MeterRegistry registry;
  private final List<Meter> meters = new ArrayList<>();
  private final AtomicInteger liveStreams = new AtomicInteger();
  private final AtomicInteger holding = new AtomicInteger();
  private final AtomicInteger behind = new AtomicInteger();
  private Counter liveDropped;

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
    meters.add(
        Gauge.builder("ffrtmp.live.streams", liveStreams, AtomicInteger::get)
            .description("Live jobs running on this worker.")
            .register(registry));
    meters.add(
        Gauge.builder("ffrtmp.live.streams.realtime", holding, AtomicInteger::get)
            .description(
                "Running live jobs by the realtime rule applied to their run so far"
                    + " (a stream with under 1 s of output is in neither state).")
            .tag("state", "holding")
            .register(registry));
    meters.add(
        Gauge.builder("ffrtmp.live.streams.realtime", behind, AtomicInteger::get)
            .description(
                "Running live jobs by the realtime rule applied to their run so far"
                    + " (a stream with under 1 s of output is in neither state).")
            .tag("state", "behind")
            .register(registry));
    liveDropped =
        Counter.builder("ffrtmp.live.dropped.frames")
            .description("Frames dropped by live jobs' encoders on this worker.")
            .register(registry);
    meters.add(liveDropped);
  }

  /** The meters of one slot while it runs a job; {@link Slot#close} removes them. */
  Slot slot(int slot) {
    return new Slot(slot, null, 0);
  }

  /**
   * The meters of one slot; {@code realtimeWindowS} not null: the job is live, judged over windows
   * of that many seconds, its output at {@code fps}.
   */
  Slot slot(int slot, Double realtimeWindowS, double fps) {
    return new Slot(slot, realtimeWindowS, fps);
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

    /** Null for a job that is not live. */
    private final RealtimeRule rule;

    /** The stream's state as last counted: null (neither, or not live), holding or behind. */
    private AtomicInteger state;

    private long liveDroppedSeen;
    private boolean closed;

    private Slot(int slot, Double realtimeWindowS, double fps) {
      this.slot = Integer.toString(slot);
      this.rule = realtimeWindowS == null ? null : new RealtimeRule(realtimeWindowS, fps);
      if (rule != null && registry != null) {
        liveStreams.incrementAndGet();
      }
    }

    /**
     * Feeds the live counts: the rule on the run so far, and dropped frames since the last block.
     */
    private void live(JsonObject p) {
      Long out = p.getValue("out_time_us") instanceof Number n ? n.longValue() : null;
      Long frame = p.getValue("frame") instanceof Number n ? n.longValue() : null;
      Long drop = p.getValue("drop_frames") instanceof Number n ? n.longValue() : null;
      rule.add(System.nanoTime(), out, frame, drop, Boolean.TRUE.equals(p.getBoolean("end")));
      if (drop != null && drop > liveDroppedSeen) {
        liveDropped.increment(drop - liveDroppedSeen);
        liveDroppedSeen = drop;
      }
      AtomicInteger now = rule.minWindowSpeed() == null ? null : rule.holds() ? holding : behind;
      if (now != state) {
        if (state != null) {
          state.decrementAndGet();
        }
        if (now != null) {
          now.incrementAndGet();
        }
        state = now;
      }
    }

    /**
     * A live stream's state by the realtime rule on its run so far: {@code holding} or {@code
     * behind}; null for a job that is not live or before the rule's first window.
     */
    String realtime() {
      return rule == null || rule.minWindowSpeed() == null
          ? null
          : rule.holds() ? "holding" : "behind";
    }

    /** A progress message as the encode pass publishes it ({@code fps}, {@code speed}, …). */
    void progress(JsonObject p) {
      if (registry == null || p == null) {
        return;
      }
      fps = number(p, "fps", fps);
      speed = number(p, "speed", speed);
      dropped = number(p, "drop_frames", dropped);
      if (rule != null && !closed) {
        live(p);
      }
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
        if (rule != null && !closed) {
          liveStreams.decrementAndGet();
          if (state != null) {
            state.decrementAndGet();
            state = null;
          }
        }
      }
      closed = true;
    }

    private static double number(JsonObject p, String key, double last) {
      return p.getValue(key) instanceof Number n ? n.doubleValue() : last;
    }
  }
}

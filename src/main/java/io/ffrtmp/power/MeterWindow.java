package io.ffrtmp.power;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One measurement window: the first read, every read of the node meter while it is open, and the
 * final read, accumulated interval by interval. The window never reads a counter itself: the meter
 * reads once and feeds every open window and the node's own account the same snapshot. Reads are
 * fed under the meter's read lock, then this object's monitor (always in that order).
 */
final class MeterWindow implements Measurement {

  private static final Logger LOG = LoggerFactory.getLogger(MeterWindow.class);

  /** What a window asks its meter for when it stops: the final read, and being let go. */
  interface Owner {
    EnergyResult stop(MeterWindow window);
  }

  private final ScopedSources source;
  private final Owner owner;
  private final PowerSource.Integrator integrator;
  private final long pollIntervalNanos;
  private final PowerSource.Snapshot first;
  private final double[] zoneJoules;
  private final TraceBuffer trace;
  private final SummaryStatistics intervalWatts = new SummaryStatistics();
  private PowerSource.Snapshot last;
  private Double peakWatts;
  private int samples = 1;
  private int failedReads;
  private volatile Double currentWatts;
  private EnergyResult result;

  /** Null when there is no gpu scope. */
  private final GpuProcessTracker gpuProcesses;

  MeterWindow(
      ScopedSources source,
      PowerSource.Snapshot first,
      long pollIntervalMs,
      int traceCapacity,
      Owner owner) {
    this.source = source;
    this.owner = owner;
    this.integrator = source.newIntegrator();
    this.pollIntervalNanos = pollIntervalMs * 1_000_000L;
    this.first = first;
    this.last = first;
    this.zoneJoules = new double[source.zones().size()];
    this.trace = new TraceBuffer(traceCapacity);
    this.gpuProcesses = GpuProcessTracker.forScope(source, System.currentTimeMillis() * 1000);
  }

  @Override
  public void trackProcess(long pid) {
    if (gpuProcesses != null) {
      gpuProcesses.track(pid);
    }
  }

  /** At a tick of the meter: NVML's per-process samples since the last tick. */
  synchronized void readGpuProcesses() {
    if (gpuProcesses != null && result == null) {
      gpuProcesses.read();
    }
  }

  /** A read of the meter while this window is open. */
  synchronized void accept(PowerSource.Snapshot cur) {
    if (result == null) {
      accumulate(cur);
    }
  }

  /** A read of the meter failed: the next good read's delta still covers the gap. */
  synchronized void readFailed(Exception e) {
    if (result != null) {
      return;
    }
    failedReads++;
    LOG.warn(
        "power read failed ({} so far in this window); the next read covers the gap: {}",
        failedReads,
        e.toString());
  }

  synchronized EnergyResult result() {
    return result;
  }

  /**
   * Called by the meter once the final read (or its failure: the window then ends at the last good
   * read, keeping energy and duration consistent rather than inventing the tail) was fed.
   */
  synchronized EnergyResult finish() {
    if (result == null) {
      if (gpuProcesses != null) {
        gpuProcesses.read();
      }
      result = buildResult();
    }
    return result;
  }

  @Override
  public EnergyResult stop() {
    return owner.stop(this);
  }

  @Override
  public Double currentWatts() {
    return currentWatts;
  }

  /** Per-interval watts of complete intervals only; used for the idle baseline. */
  synchronized SummaryStatistics intervalStatistics() {
    return intervalWatts.copy();
  }

  private void accumulate(PowerSource.Snapshot cur) {
    long intervalNanos = cur.nanoTime() - last.nanoTime();
    if (intervalNanos <= 0) {
      return;
    }
    double[] joules = integrator.joules(last, cur);
    double intervalJoules = 0;
    for (int i = 0; i < joules.length; i++) {
      zoneJoules[i] += joules[i];
      intervalJoules += joules[i];
    }
    double watts = intervalJoules / (intervalNanos / 1e9);
    long startNanos = last.nanoTime() - first.nanoTime();
    // RAPL updates about every 1 ms, so an interval much shorter than the poll interval (the tail
    // before stop)
    // has a large relative error; it counts for energy but not for peak, spread or a trace point of
    // its own.
    if (intervalNanos * 2 >= pollIntervalNanos) {
      trace.add(startNanos, intervalNanos, intervalJoules);
      intervalWatts.addValue(watts);
      if (peakWatts == null || watts > peakWatts) {
        peakWatts = watts;
      }
    } else {
      trace.extendLast(startNanos, intervalNanos, intervalJoules);
    }
    currentWatts = watts;
    samples++;
    last = cur;
  }

  private EnergyResult buildResult() {
    Map<String, Double> perZone = new LinkedHashMap<>();
    double total = 0;
    List<String> zones = new ArrayList<>(source.zones());
    for (int i = 0; i < zoneJoules.length; i++) {
      perZone.put(zones.get(i), zoneJoules[i]);
      total += zoneJoules[i];
    }
    long durationNanos = last.nanoTime() - first.nanoTime();
    Double avgWatts = durationNanos > 0 ? total / (durationNanos / 1e9) : null;
    return new EnergyResult(
        source.provenance(),
        source.sourceName(),
        zones,
        perZone,
        source.model(),
        total,
        Math.round(durationNanos / 1e6),
        avgWatts,
        peakWatts,
        samples,
        trace.points(),
        source.scopeEnergy(zoneJoules),
        gpuProcesses == null ? null : gpuProcesses.shares(),
        gpuProcesses == null ? Map.of() : gpuProcesses.notes());
  }
}

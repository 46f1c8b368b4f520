package io.ffrtmp.power;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures energy over windows, from RAPL powercap counters where one is readable and from a CPU-utilisation model
 * otherwise. Every read is a blocking file read: call open, start, stop and measureIdle from a worker thread, never
 * from a Vert.x event loop. Polling runs on one daemon thread owned by the meter.
 */
public final class EnergyMeter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EnergyMeter.class);

  private final PowerConfig config;
  private final PowerSource source;
  private final List<SourceStatus> sources;
  private final int traceCapacity;
  private final ScheduledThreadPoolExecutor poller;
  private volatile boolean closed;

  private EnergyMeter(PowerConfig config, PowerSource source, List<SourceStatus> sources, int traceCapacity) {
    this.config = config;
    this.source = source;
    this.sources = List.copyOf(sources);
    this.traceCapacity = traceCapacity;
    this.poller = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread t = new Thread(runnable, "ffrtmp-power-poll");
      t.setDaemon(true);
      return t;
    });
    // Cancelled windows must not pile up in the queue of a meter that lives as long as the worker.
    poller.setRemoveOnCancelPolicy(true);
  }

  /**
   * Probes sources under the config: RAPL powercap zones if at least one energy_uj is readable, otherwise the
   * CPU-utilisation model. Blocking (file reads); never call on an event loop.
   *
   * @throws PowerUnavailableException when neither RAPL nor {@code <procRoot>/stat} can be read
   */
  public static EnergyMeter open(PowerConfig config) {
    return open(config, CounterReader.FILES, TraceBuffer.DEFAULT_CAPACITY);
  }

  static EnergyMeter open(PowerConfig config, CounterReader reader) {
    return open(config, reader, TraceBuffer.DEFAULT_CAPACITY);
  }

  static EnergyMeter open(PowerConfig config, CounterReader reader, int traceCapacity) {
    RaplDiscovery.Probe probe = RaplDiscovery.probe(config.powercapRoot(), reader);
    List<SourceStatus> statuses = new ArrayList<>(probe.statuses());
    if (!probe.scope().isEmpty()) {
      PowerSource rapl = new RaplSource(probe.scope(), reader);
      LOG.info("power: measuring RAPL zones {} under {}", rapl.zones(), config.powercapRoot());
      return new EnergyMeter(config, rapl, statuses, traceCapacity);
    }
    String statPath = config.procRoot().resolve("stat").toString();
    try {
      CpuModelSource model = CpuModelSource.open(config, reader);
      statuses.add(new SourceStatus(CpuModelSource.NAME, statPath, true,
          "used: no readable RAPL zone, so power is estimated from CPU utilisation", null));
      LOG.warn("power: no readable RAPL zone under {}; results are estimated ({})", config.powercapRoot(),
          model.model().basis());
      return new EnergyMeter(config, model, statuses, traceCapacity);
    } catch (IOException e) {
      statuses.add(new SourceStatus(CpuModelSource.NAME, statPath, false, "cannot read " + statPath + ": " + e,
          "mount procfs at " + config.procRoot() + " or set procRoot"));
      throw new PowerUnavailableException(statuses);
    }
  }

  /** "measured" or "estimated". */
  public String provenance() {
    return source.provenance();
  }

  /** "rapl-powercap" or "cpu-utilisation-model". */
  public String source() {
    return source.sourceName();
  }

  /** The zones summed into every result's total_joules. */
  public List<String> zones() {
    return source.zones();
  }

  /** Every source looked at, with state and, when unusable, the reason and the fix. */
  public List<SourceStatus> sources() {
    return sources;
  }

  public PowerConfig config() {
    return config;
  }

  /**
   * Begins a measurement window: reads every counter now, then polls every pollIntervalMs on the meter's daemon
   * thread. Several windows may be open at once; each keeps its own sums. Blocking.
   *
   * @throws UncheckedIOException when the first read fails, since a window without a start has no honest energy
   */
  public Measurement start() {
    if (closed) {
      throw new IllegalStateException("energy meter is closed");
    }
    PowerSource.Snapshot first;
    try {
      first = source.read();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start power measurement: first read of " + source.sourceName()
          + " failed", e);
    }
    MeterWindow window = new MeterWindow(source, first, config.pollIntervalMs(), traceCapacity);
    long interval = config.pollIntervalMs();
    // Fixed delay, not fixed rate: after a stall the poller must not fire a burst of near-zero intervals.
    window.attach(poller.scheduleWithFixedDelay(window::poll, interval, interval, TimeUnit.MILLISECONDS));
    return window;
  }

  /**
   * Blocking: measures for the given duration with nothing else started by us; returns the mean and standard
   * deviation of the per-poll-interval watts.
   *
   * @throws IllegalArgumentException when the duration is shorter than one poll interval
   */
  public IdleBaseline measureIdle(Duration duration) {
    if (duration.toMillis() < config.pollIntervalMs()) {
      throw new IllegalArgumentException("idle duration " + duration.toMillis() + " ms is shorter than the poll "
          + "interval " + config.pollIntervalMs() + " ms; no interval would complete");
    }
    MeterWindow window = (MeterWindow) start();
    EnergyResult result;
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      window.stop();
      throw new IllegalStateException("idle measurement interrupted", e);
    }
    result = window.stop();
    SummaryStatistics stats = window.intervalStatistics();
    if (stats.getN() == 0) {
      throw new IllegalStateException("no complete poll interval during the idle window (reads failed?)");
    }
    return new IdleBaseline(stats.getMean(), stats.getStandardDeviation(), (int) stats.getN(), result.durationMs(),
        result.provenance(), result.source());
  }

  /** Stops the poll thread. Open windows can still be stopped and give their result from the final read. */
  @Override
  public void close() {
    closed = true;
    poller.shutdownNow();
  }
}

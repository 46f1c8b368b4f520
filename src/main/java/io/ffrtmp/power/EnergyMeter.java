package io.ffrtmp.power;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a node's energy for as long as it is open, and over windows, split into scopes that each
 * have exactly one source so no device is counted twice: cpu from RAPL powercap counters, else RAPL
 * through the perf power PMU, else hwmon CPU energy, else a CPU-utilisation model; gpu from NVML
 * energy counters, else hwmon GPU sensors (amdgpu, i915, xe).
 *
 * <p>One reader: a daemon thread owned by the meter reads every source once per poll interval (1 s
 * by default) from open to close, and feeds each read to the node's own account ({@link
 * #reading()}, what /metrics publishes) and to every open window; a window's start and stop are
 * reads of the same kind, fed to all. So a counter is never read by two readers, and the node's
 * energy and a job's are integrals of the same reads. Every read blocks (sysfs files, NVML calls):
 * call open, start, stop, measureIdle and gpus from a worker thread, never from a Vert.x event
 * loop.
 */
public final class EnergyMeter implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EnergyMeter.class);

  private final PowerConfig config;
  private final ScopedSources source;
  private final List<SourceStatus> sources;
  private final Nvml nvml;

  /** Open perf fds of the cpu scope, or null; closed with the meter once no window is open. */
  private final PerfPowerSource perf;

  private final int traceCapacity;
  private final ScheduledThreadPoolExecutor poller;
  private final NodeMeter node;

  /** Held for every read and its distribution: one read at a time, fed to all in one order. */
  private final Object readLock = new Object();

  /**
   * NVML's device status (utilisation, clocks, temperature, memory, sessions) is read at most this
   * often by the node meter: a dozen NVML calls per GPU, where energy needs one; dashboards scrape
   * every 15 s or so, and NVML's utilisation is itself an average over its own sample period.
   */
  static final long GPU_STATUS_INTERVAL_NANOS = 5_000_000_000L;

  /** The node meter's last GPU status read and when; guarded by readLock. */
  private List<GpuStatus> gpuStatus = List.of();

  private long gpuStatusNanos;

  /** Open windows, in start order; guarded by readLock. */
  private final List<MeterWindow> windows = new ArrayList<>();

  private volatile boolean closed;

  /**
   * Windows started and not yet stopped; NVML is shut down only once the meter is closed and this
   * is zero.
   */
  private int openWindows;

  private EnergyMeter(
      PowerConfig config,
      ScopedSources source,
      List<SourceStatus> sources,
      Nvml nvml,
      PerfPowerSource perf,
      int traceCapacity,
      List<NodeReading.Source> examined,
      CounterReader reader) {
    this.config = config;
    this.perf = perf;
    this.source = source;
    this.sources = List.copyOf(sources);
    this.nvml = nvml;
    this.traceCapacity = traceCapacity;
    this.poller =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread t = new Thread(runnable, "ffrtmp-power-poll");
              t.setDaemon(true);
              return t;
            });
    this.node = new NodeMeter(source, examined, config.procRoot(), reader);
    long interval = config.pollIntervalMs();
    // Fixed delay, not fixed rate: after a stall the poller must not fire a burst of near-zero
    // intervals.
    // The first read now, on the opening thread, so the node's account starts at open.
    tick();
    poller.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * Probes sources under the config and picks one per scope: for cpu, RAPL powercap zones if at
   * least one energy_uj is readable, else hwmon CPU energy, else the CPU-utilisation model; for
   * gpu, NVML energy counters if the library loads and a GPU has one, else hwmon GPU sensors, else
   * no gpu scope. NVML is loaded here, not before. Blocking (file reads, dlopen); never call on an
   * event loop.
   *
   * @throws PowerUnavailableException when no cpu source, not even {@code <procRoot>/stat}, can be
   *     read
   */
  public static EnergyMeter open(PowerConfig config) {
    return open(config, CounterReader.FILES, TraceBuffer.DEFAULT_CAPACITY);
  }

  static EnergyMeter open(PowerConfig config, CounterReader reader, int traceCapacity) {
    return open(config, reader, traceCapacity, PerfCounters.SYSTEM);
  }

  static EnergyMeter open(
      PowerConfig config, CounterReader reader, int traceCapacity, PerfCounters perfCounters) {
    // Read before probing so a broken model file fails on every node, not only on the ones that
    // would use it.
    PowerModelFile calibrated =
        config.modelFile() == null ? null : PowerModelFile.read(config.modelFile());
    RaplDiscovery.Probe rapl = RaplDiscovery.probe(config.powercapRoot(), reader);
    HwmonDiscovery.Probe hwmon = HwmonDiscovery.probe(config.hwmonRoot(), reader);
    List<SourceStatus> statuses = new ArrayList<>(rapl.statuses());
    List<ScopedSources.Part> parts = new ArrayList<>();
    Map<HwmonChannel, String> hwmonLeftOut = new HashMap<>();

    List<HwmonChannel> hwmonCpu = hwmon.preferred(Scopes.CPU);
    PerfPowerDiscovery.Probe perfProbe =
        PerfPowerDiscovery.probe(config.perfRoot(), config.cpuRoot(), reader);
    PerfPowerSource perf = null;
    if (!rapl.scope().isEmpty()) {
      parts.add(new ScopedSources.Part(Scopes.CPU, new RaplSource(rapl.scope(), reader)));
      hwmonCpu.forEach(
          c -> hwmonLeftOut.put(c, "the cpu scope is measured by RAPL (one source per scope)"));
      statuses.add(
          notUsed(
              perfProbe.status(),
              "the cpu scope is measured by RAPL powercap (one source per scope)"));
      addUnusedModelFile(statuses, calibrated, "RAPL");
    } else if ((perf = openPerf(perfProbe, perfCounters, statuses)) != null) {
      parts.add(new ScopedSources.Part(Scopes.CPU, perf));
      hwmonCpu.forEach(
          c ->
              hwmonLeftOut.put(
                  c, "the cpu scope is measured by RAPL through perf (one source per " + "scope)"));
      addUnusedModelFile(statuses, calibrated, "RAPL through the perf power PMU");
    } else if (!hwmonCpu.isEmpty()) {
      parts.add(new ScopedSources.Part(Scopes.CPU, new HwmonSource(hwmonCpu, reader)));
      addUnusedModelFile(statuses, calibrated, "hwmon CPU energy");
    } else {
      String statPath = config.procRoot().resolve("stat").toString();
      try {
        CpuModelSource model = CpuModelSource.open(config, reader, calibrated);
        String detail =
            "used: no readable RAPL zone, perf power PMU or hwmon CPU energy, so power is estimated"
                + " from CPU utilisation";
        if (calibrated != null) {
          detail +=
              "; " + model.model().basis() + ", fit RMSE " + model.model().fitRmseWatts() + " W";
        }
        if (model.model().warning() != null) {
          detail += "; " + model.model().warning();
        }
        statuses.add(
            new SourceStatus(
                CpuModelSource.NAME,
                statPath,
                true,
                detail,
                null,
                Scopes.CPU,
                CpuModelSource.RESOLUTION));
        LOG.warn(
            "power: no readable RAPL zone under {}; CPU energy is estimated ({})",
            config.powercapRoot(),
            model.model().basis());
        parts.add(new ScopedSources.Part(Scopes.CPU, model));
      } catch (IOException e) {
        statuses.add(
            new SourceStatus(
                CpuModelSource.NAME,
                statPath,
                false,
                "cannot read " + statPath + ": " + e,
                "mount procfs at " + config.procRoot() + " or set procRoot",
                Scopes.CPU,
                null));
        statuses.addAll(hwmonStatuses(hwmon, hwmonLeftOut));
        if (perf != null) {
          perf.close();
        }
        throw new PowerUnavailableException(statuses);
      }
    }

    Nvml.Probe nvmlProbe = Nvml.probe(config.nvmlLibrary());
    statuses.addAll(nvmlProbe.statuses());
    Nvml nvml = nvmlProbe.nvml();
    NvmlSource nvmlSource = nvml == null ? null : new NvmlSource(nvml);
    List<HwmonChannel> hwmonGpu = hwmon.preferred(Scopes.GPU);
    if (nvmlSource != null && !nvmlSource.isEmpty()) {
      parts.add(new ScopedSources.Part(Scopes.GPU, nvmlSource));
      hwmonGpu.forEach(
          c -> hwmonLeftOut.put(c, "the gpu scope is measured by NVML (one source per scope)"));
    } else if (!hwmonGpu.isEmpty()) {
      parts.add(new ScopedSources.Part(Scopes.GPU, new HwmonSource(hwmonGpu, reader)));
    }
    statuses.addAll(hwmonStatuses(hwmon, hwmonLeftOut));

    ScopedSources chosen = new ScopedSources(parts);
    LOG.info(
        "power: measuring {} ({}), zones {}",
        chosen.sourceName(),
        chosen.provenance(),
        chosen.zones());
    List<NodeReading.Source> examined =
        examined(chosen, rapl, perfProbe, !hwmonCpu.isEmpty(), nvml, !hwmonGpu.isEmpty());
    return new EnergyMeter(config, chosen, statuses, nvml, perf, traceCapacity, examined, reader);
  }

  /**
   * Every source that does not measure its scope, in priority order, with why. A source that is
   * present but cannot be read is down (an up series at 0) only when its scope fell back to the
   * model: a measured fallback (RAPL through perf when energy_uj is root-only) is no outage.
   */
  private static List<NodeReading.Source> examined(
      ScopedSources chosen,
      RaplDiscovery.Probe rapl,
      PerfPowerDiscovery.Probe perf,
      boolean hwmonCpu,
      Nvml nvml,
      boolean hwmonGpu) {
    Map<String, String> used = new HashMap<>();
    chosen.parts().forEach(p -> used.put(p.scope(), p.source().sourceName()));
    String cpu = used.getOrDefault(Scopes.CPU, "");
    String gpu = used.getOrDefault(Scopes.GPU, "");
    boolean cpuEstimated = cpu.equals(CpuModelSource.NAME);
    List<NodeReading.Source> out = new ArrayList<>();
    if (!cpu.equals(RaplSource.NAME)) {
      boolean present = rapl.statuses().stream().anyMatch(st -> !st.name().equals(RaplSource.NAME));
      String unreadable =
          rapl.statuses().stream()
              .filter(st -> !st.name().equals(RaplSource.NAME) && !st.usable())
              .map(SourceStatus::detail)
              .findFirst()
              .orElse(null);
      out.add(candidate(Scopes.CPU, RaplSource.NAME, present, unreadable, cpuEstimated));
    }
    if (!cpu.equals(PerfPowerSource.NAME)) {
      SourceStatus st = perf.status();
      boolean present = st.usable() || !st.detail().startsWith("no power PMU");
      out.add(
          candidate(
              Scopes.CPU,
              PerfPowerSource.NAME,
              present,
              st.usable() ? null : st.detail(),
              cpuEstimated));
    }
    if (!cpu.startsWith("hwmon")) {
      out.add(candidate(Scopes.CPU, "hwmon", hwmonCpu, null, false));
    }
    if (!cpuEstimated) {
      out.add(
          new NodeReading.Source(
              Scopes.CPU,
              CpuModelSource.NAME,
              NodeReading.State.UNUSED,
              NodeReading.Reason.ONE_SOURCE_PER_SCOPE,
              null));
    }
    if (!gpu.equals(NvmlSource.NAME)) {
      out.add(
          new NodeReading.Source(
              Scopes.GPU,
              NvmlSource.NAME,
              NodeReading.State.UNUSED,
              nvml == null ? NodeReading.Reason.NOT_FOUND : NodeReading.Reason.UNSUPPORTED,
              null));
    }
    if (!gpu.startsWith("hwmon")) {
      out.add(candidate(Scopes.GPU, "hwmon", hwmonGpu, null, false));
    }
    return out;
  }

  private static NodeReading.Source candidate(
      String scope, String name, boolean present, String unreadable, boolean scopeEstimated) {
    if (!present) {
      return new NodeReading.Source(
          scope, name, NodeReading.State.UNUSED, NodeReading.Reason.NOT_FOUND, null);
    }
    if (unreadable != null) {
      NodeReading.Reason why = NodeReading.Reason.of(unreadable);
      return scopeEstimated
          ? new NodeReading.Source(scope, name, NodeReading.State.DOWN, why, false)
          : new NodeReading.Source(scope, name, NodeReading.State.UNUSED, why, null);
    }
    return new NodeReading.Source(
        scope, name, NodeReading.State.UNUSED, NodeReading.Reason.ONE_SOURCE_PER_SCOPE, null);
  }

  /** Opens the perf power counters when the probe found some; adds the status either way. */
  private static PerfPowerSource openPerf(
      PerfPowerDiscovery.Probe probe, PerfCounters counters, List<SourceStatus> statuses) {
    // The kernel's own counters are checked for life (a virtual machine may expose the PMU and
    // never count); a test's fake counts only what the test feeds it.
    PerfPowerSource.Opened opened =
        PerfPowerSource.open(
            probe,
            counters,
            counters == PerfCounters.SYSTEM ? PerfPowerSource.LIVENESS : java.time.Duration.ZERO);
    SourceStatus s = opened.status();
    if (opened.source() != null) {
      s =
          new SourceStatus(
              s.name(),
              s.path(),
              true,
              "used: no readable powercap zone; " + s.detail(),
              null,
              s.scope(),
              s.resolution());
    }
    statuses.add(s);
    return opened.source();
  }

  private static SourceStatus notUsed(SourceStatus s, String why) {
    if (!s.usable()) {
      return s;
    }
    return new SourceStatus(
        s.name(),
        s.path(),
        true,
        "not used: " + why + "; " + s.detail(),
        null,
        s.scope(),
        s.resolution());
  }

  private static void addUnusedModelFile(
      List<SourceStatus> statuses, PowerModelFile calibrated, String measuredBy) {
    if (calibrated != null) {
      statuses.add(
          new SourceStatus(
              "power-model-file",
              calibrated.file().toString(),
              true,
              "not used: the cpu scope is measured by "
                  + measuredBy
                  + "; a model only stands in where nothing measures",
              null,
              Scopes.CPU,
              null));
    }
  }

  private static List<SourceStatus> hwmonStatuses(
      HwmonDiscovery.Probe hwmon, Map<HwmonChannel, String> leftOut) {
    List<SourceStatus> statuses = new ArrayList<>(hwmon.statuses());
    for (HwmonChannel c : hwmon.channels()) {
      String reason;
      if (!c.preferred()) {
        reason = HwmonDiscovery.notPreferredReason(c);
      } else if (c.scope().equals(Scopes.PLATFORM)) {
        reason =
            "driver '"
                + c.driver()
                + "' is a whole-board or unknown meter that overlaps the cpu and gpu "
                + "scopes";
      } else {
        reason = leftOut.get(c);
      }
      statuses.add(c.status(reason));
    }
    return statuses;
  }

  /** "measured" or "estimated". */
  public String provenance() {
    return source.provenance();
  }

  /** The scope sources joined by "+", e.g. "rapl-powercap" or "rapl-powercap+nvml-energy". */
  public String source() {
    return source.sourceName();
  }

  /** The zones summed into every result's total_joules, all scopes. */
  public List<String> zones() {
    return source.zones();
  }

  /** Every source looked at, with state and, when unusable, the reason and the fix. */
  public List<SourceStatus> sources() {
    return sources;
  }

  /** The source chosen for a scope ("cpu", "gpu"); null when nothing measures that scope. */
  PowerSource scopeSource(String scope) {
    return source.parts().stream()
        .filter(p -> p.scope().equals(scope))
        .map(ScopedSources.Part::source)
        .findFirst()
        .orElse(null);
  }

  public PowerConfig config() {
    return config;
  }

  /**
   * Status of every NVIDIA GPU NVML enumerated, read now (utilisation, clocks, temperature, memory,
   * encoder sessions); empty when NVML is not loaded or the meter is closed. GPUs measured through
   * hwmon are not listed. Blocking (NVML calls of a few ms); never call on an event loop.
   */
  public List<GpuStatus> gpus() {
    synchronized (this) {
      if (nvml == null || (closed && openWindows == 0)) {
        return List.of();
      }
      return nvml.gpus();
    }
  }

  /**
   * Begins a measurement window: reads every counter now, then polls every pollIntervalMs on the
   * meter's daemon thread. Several windows may be open at once; each keeps its own sums. Blocking.
   *
   * @throws UncheckedIOException when the first read fails, since a window without a start has no
   *     honest energy
   */
  public Measurement start() {
    if (closed) {
      throw new IllegalStateException("energy meter is closed");
    }
    synchronized (readLock) {
      Read read = read();
      if (read.failure() != null) {
        throw new UncheckedIOException(
            "cannot start power measurement: first read of " + source.sourceName() + " failed",
            read.failure());
      }
      synchronized (this) {
        openWindows++;
      }
      MeterWindow window =
          new MeterWindow(
              source, read.joined(), config.pollIntervalMs(), traceCapacity, this::stop);
      windows.add(window);
      return window;
    }
  }

  /** A read of every scope: the joined snapshot, or the first scope's failure. */
  private record Read(PowerSource.Snapshot joined, IOException failure) {}

  /**
   * Reads every scope once, feeds each scope's read to the node's account and, when all scopes
   * read, the joined snapshot to every open window. Under readLock.
   */
  private Read read() {
    List<ScopedSources.Part> parts = source.parts();
    List<PowerSource.Snapshot> snapshots = new ArrayList<>(parts.size());
    IOException failure = null;
    for (int i = 0; i < parts.size(); i++) {
      try {
        PowerSource.Snapshot s = parts.get(i).source().read();
        node.accept(i, s);
        snapshots.add(s);
      } catch (IOException | RuntimeException e) {
        node.failed(i, e);
        if (failure == null) {
          failure =
              e instanceof IOException io
                  ? io
                  : new IOException(parts.get(i).source().sourceName() + ": " + e, e);
        }
      }
    }
    node.counted(failure == null);
    PowerSource.Snapshot joined = failure == null ? ScopedSources.join(snapshots) : null;
    for (MeterWindow w : windows) {
      if (joined != null) {
        w.accept(joined);
      } else {
        w.readFailed(failure);
      }
    }
    node.publish();
    return new Read(joined, failure);
  }

  /** The poll thread's read, once per poll interval. Never throws: the schedule must go on. */
  private void tick() {
    try {
      synchronized (readLock) {
        read();
        for (MeterWindow w : windows) {
          w.readGpuProcesses();
        }
        long now = System.nanoTime();
        if (gpuStatusNanos == 0 || now - gpuStatusNanos >= GPU_STATUS_INTERVAL_NANOS) {
          gpuStatus = gpus();
          gpuStatusNanos = now;
        }
        node.tick(gpuStatus);
        node.publish();
      }
    } catch (RuntimeException e) {
      LOG.warn("power: node meter tick failed: {}", e.toString());
    }
  }

  /** A window's end: the final read, fed to every window, then this one's result. */
  private EnergyResult stop(MeterWindow window) {
    EnergyResult result;
    synchronized (readLock) {
      result = window.result();
      if (result != null) {
        return result;
      }
      read();
      windows.remove(window);
      result = window.finish();
    }
    windowStopped();
    return result;
  }

  /**
   * The node's energy per zone since the meter opened, power over the last second, and every
   * source's state: what the node's /metrics publishes. Does not block.
   */
  public NodeReading reading() {
    return node.reading();
  }

  /**
   * Blocking: measures for the given duration with nothing else started by us; returns the mean and
   * standard deviation of the per-poll-interval watts.
   *
   * @throws IllegalArgumentException when the duration is shorter than one poll interval
   */
  public IdleBaseline measureIdle(Duration duration) {
    if (duration.toMillis() < config.pollIntervalMs()) {
      throw new IllegalArgumentException(
          "idle duration "
              + duration.toMillis()
              + " ms is shorter than the poll "
              + "interval "
              + config.pollIntervalMs()
              + " ms; no interval would complete");
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
      throw new IllegalStateException(
          "no complete poll interval during the idle window (reads failed?)");
    }
    return new IdleBaseline(
        stats.getMean(),
        stats.getStandardDeviation(),
        (int) stats.getN(),
        result.durationMs(),
        result.provenance(),
        result.source());
  }

  private synchronized void windowStopped() {
    openWindows--;
    if (closed && openWindows == 0) {
      releaseNative();
    }
  }

  private void releaseNative() {
    if (nvml != null) {
      nvml.close();
    }
    if (perf != null) {
      perf.close();
    }
  }

  /**
   * Stops the poll thread. Open windows can still be stopped and give their result from the final
   * read; NVML is shut down once the last of them has stopped.
   */
  @Override
  public void close() {
    poller.shutdownNow();
    synchronized (this) {
      closed = true;
      if (openWindows == 0) {
        releaseNative();
      }
    }
  }
}

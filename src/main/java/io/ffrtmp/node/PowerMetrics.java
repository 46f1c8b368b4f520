package io.ffrtmp.node;

import io.ffrtmp.hardware.CpuFacts;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.GpuStatus;
import io.ffrtmp.power.NodeReading;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The node's power families, built at each scrape from the meter's last published reading (no read,
 * no lock, a few dozen series): energy counters and power gauges per zone, each source's state, CPU
 * and GPU utilisation, and the hardware facts. A zone whose source cannot be read has no series at
 * all, so no dashboard can draw it as 0 W; its source's {@code up} is 0.
 *
 * <p>A collector rather than Micrometer meters because the set of series changes with the sources'
 * state, and the counter must be the meter's own integral (a Micrometer counter can only be
 * incremented).
 */
public final class PowerMetrics implements MultiCollector {

  private final Supplier<EnergyMeter> meter;
  private final Labels node;

  private PowerMetrics(Supplier<EnergyMeter> meter, Labels node) {
    this.meter = meter;
    this.node = node;
  }

  /**
   * Adds the families to a node's registry. {@code meter} may answer null until the worker has
   * opened it; the families are absent until then.
   */
  public static PowerMetrics register(
      PrometheusMeterRegistry registry,
      Supplier<EnergyMeter> meter,
      String nodeId,
      String role,
      CpuFacts cpu) {
    String version = PowerMetrics.class.getPackage().getImplementationVersion();
    Labels node =
        Labels.of(
            "node",
            nodeId,
            "role",
            role,
            "version",
            version == null ? "development" : version,
            "cpu_model",
            cpu.model(),
            "sockets",
            String.valueOf(cpu.sockets()),
            "cores",
            String.valueOf(cpu.physicalCores()),
            "threads",
            String.valueOf(cpu.threads()));
    PowerMetrics m = new PowerMetrics(meter, node);
    registry.getPrometheusRegistry().register(m);
    return m;
  }

  @Override
  public MetricSnapshots collect() {
    EnergyMeter m = meter.get();
    if (m == null) {
      return new MetricSnapshots();
    }
    NodeReading r = m.reading();
    List<MetricSnapshot> out = new ArrayList<>();

    CounterSnapshot.Builder energy =
        CounterSnapshot.builder()
            .name("ffrtmp_node_energy_joules")
            .help(
                "Energy since the node started, per zone: the integral of the hardware counter"
                    + " (wraps unwrapped) or of the model; rate() it for watts");
    GaugeSnapshot.Builder watts =
        GaugeSnapshot.builder()
            .name("ffrtmp_node_power_watts")
            .help("Power per zone over the last meter interval");
    boolean anyWatts = false;
    for (NodeReading.Zone z : r.zones()) {
      Labels l =
          Labels.of(
              "provenance",
              z.provenance(),
              "scope",
              z.scope(),
              "source",
              z.source(),
              "zone",
              z.zone());
      energy.dataPoint(CounterDataPointSnapshot.builder().labels(l).value(z.joules()).build());
      if (z.watts() != null) {
        watts.dataPoint(GaugeDataPointSnapshot.builder().labels(l).value(z.watts()).build());
        anyWatts = true;
      }
    }
    if (!r.zones().isEmpty()) {
      out.add(energy.build());
    }
    if (anyWatts) {
      out.add(watts.build());
    }

    GaugeSnapshot.Builder up =
        GaugeSnapshot.builder()
            .name("ffrtmp_power_source_up")
            .help(
                "1 while a power source that measures (or should measure) its scope reads, 0 when"
                    + " it cannot be read");
    InfoSnapshot.Builder sources =
        InfoSnapshot.builder()
            .name("ffrtmp_power_source")
            .help("Every power source examined: used, unused or down, and why");
    boolean anyUp = false;
    for (NodeReading.Source s : r.sources()) {
      if (s.up() != null) {
        up.dataPoint(
            GaugeDataPointSnapshot.builder()
                .labels(Labels.of("scope", s.scope(), "source", s.source()))
                .value(s.up() ? 1 : 0)
                .build());
        anyUp = true;
      }
      sources.dataPoint(
          InfoDataPointSnapshot.builder()
              .labels(
                  Labels.of(
                      "reason",
                      s.reason().id(),
                      "scope",
                      s.scope(),
                      "source",
                      s.source(),
                      "state",
                      s.state().id()))
              .build());
    }
    if (anyUp) {
      out.add(up.build());
    }
    out.add(sources.build());
    out.add(gauge("ffrtmp_node_power_estimated", "1 when any scope is estimated", r.estimated()));
    out.add(
        CounterSnapshot.builder()
            .name("ffrtmp_node_meter_reads")
            .help("Reads of the node's power meter")
            .dataPoint(CounterDataPointSnapshot.builder().value(r.reads()).build())
            .build());
    out.add(
        CounterSnapshot.builder()
            .name("ffrtmp_node_meter_read_failures")
            .help("Reads of the node's power meter in which a scope could not be read")
            .dataPoint(CounterDataPointSnapshot.builder().value(r.readFailures()).build())
            .build());
    if (r.cpuUtilisation() != null) {
      out.add(
          GaugeSnapshot.builder()
              .name("ffrtmp_node_cpu_utilisation_ratio")
              .help("Busy share of all CPUs over the last meter interval")
              .dataPoint(GaugeDataPointSnapshot.builder().value(r.cpuUtilisation()).build())
              .build());
    }
    out.add(
        InfoSnapshot.builder()
            .name("ffrtmp_node")
            .help("The node's hardware facts")
            .dataPoint(
                InfoDataPointSnapshot.builder()
                    .labels(node.add("gpus", String.valueOf(r.gpus().size())))
                    .build())
            .build());
    if (!r.gpus().isEmpty()) {
      gpus(r.gpus(), out);
    }
    return new MetricSnapshots(out);
  }

  private static GaugeSnapshot gauge(String name, String help, boolean value) {
    return GaugeSnapshot.builder()
        .name(name)
        .help(help)
        .dataPoint(GaugeDataPointSnapshot.builder().value(value ? 1 : 0).build())
        .build();
  }

  /** NVML's view of each GPU; a reading NVML does not give has no series (never 0). */
  private static void gpus(List<GpuStatus> gpus, List<MetricSnapshot> out) {
    GaugeSnapshot.Builder util =
        GaugeSnapshot.builder()
            .name("ffrtmp_gpu_utilisation_ratio")
            .help("GPU utilisation by engine (NVML)");
    GaugeSnapshot.Builder clocks =
        GaugeSnapshot.builder().name("ffrtmp_gpu_clock_hertz").help("GPU clocks (NVML)");
    InfoSnapshot.Builder info = InfoSnapshot.builder().name("ffrtmp_gpu").help("The GPU's model");
    List<GaugeSnapshot.Builder> plain = new ArrayList<>();
    GaugeSnapshot.Builder temp =
        GaugeSnapshot.builder()
            .name("ffrtmp_gpu_temperature_celsius")
            .help("GPU temperature (NVML)");
    GaugeSnapshot.Builder used =
        GaugeSnapshot.builder().name("ffrtmp_gpu_memory_used_bytes").help("GPU memory in use");
    GaugeSnapshot.Builder total =
        GaugeSnapshot.builder().name("ffrtmp_gpu_memory_total_bytes").help("GPU memory");
    GaugeSnapshot.Builder sessions =
        GaugeSnapshot.builder()
            .name("ffrtmp_gpu_encoder_sessions")
            .help("Active NVENC sessions, any process");
    int[] counts = new int[6];
    for (GpuStatus g : gpus) {
      Labels gpu = Labels.of("gpu", String.valueOf(g.index()));
      info.dataPoint(
          InfoDataPointSnapshot.builder()
              .labels(gpu.add("name", g.name() == null ? "unknown" : g.name()))
              .build());
      counts[0] += point(util, gpu.add("engine", "sm"), g.smPercent(), p -> p / 100.0);
      counts[0] += point(util, gpu.add("engine", "encoder"), g.encoderPercent(), p -> p / 100.0);
      counts[0] += point(util, gpu.add("engine", "decoder"), g.decoderPercent(), p -> p / 100.0);
      counts[1] += point(clocks, gpu.add("clock", "graphics"), g.graphicsClockMhz(), MHZ);
      counts[1] += point(clocks, gpu.add("clock", "sm"), g.smClockMhz(), MHZ);
      counts[1] += point(clocks, gpu.add("clock", "memory"), g.memoryClockMhz(), MHZ);
      counts[1] += point(clocks, gpu.add("clock", "video"), g.videoClockMhz(), MHZ);
      counts[2] += point(temp, gpu, g.temperatureC(), Integer::doubleValue);
      counts[3] += point(used, gpu, g.memoryUsedBytes(), Long::doubleValue);
      counts[4] += point(total, gpu, g.memoryTotalBytes(), Long::doubleValue);
      counts[5] += point(sessions, gpu, g.encoderSessions(), Integer::doubleValue);
    }
    out.add(info.build());
    plain.add(util);
    plain.add(clocks);
    plain.add(temp);
    plain.add(used);
    plain.add(total);
    plain.add(sessions);
    for (int i = 0; i < plain.size(); i++) {
      if (counts[i] > 0) {
        out.add(plain.get(i).build());
      }
    }
  }

  private static final Function<Integer, Double> MHZ = mhz -> mhz * 1e6;

  private static <T> int point(
      GaugeSnapshot.Builder family, Labels labels, T value, Function<T, Double> unit) {
    if (value == null) {
      return 0;
    }
    family.dataPoint(
        GaugeDataPointSnapshot.builder().labels(labels).value(unit.apply(value)).build());
    return 1;
  }
}

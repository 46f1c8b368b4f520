package io.ffrtmp.power;

import io.ffrtmp.hardware.HardwareProbe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Estimates machine power from CPU utilisation where no sensor can be read: P = idle + u x (max -
 * idle), with u the busy share of all jiffies over each poll interval, integrated over the
 * intervals. Utilisation-only models cannot tell encoder presets apart that keep all cores busy,
 * which is why results carry provenance "estimated".
 */
final class CpuModelSource implements PowerSource {

  static final String NAME = "cpu-utilisation-model";
  static final String MODEL_NAME = "linear-cpu-utilisation";
  static final String ZONE = "cpu-model";
  static final String RESOLUTION =
      "estimate: linear model of CPU utilisation from /proc/stat jiffies (10 ms ticks) "
          + "per poll interval";

  /** Cloud Carbon Footprint, AWS average per vCPU (AwsFootprintEstimationConstants.ts). */
  static final double DEFAULT_IDLE_WATTS_PER_CPU = 0.74;

  static final double DEFAULT_MAX_WATTS_PER_CPU = 3.5;
  static final String DEFAULT_BASIS =
      "Cloud Carbon Footprint AWS averages: 0.74 W idle, 3.5 W at full load per "
          + "logical CPU (packages/aws/src/domain/AwsFootprintEstimationConstants.ts)";

  private final Path statFile;
  private final CounterReader reader;
  private final ModelParams params;

  private CpuModelSource(Path statFile, CounterReader reader, ModelParams params) {
    this.statFile = statFile;
    this.reader = reader;
    this.params = params;
  }

  static CpuModelSource open(PowerConfig config, CounterReader reader) throws IOException {
    return open(config, reader, null);
  }

  /**
   * @param calibrated the model file named by the config, already read and checked; null when none
   *     is configured
   */
  static CpuModelSource open(PowerConfig config, CounterReader reader, PowerModelFile calibrated)
      throws IOException {
    Path statFile = config.procRoot().resolve("stat");
    ProcStat stat = ProcStat.read(statFile, reader);
    int cpus =
        stat.logicalCpus() > 0 ? stat.logicalCpus() : Runtime.getRuntime().availableProcessors();
    if (calibrated != null) {
      return new CpuModelSource(
          statFile,
          reader,
          calibratedParams(
              calibrated, cpus, HardwareProbe.procOnly(config.procRoot()).cpu().model()));
    }
    double idle =
        config.modelIdleWatts() != null
            ? config.modelIdleWatts()
            : DEFAULT_IDLE_WATTS_PER_CPU * cpus;
    double max =
        config.modelMaxWatts() != null ? config.modelMaxWatts() : DEFAULT_MAX_WATTS_PER_CPU * cpus;
    if (idle > max) {
      throw new IllegalArgumentException(
          "model idle watts "
              + idle
              + " exceed max watts "
              + max
              + " (one end configured, the other from the per-CPU default)");
    }
    String basis;
    if (config.modelIdleWatts() != null && config.modelMaxWatts() != null) {
      basis = "configured";
    } else if (config.modelIdleWatts() == null && config.modelMaxWatts() == null) {
      basis = DEFAULT_BASIS;
    } else {
      basis =
          (config.modelIdleWatts() != null ? "idle_watts configured" : "max_watts configured")
              + "; the other from "
              + DEFAULT_BASIS;
    }
    return new CpuModelSource(
        statFile, reader, new ModelParams(MODEL_NAME, idle, max, cpus, basis));
  }

  /**
   * The file's whole-machine watts with its fit error. A file from other hardware is still used (it
   * is closer than the published averages when the parts are similar) but says so in every
   * estimate.
   */
  static ModelParams calibratedParams(PowerModelFile file, int logicalCpus, String cpuModel) {
    String basis =
        "calibrated on " + file.cpuModel() + " " + file.createdAt() + " (" + file.file() + ")";
    return new ModelParams(
        MODEL_NAME,
        file.idleWatts(),
        file.maxWatts(),
        logicalCpus,
        basis,
        file.rmseWatts(),
        file.r2(),
        hardwareDifference(file, logicalCpus, cpuModel));
  }

  /**
   * "calibrated on different hardware: ..." naming what differs, or null when CPU model and count
   * match.
   */
  static String hardwareDifference(PowerModelFile file, int logicalCpus, String cpuModel) {
    List<String> differences = new ArrayList<>();
    if (file.logicalCpus() != logicalCpus) {
      differences.add(file.logicalCpus() + " logical CPUs there, " + logicalCpus + " here");
    }
    if (!file.cpuModel().equals(cpuModel)) {
      differences.add("'" + file.cpuModel() + "' there, '" + cpuModel + "' here");
    }
    return differences.isEmpty()
        ? null
        : "calibrated on different hardware: " + String.join("; ", differences);
  }

  Path statFile() {
    return statFile;
  }

  @Override
  public String provenance() {
    return ESTIMATED;
  }

  @Override
  public String sourceName() {
    return NAME;
  }

  @Override
  public List<String> zones() {
    return List.of(ZONE);
  }

  @Override
  public ModelParams model() {
    return params;
  }

  @Override
  public Snapshot read() throws IOException {
    long before = System.nanoTime();
    ProcStat stat = ProcStat.read(statFile, reader);
    long after = System.nanoTime();
    return new Snapshot(
        before + (after - before) / 2, new long[] {stat.busyJiffies(), stat.idleJiffies()});
  }

  @Override
  public Integrator newIntegrator() {
    return new Integrator() {
      // Jiffies tick every 10 ms per CPU; an interval with no tick at all (a short final interval)
      // reuses the
      // utilisation of the interval before it. Before any tick is seen, the machine counts as idle.
      private double lastUtilisation = 0.0;

      @Override
      public double[] joules(Snapshot prev, Snapshot cur) {
        double share =
            ProcStat.busyShare(
                cur.values()[0] - prev.values()[0], cur.values()[1] - prev.values()[1]);
        if (!Double.isNaN(share)) {
          lastUtilisation = share;
        }
        double watts =
            params.idleWatts() + lastUtilisation * (params.maxWatts() - params.idleWatts());
        double seconds = (cur.nanoTime() - prev.nanoTime()) / 1e9;
        return new double[] {watts * seconds};
      }
    };
  }
}

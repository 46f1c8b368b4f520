package io.ffrtmp.power;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;

/**
 * The load ladder behind {@code ffrtmp calibrate}: for each level, busy-loop threads on every
 * logical CPU at that duty cycle while the cpu scope's own energy counters are read; then a
 * least-squares line of watts over the utilisation /proc/stat saw (not the level asked for, because
 * other processes and the scheduler decide what the CPUs really did). Blocking for levels x step;
 * never call on an event loop.
 */
public final class PowerCalibration {

  public static final String NO_ENERGY_SOURCE =
      "calibration needs a real energy source (RAPL); this node has none "
          + "— run calibrate on a node of the same hardware that has one and copy the model file";

  /**
   * Below this spread of utilisation the slope is mostly noise, so full-load watts would be a
   * guess.
   */
  static final double MIN_UTILISATION_SPAN = 0.2;

  /** Time for the load threads to be scheduled and clocks to settle before a step's reads begin. */
  static final Duration SETTLE = Duration.ofMillis(250);

  /** Length of the sub-windows whose averages give a step's spread. */
  static final Duration SUB_WINDOW = Duration.ofSeconds(1);

  private PowerCalibration() {}

  /**
   * Runs the ladder and fits the model; nothing is written.
   *
   * @param levelsPercent duty cycles, each 0..100, at least two different ones
   * @param step time measured at each level, at least one second
   * @param cpuModel this node's CPU model name, recorded so other nodes can tell whether the file
   *     fits them
   * @param progress told each point as it completes (for a progress line)
   * @throws CalibrationRefusedException when the cpu scope is not measured, or the run gives no
   *     usable line
   */
  public static PowerModelFile run(
      PowerConfig config,
      List<Integer> levelsPercent,
      Duration step,
      String cpuModel,
      Consumer<CalibrationPoint> progress) {
    if (levelsPercent.stream().distinct().count() < 2) {
      throw new IllegalArgumentException(
          "levels need at least two different values, got " + levelsPercent);
    }
    if (levelsPercent.stream().anyMatch(l -> l < 0 || l > 100)) {
      throw new IllegalArgumentException("levels must be 0..100 percent, got " + levelsPercent);
    }
    if (step.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "step must be at least 1 s, got " + step.toMillis() + " ms");
    }
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      PowerSource cpu = meter.scopeSource(Scopes.CPU);
      if (cpu == null || !PowerSource.MEASURED.equals(cpu.provenance())) {
        throw new CalibrationRefusedException(NO_ENERGY_SOURCE);
      }
      Path statFile = config.procRoot().resolve("stat");
      int cpus = readStat(statFile).logicalCpus();
      int threads = cpus > 0 ? cpus : Runtime.getRuntime().availableProcessors();
      List<CalibrationPoint> points = new ArrayList<>();
      for (int level : levelsPercent) {
        CalibrationPoint point = step(meter, statFile, threads, level, step);
        points.add(point);
        progress.accept(point);
      }
      LinearFit fit = fit(points);
      return new PowerModelFile(
          fit.idleWatts(),
          fit.maxWatts(),
          fit.r2(),
          fit.rmseWatts(),
          fit.maxAbsErrorWatts(),
          points,
          cpu.sourceName(),
          cpu.zones(),
          cpuModel,
          threads,
          Instant.now().truncatedTo(ChronoUnit.SECONDS),
          null);
    } catch (PowerUnavailableException e) {
      throw new CalibrationRefusedException(NO_ENERGY_SOURCE + " (" + e.getMessage() + ")");
    }
  }

  /**
   * The line through the points, refused when the points cannot support one a reader should trust.
   */
  static LinearFit fit(List<CalibrationPoint> points) {
    double lowest = points.stream().mapToDouble(CalibrationPoint::utilisation).min().orElseThrow();
    double highest = points.stream().mapToDouble(CalibrationPoint::utilisation).max().orElseThrow();
    if (highest - lowest < MIN_UTILISATION_SPAN) {
      throw new CalibrationRefusedException(
          String.format(
              "utilisation only spanned %.2f..%.2f (need %.2f): other processes kept the CPUs busy,"
                  + " or the load could not run; calibrate on an otherwise idle machine",
              lowest, highest, MIN_UTILISATION_SPAN));
    }
    LinearFit fit =
        LinearFit.of(
            points.stream().mapToDouble(CalibrationPoint::utilisation).toArray(),
            points.stream().mapToDouble(CalibrationPoint::watts).toArray());
    if (fit.slopeWatts() <= 0 || fit.idleWatts() < 0) {
      throw new CalibrationRefusedException(
          String.format(
              "the fit is not physical (idle %.2f W, full load %.2f W): power must rise with load"
                  + " from a non-negative idle; check that the energy source covers the CPUs and"
                  + " run calibrate again on an idle machine",
              fit.idleWatts(), fit.maxWatts()));
    }
    return fit;
  }

  private static CalibrationPoint step(
      EnergyMeter meter, Path statFile, int threads, int level, Duration step) {
    try (DutyCycleLoad load = DutyCycleLoad.start(threads, level)) {
      sleep(SETTLE);
      ProcStat before = readStat(statFile);
      SummaryStatistics windowWatts = new SummaryStatistics();
      double joules = 0;
      double seconds = 0;
      Duration left = step;
      // Consecutive short windows rather than one: their spread is the point's sd, and each reports
      // the cpu scope
      // alone, so a GPU sensor on the same meter cannot leak into the line.
      while (!left.isZero() && !left.isNegative()) {
        Duration window = left.compareTo(SUB_WINDOW) < 0 ? left : SUB_WINDOW;
        Measurement m = meter.start();
        sleep(window);
        EnergyResult r = m.stop();
        double cpuJoules =
            r.scopes().stream()
                .filter(s -> s.scope().equals(Scopes.CPU))
                .mapToDouble(ScopeEnergy::joules)
                .sum();
        double windowSeconds = r.durationMs() / 1000.0;
        if (windowSeconds > 0) {
          joules += cpuJoules;
          seconds += windowSeconds;
          windowWatts.addValue(cpuJoules / windowSeconds);
        }
        left = left.minus(window);
      }
      ProcStat after = readStat(statFile);
      double utilisation = after.utilisationSince(before);
      if (Double.isNaN(utilisation) || seconds == 0) {
        throw new CalibrationRefusedException(
            "no CPU time or no energy was recorded during the "
                + level
                + " % step: "
                + statFile
                + " did not advance or every counter read failed");
      }
      return new CalibrationPoint(
          level, utilisation, joules / seconds, windowWatts.getStandardDeviation());
    }
  }

  private static ProcStat readStat(Path statFile) {
    try {
      return ProcStat.read(statFile, CounterReader.FILES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("calibration interrupted", e);
    }
  }
}

package io.ffrtmp.worker;

import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.Measurement;
import io.ffrtmp.power.ProcStat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * The energy window around one encode, whatever engine runs it: the meter's measurement, the node's
 * CPU time at both ends (what attribution divides by) and the window's place among the node's
 * overlapping windows. Opened and closed from the worker's context; the meter and /proc reads go
 * through worker threads.
 */
final class EncodeWindow {

  /**
   * What the window saw. {@code energy} is the meter's node-level result, null when the window
   * could not be closed; {@code shared} whether another job's window overlapped it.
   */
  record Figures(JsonObject energy, boolean shared, double nodeBusyCpuS) {}

  private final Vertx vertx;
  private final EnergyWindows windows;
  private final Path procRoot;
  private final Measurement measurement;
  private final ProcStat cpuAtStart;
  private final EnergyWindows.Window window;
  private JsonObject energy;
  private ProcStat cpuAtEnd;

  private EncodeWindow(
      Vertx vertx,
      EnergyWindows windows,
      Path procRoot,
      Measurement measurement,
      ProcStat cpuAtStart,
      EnergyWindows.Window window) {
    this.vertx = vertx;
    this.windows = windows;
    this.procRoot = procRoot;
    this.measurement = measurement;
    this.cpuAtStart = cpuAtStart;
    this.window = window;
  }

  private record Opening(Measurement measurement, ProcStat cpuAtStart) {}

  /** Reads the node's CPU time, starts the meter, then takes its place among the open windows. */
  static Future<EncodeWindow> open(
      Vertx vertx, EnergyMeter meter, EnergyWindows windows, Path procRoot) {
    return vertx
        .executeBlocking(
            () -> {
              ProcStat cpu = ProcStat.read(procRoot);
              return new Opening(meter.start(), cpu);
            })
        .map(
            o ->
                new EncodeWindow(
                    vertx, windows, procRoot, o.measurement(), o.cpuAtStart(), windows.open()));
  }

  Measurement measurement() {
    return measurement;
  }

  /**
   * Follows the encoding process on the GPUs (NVML's per-process utilisation is looked up by pid).
   */
  void track(long pid) {
    measurement.trackProcess(pid);
  }

  /**
   * Stops the meter and reads the node's CPU time once more, then leaves the open windows. A meter
   * that cannot stop leaves {@link Figures#energy()} null; the returned future fails then, and the
   * window is left all the same.
   */
  Future<Void> close() {
    return vertx
        .<Void>executeBlocking(
            () -> {
              energy = measurement.stop().toJson();
              cpuAtEnd = ProcStat.read(procRoot);
              return null;
            })
        .andThen(ar -> windows.close(window));
  }

  Figures figures() {
    return new Figures(energy, window.shared(), EnergyFigures.nodeBusyCpuS(cpuAtStart, cpuAtEnd));
  }
}

package io.ffrtmp.power;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the meter looks and how often it polls. Every path is configurable so tests can point the meter at fake
 * sysfs and procfs trees.
 *
 * @param powercapRoot   powercap class directory, normally {@code /sys/class/powercap}
 * @param procRoot       procfs mount, normally {@code /proc}; only {@code <procRoot>/stat} is read
 * @param pollIntervalMs time between counter reads inside a window; 1000 ms keeps read cost negligible and is far
 *                       below the shortest RAPL wrap period (about 164 s on AMD at 400 W)
 * @param modelIdleWatts whole-machine idle power for the CPU model; null uses 0.74 W per logical CPU
 * @param modelMaxWatts  whole-machine full-load power for the CPU model; null uses 3.5 W per logical CPU
 */
public record PowerConfig(Path powercapRoot, Path procRoot, long pollIntervalMs, Double modelIdleWatts,
                          Double modelMaxWatts) {

  public static final Path DEFAULT_POWERCAP_ROOT = Path.of("/sys/class/powercap");
  public static final Path DEFAULT_PROC_ROOT = Path.of("/proc");
  public static final long DEFAULT_POLL_INTERVAL_MS = 1000;

  public PowerConfig {
    Objects.requireNonNull(powercapRoot, "powercapRoot");
    Objects.requireNonNull(procRoot, "procRoot");
    if (pollIntervalMs <= 0) {
      throw new IllegalArgumentException("pollIntervalMs must be positive, got " + pollIntervalMs);
    }
    if (modelIdleWatts != null && !(modelIdleWatts >= 0)) {
      throw new IllegalArgumentException("modelIdleWatts must be >= 0, got " + modelIdleWatts);
    }
    if (modelMaxWatts != null && !(modelMaxWatts > 0)) {
      throw new IllegalArgumentException("modelMaxWatts must be > 0, got " + modelMaxWatts);
    }
    if (modelIdleWatts != null && modelMaxWatts != null && modelIdleWatts > modelMaxWatts) {
      throw new IllegalArgumentException(
          "modelIdleWatts " + modelIdleWatts + " exceeds modelMaxWatts " + modelMaxWatts);
    }
  }

  public static PowerConfig defaults() {
    return new PowerConfig(DEFAULT_POWERCAP_ROOT, DEFAULT_PROC_ROOT, DEFAULT_POLL_INTERVAL_MS, null, null);
  }

  public PowerConfig withPowercapRoot(Path root) {
    return new PowerConfig(root, procRoot, pollIntervalMs, modelIdleWatts, modelMaxWatts);
  }

  public PowerConfig withProcRoot(Path root) {
    return new PowerConfig(powercapRoot, root, pollIntervalMs, modelIdleWatts, modelMaxWatts);
  }

  public PowerConfig withPollIntervalMs(long intervalMs) {
    return new PowerConfig(powercapRoot, procRoot, intervalMs, modelIdleWatts, modelMaxWatts);
  }

  /** Either argument may be null to keep the per-CPU default for that end of the line. */
  public PowerConfig withModelWatts(Double idleWatts, Double maxWatts) {
    return new PowerConfig(powercapRoot, procRoot, pollIntervalMs, idleWatts, maxWatts);
  }
}

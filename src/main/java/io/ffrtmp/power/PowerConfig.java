package io.ffrtmp.power;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the meter looks and how often it polls. Every path is configurable so tests can point the
 * meter at fake sysfs and procfs trees and at a stub NVML library.
 *
 * @param powercapRoot powercap class directory, normally {@code /sys/class/powercap}
 * @param procRoot procfs mount, normally {@code /proc}; only {@code <procRoot>/stat} is read
 * @param pollIntervalMs time between counter reads inside a window; 1000 ms keeps read cost
 *     negligible and is far below the shortest RAPL wrap period (about 164 s on AMD at 400 W)
 * @param modelIdleWatts whole-machine idle power for the CPU model; null uses 0.74 W per logical
 *     CPU
 * @param modelMaxWatts whole-machine full-load power for the CPU model; null uses 3.5 W per logical
 *     CPU
 * @param hwmonRoot hwmon class directory, normally {@code /sys/class/hwmon}
 * @param nvmlLibrary NVML library to load: a name for the system loader ("nvidia-ml") or an
 *     absolute path to a libnvidia-ml.so; null means NVIDIA GPUs are not looked at
 * @param modelFile a power model written by {@code ffrtmp calibrate}, used instead of the defaults
 *     when the cpu scope falls back to the CPU-utilisation model; null for none. Exclusive with the
 *     model watts
 * @param perfRoot the perf power PMU, normally {@code /sys/bus/event_source/devices/power}; used
 *     for the cpu scope when powercap has no readable zone. null means the default
 * @param cpuRoot CPU topology, normally {@code /sys/devices/system/cpu}; picks one CPU per package
 *     for the perf power PMU. null means the default
 */
public record PowerConfig(
    Path powercapRoot,
    Path procRoot,
    long pollIntervalMs,
    Double modelIdleWatts,
    Double modelMaxWatts,
    Path hwmonRoot,
    String nvmlLibrary,
    Path modelFile,
    Path perfRoot,
    Path cpuRoot) {

  public static final Path DEFAULT_POWERCAP_ROOT = Path.of("/sys/class/powercap");
  public static final Path DEFAULT_PROC_ROOT = Path.of("/proc");
  public static final Path DEFAULT_HWMON_ROOT = Path.of("/sys/class/hwmon");
  public static final String DEFAULT_NVML_LIBRARY = "nvidia-ml";
  public static final long DEFAULT_POLL_INTERVAL_MS = 1000;
  public static final Path DEFAULT_PERF_ROOT = Path.of("/sys/bus/event_source/devices/power");
  public static final Path DEFAULT_CPU_ROOT = Path.of("/sys/devices/system/cpu");

  public PowerConfig {
    Objects.requireNonNull(powercapRoot, "powercapRoot");
    Objects.requireNonNull(procRoot, "procRoot");
    Objects.requireNonNull(hwmonRoot, "hwmonRoot");
    perfRoot = perfRoot == null ? DEFAULT_PERF_ROOT : perfRoot;
    cpuRoot = cpuRoot == null ? DEFAULT_CPU_ROOT : cpuRoot;
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
    if (nvmlLibrary != null && nvmlLibrary.isBlank()) {
      throw new IllegalArgumentException(
          "nvmlLibrary must be a library name, a path, or null; got a blank string");
    }
    if (modelFile != null && (modelIdleWatts != null || modelMaxWatts != null)) {
      // Two sources for the same line would leave a reader unable to tell which one an estimate
      // used.
      throw new IllegalArgumentException(
          "give either model watts (idle/max) or a model file (" + modelFile + "), not both");
    }
  }

  /**
   * The eight settings before the perf power PMU was read; perf and CPU topology take their system
   * defaults.
   */
  public PowerConfig(
      Path powercapRoot,
      Path procRoot,
      long pollIntervalMs,
      Double modelIdleWatts,
      Double modelMaxWatts,
      Path hwmonRoot,
      String nvmlLibrary,
      Path modelFile) {
    this(
        powercapRoot,
        procRoot,
        pollIntervalMs,
        modelIdleWatts,
        modelMaxWatts,
        hwmonRoot,
        nvmlLibrary,
        modelFile,
        DEFAULT_PERF_ROOT,
        DEFAULT_CPU_ROOT);
  }

  /** The seven settings before model files existed; no model file. */
  public PowerConfig(
      Path powercapRoot,
      Path procRoot,
      long pollIntervalMs,
      Double modelIdleWatts,
      Double modelMaxWatts,
      Path hwmonRoot,
      String nvmlLibrary) {
    this(
        powercapRoot,
        procRoot,
        pollIntervalMs,
        modelIdleWatts,
        modelMaxWatts,
        hwmonRoot,
        nvmlLibrary,
        null);
  }

  /**
   * The original five settings; hwmon and NVML take their system defaults, so GPUs are measured
   * where present.
   */
  public PowerConfig(
      Path powercapRoot,
      Path procRoot,
      long pollIntervalMs,
      Double modelIdleWatts,
      Double modelMaxWatts) {
    this(
        powercapRoot,
        procRoot,
        pollIntervalMs,
        modelIdleWatts,
        modelMaxWatts,
        DEFAULT_HWMON_ROOT,
        DEFAULT_NVML_LIBRARY);
  }

  public static PowerConfig defaults() {
    return new PowerConfig(
        DEFAULT_POWERCAP_ROOT, DEFAULT_PROC_ROOT, DEFAULT_POLL_INTERVAL_MS, null, null);
  }

  public PowerConfig withPowercapRoot(Path root) {
    return new PowerConfig(
        root,
        procRoot,
        pollIntervalMs,
        modelIdleWatts,
        modelMaxWatts,
        hwmonRoot,
        nvmlLibrary,
        modelFile,
        perfRoot,
        cpuRoot);
  }

  public PowerConfig withProcRoot(Path root) {
    return new PowerConfig(
        powercapRoot,
        root,
        pollIntervalMs,
        modelIdleWatts,
        modelMaxWatts,
        hwmonRoot,
        nvmlLibrary,
        modelFile,
        perfRoot,
        cpuRoot);
  }

  public PowerConfig withPollIntervalMs(long intervalMs) {
    return new PowerConfig(
        powercapRoot,
        procRoot,
        intervalMs,
        modelIdleWatts,
        modelMaxWatts,
        hwmonRoot,
        nvmlLibrary,
        modelFile,
        perfRoot,
        cpuRoot);
  }

  /** Either argument may be null to keep the per-CPU default for that end of the line. */
  public PowerConfig withModelWatts(Double idleWatts, Double maxWatts) {
    return new PowerConfig(
        powercapRoot,
        procRoot,
        pollIntervalMs,
        idleWatts,
        maxWatts,
        hwmonRoot,
        nvmlLibrary,
        modelFile,
        perfRoot,
        cpuRoot);
  }

  public PowerConfig withHwmonRoot(Path root) {
    return new PowerConfig(
        powercapRoot,
        procRoot,
        pollIntervalMs,
        modelIdleWatts,
        modelMaxWatts,
        root,
        nvmlLibrary,
        modelFile,
        perfRoot,
        cpuRoot);
  }

  /**
   * A library name or an absolute path to libnvidia-ml.so; null leaves NVIDIA GPUs out of every
   * measurement.
   */
  public PowerConfig withNvmlLibrary(String library) {
    return new PowerConfig(
        powercapRoot,
        procRoot,
        pollIntervalMs,
        modelIdleWatts,
        modelMaxWatts,
        hwmonRoot,
        library,
        modelFile,
        perfRoot,
        cpuRoot);
  }

  /**
   * A model file from {@code ffrtmp calibrate}; null for none. It is read and checked when the
   * meter opens, and used only when the cpu scope falls back to the CPU-utilisation model.
   */
  public PowerConfig withModelFile(Path file) {
    return new PowerConfig(
        powercapRoot,
        procRoot,
        pollIntervalMs,
        modelIdleWatts,
        modelMaxWatts,
        hwmonRoot,
        nvmlLibrary,
        file,
        perfRoot,
        cpuRoot);
  }

  /**
   * The perf power PMU directory; tests point it at a fake tree, or at a missing path to keep perf
   * out.
   */
  public PowerConfig withPerfRoot(Path root) {
    return new PowerConfig(
        powercapRoot,
        procRoot,
        pollIntervalMs,
        modelIdleWatts,
        modelMaxWatts,
        hwmonRoot,
        nvmlLibrary,
        modelFile,
        root,
        cpuRoot);
  }

  /**
   * The CPU topology directory ({@code cpuN/topology/physical_package_id}) used with the perf power
   * PMU.
   */
  public PowerConfig withCpuRoot(Path root) {
    return new PowerConfig(
        powercapRoot,
        procRoot,
        pollIntervalMs,
        modelIdleWatts,
        modelMaxWatts,
        hwmonRoot,
        nvmlLibrary,
        modelFile,
        perfRoot,
        root);
  }
}

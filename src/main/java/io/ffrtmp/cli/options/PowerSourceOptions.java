package io.ffrtmp.cli.options;

import io.ffrtmp.power.PowerConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Where the energy sources are, shared by every command that opens the meter (bench, doctor,
 * calibrate), so each accepts the same flags with the same defaults. Containers that mount the
 * host's sysfs elsewhere, and tests, point them at other trees.
 */
public final class PowerSourceOptions {

  @Option(
      names = "--powercap-root",
      paramLabel = "DIR",
      description = "Root of the powercap tree (default: ${DEFAULT-VALUE}).",
      defaultValue = "/sys/class/powercap")
  Path powercapRoot;

  @Option(
      names = "--perf-root",
      paramLabel = "DIR",
      description =
          "The perf power PMU in sysfs, used for RAPL where powercap is "
              + "absent (default: ${DEFAULT-VALUE}).",
      defaultValue = "/sys/bus/event_source/devices/power")
  Path perfRoot;

  @Option(
      names = "--hwmon-root",
      paramLabel = "DIR",
      description = "Root of the hwmon tree (default: ${DEFAULT-VALUE}).",
      defaultValue = "/sys/class/hwmon")
  Path hwmonRoot;

  @Option(
      names = "--nvml",
      paramLabel = "LIB",
      description =
          "NVIDIA management library for GPU energy: a name or path "
              + "(default: ${DEFAULT-VALUE}), or 'none' to leave GPUs out.",
      defaultValue = "nvidia-ml")
  String nvml;

  public Path powercapRoot() {
    return powercapRoot;
  }

  /** The given settings with these source locations. */
  public PowerConfig applyTo(PowerConfig config) {
    return config
        .withPowercapRoot(powercapRoot)
        .withPerfRoot(perfRoot)
        .withHwmonRoot(hwmonRoot)
        .withNvmlLibrary("none".equals(nvml) ? null : nvml);
  }
}

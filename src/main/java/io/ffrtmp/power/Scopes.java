package io.ffrtmp.power;

/**
 * Device classes a measurement is split into. Each scope is measured by exactly one source, so no
 * device is counted twice: cpu from RAPL powercap, else RAPL through perf, else hwmon CPU energy,
 * else the CPU model; gpu from NVML, else hwmon GPU sensors.
 */
final class Scopes {

  static final String CPU = "cpu";
  static final String GPU = "gpu";

  /**
   * Whole-board meters (ACPI power_meter, shunt monitors): they contain cpu and gpu, so they are
   * never summed.
   */
  static final String PLATFORM = "platform";

  private Scopes() {}
}

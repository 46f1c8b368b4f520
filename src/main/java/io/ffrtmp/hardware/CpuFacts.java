package io.ffrtmp.hardware;

import io.vertx.core.json.JsonObject;

/**
 * The processor as /proc/cpuinfo and cpufreq describe it.
 *
 * @param model the first "model name" (x86), "Model" or "Hardware" (Arm) line; "unknown" when none
 * @param sockets distinct "physical id" values; 1 when the kernel reports none (most Arm and some
 *     VMs)
 * @param physicalCores distinct (physical id, core id) pairs; the thread count when no core id is
 *     reported
 * @param threads logical CPUs ("processor" entries)
 * @param governor cpu0's scaling governor; "unknown" when cpufreq is not exposed (virtual machines)
 * @param memoryMb MemTotal in MiB; null when /proc/meminfo cannot be read
 */
public record CpuFacts(
    String model, int sockets, int physicalCores, int threads, String governor, Long memoryMb) {

  public static final String UNKNOWN = "unknown";

  /**
   * Repeatable energy measurements need the clock not to wander with load; "performance" pins it
   * high.
   */
  public boolean governorIsPerformance() {
    return "performance".equals(governor);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("model", model)
        .put("sockets", sockets)
        .put("physical_cores", physicalCores)
        .put("threads", threads)
        .put("governor", governor)
        .put("memory_mb", memoryMb);
  }
}

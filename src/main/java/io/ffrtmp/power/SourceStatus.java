package io.ffrtmp.power;

import io.vertx.core.json.JsonObject;

/**
 * One power source the meter looked at: a RAPL zone, the powercap tree as a whole, the CPU model,
 * an hwmon sensor, NVML or one NVIDIA GPU.
 *
 * @param name zone label ("package-0", "dram-1", "psys", "gpu-0") or source name ("rapl-powercap",
 *     "cpu-utilisation-model", "nvml", "hwmon")
 * @param path the file, directory or library examined
 * @param usable whether its counters could be read
 * @param detail what was found, including whether a readable source is summed or why not
 * @param fix what an operator can do to make an unusable source usable; null when there is nothing
 *     to fix
 * @param scope the device class it would measure: "cpu", "gpu", or "platform" (whole-board meters,
 *     never summed); null where it does not apply
 * @param resolution counter or gauge, unit and update granularity, so a reader can judge the
 *     figure; null when nothing could be read
 */
public record SourceStatus(
    String name,
    String path,
    boolean usable,
    String detail,
    String fix,
    String scope,
    String resolution) {

  /** A status without scope and resolution, as before those fields existed. */
  public SourceStatus(String name, String path, boolean usable, String detail, String fix) {
    this(name, path, usable, detail, fix, null, null);
  }

  /**
   * The same status with scope and resolution set; discovery code builds statuses first and scopes
   * them once.
   */
  SourceStatus in(String scopeName, String resolutionText) {
    return new SourceStatus(name, path, usable, detail, fix, scopeName, resolutionText);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("path", path)
        .put("usable", usable)
        .put("detail", detail)
        .put("fix", fix)
        .put("scope", scope)
        .put("resolution", resolution);
  }
}

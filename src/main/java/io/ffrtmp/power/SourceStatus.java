package io.ffrtmp.power;

import io.vertx.core.json.JsonObject;

/**
 * One power source the meter looked at: a RAPL zone, the powercap tree as a whole, or the CPU model.
 *
 * @param name   zone label ("package-0", "dram-1", "psys") or source name ("rapl-powercap", "cpu-utilisation-model")
 * @param path   the file or directory examined
 * @param usable whether its counters could be read
 * @param detail what was found, including whether a readable zone is summed or why not
 * @param fix    what an operator can do to make an unusable source usable; null when there is nothing to fix
 */
public record SourceStatus(String name, String path, boolean usable, String detail, String fix) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("path", path)
        .put("usable", usable)
        .put("detail", detail)
        .put("fix", fix);
  }
}

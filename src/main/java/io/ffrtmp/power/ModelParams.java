package io.ffrtmp.power;

import io.vertx.core.json.JsonObject;

/**
 * Parameters of the linear CPU-utilisation model, carried with every estimated result so a reader can judge it.
 *
 * @param basis where idleWatts and maxWatts came from: the published defaults or "configured"
 */
public record ModelParams(String name, double idleWatts, double maxWatts, int logicalCpus, String basis) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("idle_watts", idleWatts)
        .put("max_watts", maxWatts)
        .put("logical_cpus", logicalCpus)
        .put("basis", basis);
  }
}

package io.ffrtmp.power;

import io.vertx.core.json.JsonObject;

/**
 * Power of the machine while nothing of ours runs, from the per-interval averages of one idle
 * window.
 *
 * @param samples number of poll intervals behind the mean and standard deviation
 */
public record IdleBaseline(
    double avgWatts,
    double stddevWatts,
    int samples,
    long durationMs,
    String provenance,
    String source) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("avg_watts", avgWatts)
        .put("stddev_watts", stddevWatts)
        .put("samples", samples)
        .put("duration_ms", durationMs)
        .put("provenance", provenance)
        .put("source", source);
  }
}

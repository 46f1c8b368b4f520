package io.ffrtmp.power;

import io.vertx.core.json.JsonObject;

/**
 * Average power over one trace bucket.
 *
 * @param tMs start of the bucket, milliseconds after the window's first counter read
 * @param watts energy of the bucket divided by its length
 */
public record TracePoint(long tMs, double watts) {

  public JsonObject toJson() {
    return new JsonObject().put("t_ms", tMs).put("watts", watts);
  }
}

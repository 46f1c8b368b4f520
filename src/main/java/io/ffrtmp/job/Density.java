package io.ffrtmp.job;

import io.vertx.core.json.JsonObject;

/**
 * A campaign's live density mode ({@code "density": {...}}): run N identical live streams at once
 * for {@code windowS} seconds, raise N by the schedule until a step fails, and report the largest N
 * at which every stream held realtime. See docs/live.md.
 *
 * @param start the first N tried
 * @param max the largest N tried (the bench node gets at least this many slots)
 * @param windowS each stream's duration at every step ({@code input.duration_s} is set to it)
 * @param schedule {@value #DOUBLE_THEN_BISECT}, the only one
 */
public record Density(int start, int max, double windowS, String schedule) {

  public static final String DOUBLE_THEN_BISECT = "double-then-bisect";

  /** The most streams one step runs: the bench's slot limit. */
  public static final int MAX_STREAMS = 64;

  /** The campaign's {@code density} block, validated; null when it has none. */
  public static Density of(JsonObject campaign) {
    Object v = campaign.getValue("density");
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject d)) {
      throw new SpecException(
          "density",
          "is not an object; accepted: {\"start\": 1, \"max\": 16, \"window_s\": 30,"
              + " \"schedule\": \"double-then-bisect\"}");
    }
    for (String k : d.fieldNames()) {
      if (!java.util.Set.of("start", "max", "window_s", "schedule").contains(k)) {
        throw new SpecException(
            "density." + k, "is not a density field; accepted: start, max, window_s, schedule");
      }
    }
    int max =
        ExactInt.of(
            d, "max", "density.max", 16, 1, MAX_STREAMS, "1 to " + MAX_STREAMS + " streams");
    int start = ExactInt.of(d, "start", "density.start", 1, 1, MAX_STREAMS, "1 to density.max");
    if (start > max) {
      throw new SpecException(
          "density.start", start + " is above density.max " + max + "; accepted: 1 to " + max);
    }
    Object w = d.getValue("window_s", 30);
    if (!(w instanceof Number n) || !(n.doubleValue() >= 2 && n.doubleValue() <= 3600)) {
      throw new SpecException(
          "density.window_s", w + " is out of range; accepted: 2 to 3600 seconds");
    }
    Object s = d.getValue("schedule", DOUBLE_THEN_BISECT);
    if (!DOUBLE_THEN_BISECT.equals(s)) {
      throw new SpecException(
          "density.schedule", "'" + s + "' is not a schedule; accepted: " + DOUBLE_THEN_BISECT);
    }
    return new Density(start, max, ((Number) w).doubleValue(), DOUBLE_THEN_BISECT);
  }

  /**
   * The campaign around a density block must be one live configuration the node can run N times at
   * once: a {@code live_synthetic} input (each stream its own camera) and a null or RTMP output
   * (each stream its own key on the node's server), once (no repeat).
   */
  static void checkCampaign(Campaign c) {
    if (c.configurations().size() != 1) {
      throw new SpecException(
          "density",
          "needs exactly one configuration, not "
              + c.configurations().size()
              + "; accepted: a base (and at most one configuration) without axes");
    }
    if (c.repeat() != 1) {
      throw new SpecException(
          "repeat", c.repeat() + " with density; accepted: 1 (each step is its own measurement)");
    }
    JobSpec spec = c.configurations().get(0).spec();
    if (!"live_synthetic".equals(spec.input().type())) {
      throw new SpecException(
          "base.input.type",
          "'"
              + spec.input().type()
              + "' with density; accepted: live_synthetic (each stream publishes its own camera)");
    }
    String out = spec.output().type();
    if (!"null".equals(out) && !"rtmp".equals(out)) {
      throw new SpecException(
          "base.output.type",
          "'"
              + out
              + "' with density; accepted: null or rtmp (each stream gets its own key on the"
              + " node's RTMP server)");
    }
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("start", start)
        .put("max", max)
        .put("window_s", windowS)
        .put("schedule", schedule);
  }
}

package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.ffrtmp.power.ProcStat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A job's energy as its result reports it: the window's figures (attributed by {@link
 * EnergyWindows} when other jobs shared the node) per frame, per second of output and above the
 * node's idle baseline.
 */
final class EnergyFigures {

  private EnergyFigures() {}

  /**
   * How finely each source resolves energy in time: RAPL counters update about every millisecond;
   * the model works from /proc/stat ticks (10 ms). A window shorter than fifty of these cannot
   * promise 2 % precision.
   */
  static long resolutionMs(String source) {
    return source != null && source.startsWith("rapl") ? 1 : 10;
  }

  /** The node's busy CPU seconds between two reads of /proc/stat; 0 when either read is missing. */
  static double nodeBusyCpuS(ProcStat atStart, ProcStat atEnd) {
    return atStart == null || atEnd == null
        ? 0
        : (atEnd.busyJiffies() - atStart.busyJiffies()) / (double) ProcStat.USER_HZ;
  }

  /**
   * J/frame, J per second of output and above-idle energy, next to the meter's own figures and
   * provenance.
   */
  static JsonObject of(JsonObject energy, long frames, double durationS, JsonObject idleBaseline) {
    JsonObject e = energy.copy();
    long windowMs = e.getLong("duration_ms", 0L);
    long resolution = resolutionMs(e.getString("source"));
    if (windowMs < 50 * resolution) {
      e.put(
          "warnings",
          new JsonArray()
              .add(
                  "the energy window ("
                      + windowMs
                      + " ms) is short for "
                      + e.getString("source")
                      + " (about "
                      + resolution
                      + " ms resolution): expect more than 2 % error; "
                      + "use a longer clip (10 s or more)"));
    }
    double total = e.getDouble("total_joules");
    e.put("joules_per_frame", frames > 0 ? round(total / frames, 6) : null);
    e.put("joules_per_second_of_output", round(total / durationS, 4));
    if (idleBaseline != null && idleBaseline.getDouble("avg_watts") != null) {
      double idleW = idleBaseline.getDouble("avg_watts");
      Double share =
          e.getJsonObject("attribution") == null
              ? null
              : e.getJsonObject("attribution").getDouble("share");
      double idleJoules = idleW * e.getLong("duration_ms") / 1000.0;
      // A shared job owns its share of the node's idle energy as of all the rest.
      double aboveIdle = Math.max(0, total - idleJoules * (share == null ? 1.0 : share));
      e.put("idle_watts", round(idleW, 3))
          .put("idle_provenance", idleBaseline.getString("provenance"))
          .put("above_idle_joules", round(aboveIdle, 4))
          .put("above_idle_joules_per_frame", frames > 0 ? round(aboveIdle / frames, 6) : null);
    } else {
      e.put("idle_watts", null)
          .put("above_idle_joules", null)
          .put("above_idle_joules_per_frame", null);
    }
    return e;
  }
}

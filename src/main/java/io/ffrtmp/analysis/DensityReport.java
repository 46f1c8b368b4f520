package io.ffrtmp.analysis;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A density campaign's account: each step (N streams at once) judged from its jobs' results, the
 * terminal table (one row per N tried, the largest N that held marked) and the plot of W per stream
 * and the slowest window's speed against N.
 */
public final class DensityReport {

  public static final String MARK = "★";

  private DensityReport() {}

  /**
   * One step from its streams' results: held when all {@code n} succeeded and each holds realtime;
   * W per stream (attributed, mean), node W (mean over the streams' windows), J/frame (attributed
   * energy over frames, all streams), the lowest window speed of any stream.
   */
  public static JsonObject step(int n, int order, List<JsonObject> streams) {
    int succeeded = 0;
    int holding = 0;
    double joules = 0;
    long frames = 0;
    boolean energyComplete = !streams.isEmpty();
    List<Double> wattsPerStream = new ArrayList<>();
    List<Double> nodeWatts = new ArrayList<>();
    Double minSpeed = null;
    Set<String> provenance = new TreeSet<>();
    Set<String> sources = new TreeSet<>();
    JsonArray jobs = new JsonArray();
    for (JsonObject r : streams) {
      JsonObject live = r.getJsonObject("live", new JsonObject());
      JsonObject energy = r.getJsonObject("energy");
      boolean ok = "succeeded".equals(r.getString("state"));
      boolean holds = Boolean.TRUE.equals(live.getBoolean("holds_realtime"));
      succeeded += ok ? 1 : 0;
      holding += ok && holds ? 1 : 0;
      Double speed = live.getDouble("min_window_speed");
      if (speed != null) {
        minSpeed = minSpeed == null ? speed : Math.min(minSpeed, speed);
      }
      if (live.getDouble("watts_per_stream") != null) {
        wattsPerStream.add(live.getDouble("watts_per_stream"));
      }
      if (energy != null && energy.getDouble("total_joules") != null) {
        joules += energy.getDouble("total_joules");
        if (energy.getString("provenance") != null) {
          provenance.add(energy.getString("provenance"));
        }
        if (energy.getString("source") != null) {
          sources.add(energy.getString("source"));
        }
        JsonObject attribution = energy.getJsonObject("attribution");
        long ms = energy.getLong("duration_ms", 0L);
        if (attribution != null && attribution.getDouble("node_joules") != null && ms > 0) {
          nodeWatts.add(attribution.getDouble("node_joules") / (ms / 1000.0));
        }
      } else {
        energyComplete = false;
      }
      frames += r.getValue("frames") instanceof Number f ? f.longValue() : 0;
      jobs.add(
          new JsonObject()
              .put("job_id", r.getString("job_id"))
              .put("state", r.getString("state"))
              .put("holds_realtime", live.getBoolean("holds_realtime"))
              .put("min_window_speed", speed)
              .put("dropped_frames", live.getValue("dropped_frames"))
              .put("watts_per_stream", live.getDouble("watts_per_stream"))
              .put("error", r.getString("error")));
    }
    boolean held = streams.size() == n && holding == n;
    return new JsonObject()
        .put("n", n)
        .put("order", order)
        .put("held", held)
        .put("streams_succeeded", succeeded)
        .put("streams_holding", holding)
        .put("watts_per_stream", round(mean(wattsPerStream), 3))
        .put("node_watts", round(mean(nodeWatts), 3))
        .put("joules_per_frame", energyComplete && frames > 0 ? round(joules / frames, 6) : null)
        .put("min_window_speed", minSpeed)
        // Every energy figure says how it was obtained: measured or estimated, and by which source.
        .put(
            "energy_provenance",
            provenance.isEmpty()
                ? null
                : provenance.size() == 1 ? provenance.iterator().next() : "mixed")
        .put("energy_source", sources.isEmpty() ? null : String.join(", ", sources))
        .put("streams", jobs);
  }

  /** The terminal table: one row per N tried, smallest first; the largest N that held marked. */
  public static String table(JsonObject density) {
    List<String> headers =
        List.of(
            "N",
            "tried",
            "held",
            "holding",
            "W/stream",
            "node W",
            "J/frame",
            "min speed",
            "energy");
    List<List<String>> rows = new ArrayList<>();
    int largest = density.getInteger("largest_n", 0);
    for (JsonObject s : sorted(density)) {
      int n = s.getInteger("n");
      rows.add(
          List.of(
              n + (n == largest ? " " + MARK : ""),
              "#" + s.getInteger("order"),
              s.getBoolean("held") ? "yes" : "no",
              s.getInteger("streams_holding") + "/" + n,
              Format.number(s.getDouble("watts_per_stream")),
              Format.number(s.getDouble("node_watts")),
              Format.significant(s.getDouble("joules_per_frame")),
              Format.fixed(s.getDouble("min_window_speed"), 3),
              energyLabel(s)));
    }
    int[] width = new int[headers.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = headers.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "Live density (%s, window %s s): largest N that held realtime: %d%n",
            density.getString("schedule"),
            Format.number(density.getDouble("window_s")),
            largest));
    line(out, headers, width);
    for (List<String> r : rows) {
      line(out, r, width);
    }
    out.append(MARK)
        .append(" the largest N at which every stream held realtime for the whole window\n");
    return out.toString();
  }

  /** The plot for report.html: W per stream and the slowest window's speed against N. */
  public static String chart(JsonObject density) {
    return EnergyCharts.densityCurve(
        sorted(density),
        "Live density: W per stream and min window speed against streams N",
        "density");
  }

  static List<JsonObject> sorted(JsonObject density) {
    List<JsonObject> steps = new ArrayList<>();
    density.getJsonArray("steps", new JsonArray()).forEach(s -> steps.add((JsonObject) s));
    steps.sort(Comparator.comparingInt(s -> s.getInteger("n")));
    return steps;
  }

  private static void line(StringBuilder out, List<String> cells, int[] width) {
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      out.append(c == 0 ? "" : "  ")
          .append(cell)
          .append(" ".repeat(Math.max(0, width[c] - cell.codePointCount(0, cell.length()))));
    }
    out.append('\n');
  }

  /** "measured: rapl-powercap", "estimated: cpu-utilisation-model", or "unknown" without energy. */
  private static String energyLabel(JsonObject step) {
    String provenance = step.getString("energy_provenance");
    if (provenance == null) {
      return "unknown (no energy figures)";
    }
    String source = step.getString("energy_source");
    return source == null ? provenance : provenance + ": " + source;
  }

  private static Double mean(List<Double> xs) {
    if (xs.isEmpty()) {
      return null;
    }
    double sum = 0;
    for (double x : xs) {
      sum += x;
    }
    return sum / xs.size();
  }

  private static Double round(Double v, int decimals) {
    if (v == null) {
      return null;
    }
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}

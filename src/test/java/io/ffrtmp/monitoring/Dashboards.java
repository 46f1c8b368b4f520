package io.ffrtmp.monitoring;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The shipped Grafana dashboards ({@code dashboards/*.json}) read as the tests need them. */
final class Dashboards {

  static final Path DIR = Path.of("dashboards");

  /** One target of one panel. */
  record Query(String file, String panelTitle, String expr, boolean instant) {
    @Override
    public String toString() {
      return file + " / " + panelTitle + ": " + expr;
    }
  }

  private Dashboards() {}

  /** Every dashboard file by name, sorted. */
  static Map<String, JsonObject> load(Path dir) throws IOException {
    Map<String, JsonObject> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        out.put(
            f.getFileName().toString(),
            new JsonObject(Files.readString(f, StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  /** The panels of a dashboard, those nested in rows included, rows themselves left out. */
  static List<JsonObject> panels(JsonObject dashboard) {
    List<JsonObject> out = new ArrayList<>();
    collect(dashboard.getJsonArray("panels", new JsonArray()), out);
    return out;
  }

  private static void collect(JsonArray panels, List<JsonObject> out) {
    for (Object o : panels) {
      JsonObject p = (JsonObject) o;
      if ("row".equals(p.getString("type"))) {
        collect(p.getJsonArray("panels", new JsonArray()), out);
      } else {
        out.add(p);
      }
    }
  }

  static List<JsonObject> targets(JsonObject panel) {
    List<JsonObject> out = new ArrayList<>();
    for (Object o : panel.getJsonArray("targets", new JsonArray())) {
      out.add((JsonObject) o);
    }
    return out;
  }

  static List<JsonObject> variables(JsonObject dashboard) {
    List<JsonObject> out = new ArrayList<>();
    JsonObject templating = dashboard.getJsonObject("templating", new JsonObject());
    for (Object o : templating.getJsonArray("list", new JsonArray())) {
      out.add((JsonObject) o);
    }
    return out;
  }

  /** The PromQL of a query variable ({@code label_values(...)}), whichever form Grafana saved. */
  static String variableQuery(JsonObject variable) {
    Object q = variable.getValue("query");
    if (q instanceof JsonObject o) {
      return o.getString("query", "");
    }
    return q == null ? "" : q.toString();
  }

  /** Every panel target of every dashboard. */
  static List<Query> queries(Map<String, JsonObject> dashboards) {
    List<Query> out = new ArrayList<>();
    dashboards.forEach(
        (file, d) -> {
          for (JsonObject p : panels(d)) {
            for (JsonObject t : targets(p)) {
              out.add(
                  new Query(
                      file,
                      p.getString("title"),
                      t.getString("expr", ""),
                      t.getBoolean("instant", false) && !t.getBoolean("range", false)));
            }
          }
        });
    return out;
  }
}

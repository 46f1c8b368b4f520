package io.ffrtmp.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped Grafana dashboards hold to what an operator's Grafana needs: the datasource is a
 * variable every panel and query uses, every panel has a unit, ids and uids are unique, no node is
 * named in a query, and counters are only ever rate()d.
 */
class DashboardLintTest {

  static final JsonObject DATASOURCE =
      new JsonObject().put("type", "prometheus").put("uid", "${datasource}");

  static final Set<String> PANEL_TYPES =
      Set.of("timeseries", "stat", "table", "bargauge", "state-timeline", "gauge", "text");

  /** A matcher on a label that names a node; its value may only be a dashboard variable. */
  private static final Pattern NODE_MATCHER =
      Pattern.compile("\\b(node|exported_node|instance)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");

  private static final Pattern VARIABLE_VALUE = Pattern.compile("\\$\\{?\\w+\\}?");
  private static final Pattern VARIABLE_USE = Pattern.compile("\\$\\{?(\\w+)\\}?");

  /** rate(), irate() and increase() of a bare metric name: it has to be a counter's. */
  private static final Pattern RATE_OF =
      Pattern.compile("\\b(rate|irate|increase)\\(\\s*([a-zA-Z_:][\\w:]*)");

  private static final Set<String> BUILT_INS =
      Set.of("__rate_interval", "__interval", "__range", "__range_s", "__interval_ms");

  /** What is wrong with these dashboards (file name to JSON), one line per problem. */
  static List<String> problems(Map<String, JsonObject> dashboards) {
    List<String> out = new ArrayList<>();
    Map<String, String> uids = new HashMap<>();
    dashboards.forEach(
        (file, d) -> {
          String uid = d.getString("uid");
          if (uid == null || uid.isBlank()) {
            out.add(file + ": no uid");
          } else if (uids.putIfAbsent(uid, file) != null) {
            out.add(file + ": uid " + uid + " is also " + uids.get(uid) + "'s");
          }
          if (d.getString("title", "").isBlank()) {
            out.add(file + ": no title");
          }
          if (d.getInteger("schemaVersion", 0) < 36) {
            out.add(file + ": schemaVersion " + d.getValue("schemaVersion") + " is older than 36");
          }
          out.addAll(variableProblems(file, d));
          out.addAll(panelProblems(file, d));
        });
    return out;
  }

  private static List<String> variableProblems(String file, JsonObject d) {
    List<String> out = new ArrayList<>();
    List<JsonObject> vars = Dashboards.variables(d);
    boolean datasource =
        vars.stream()
            .anyMatch(
                v ->
                    "datasource".equals(v.getString("name"))
                        && "datasource".equals(v.getString("type"))
                        && "prometheus".equals(v.getString("query")));
    if (!datasource) {
      out.add(file + ": no variable 'datasource' of type datasource, query prometheus");
    }
    for (JsonObject v : vars) {
      if ("query".equals(v.getString("type"))) {
        String where = file + ": variable " + v.getString("name");
        if (!DATASOURCE.equals(v.getJsonObject("datasource"))) {
          out.add(where + " does not use ${datasource}");
        }
        String q = Dashboards.variableQuery(v);
        if (q.isBlank()) {
          out.add(where + " has no query");
        }
        out.addAll(nodeNames(where, q));
      }
    }
    return out;
  }

  private static List<String> panelProblems(String file, JsonObject d) {
    List<String> out = new ArrayList<>();
    Set<String> defined = new HashSet<>(BUILT_INS);
    Dashboards.variables(d).forEach(v -> defined.add(v.getString("name")));
    Set<Integer> ids = new HashSet<>();
    for (JsonObject p : Dashboards.panels(d)) {
      String where = file + ": panel '" + p.getString("title") + "'";
      Integer id = p.getInteger("id");
      if (id == null) {
        out.add(where + " has no id");
      } else if (!ids.add(id)) {
        out.add(where + " repeats id " + id);
      }
      if (!PANEL_TYPES.contains(p.getString("type"))) {
        out.add(where + " is of type " + p.getString("type") + ", not one of " + PANEL_TYPES);
      }
      if (!DATASOURCE.equals(p.getJsonObject("datasource"))) {
        out.add(where + " does not use ${datasource}");
      }
      String unit =
          p.getJsonObject("fieldConfig", new JsonObject())
              .getJsonObject("defaults", new JsonObject())
              .getString("unit", "");
      if (unit.isBlank()) {
        out.add(where + " has no unit (fieldConfig.defaults.unit)");
      }
      List<JsonObject> targets = Dashboards.targets(p);
      if (targets.isEmpty()) {
        out.add(where + " has no query");
      }
      Set<String> refIds = new HashSet<>();
      for (JsonObject t : targets) {
        String expr = t.getString("expr", "");
        String q = where + " query " + t.getString("refId");
        if (!refIds.add(t.getString("refId", ""))) {
          out.add(q + ": refId repeated");
        }
        if (!DATASOURCE.equals(t.getJsonObject("datasource"))) {
          out.add(q + " does not use ${datasource}");
        }
        if (expr.isBlank()) {
          out.add(q + " has no expr");
        }
        out.addAll(nodeNames(q, expr));
        Matcher use = VARIABLE_USE.matcher(expr);
        while (use.find()) {
          if (!defined.contains(use.group(1))) {
            out.add(q + " uses $" + use.group(1) + ", which the dashboard does not define");
          }
        }
        Matcher rate = RATE_OF.matcher(expr);
        while (rate.find()) {
          if (!rate.group(2).matches(".*_(total|bucket|sum|count)")) {
            out.add(q + ": " + rate.group(1) + "() of " + rate.group(2) + ", which is no counter");
          }
        }
      }
    }
    return out;
  }

  private static List<String> nodeNames(String where, String expr) {
    List<String> out = new ArrayList<>();
    Matcher m = NODE_MATCHER.matcher(expr);
    while (m.find()) {
      if (!VARIABLE_VALUE.matcher(m.group(3)).matches()) {
        out.add(where + " names a node: " + m.group());
      }
    }
    return out;
  }

  @Test
  void theShippedDashboardsPassTheLint() throws Exception {
    Map<String, JsonObject> dashboards = Dashboards.load(Dashboards.DIR);
    assertThat(dashboards.keySet())
        .containsExactlyInAnyOrder(
            "fleet-power.json", "node.json", "jobs.json", "encoders.json", "cluster-health.json");
    assertThat(problems(dashboards)).isEmpty();
  }

  @Test
  void everyDashboardHasItsSelectorsAndEveryPanelAQuery() throws Exception {
    Map<String, JsonObject> dashboards = Dashboards.load(Dashboards.DIR);
    for (String file : List.of("fleet-power.json", "node.json", "cluster-health.json")) {
      assertThat(Dashboards.variables(dashboards.get(file)))
          .as(file)
          .anySatisfy(v -> assertThat(v.getString("name")).isEqualTo("node"));
    }
    assertThat(Dashboards.variables(dashboards.get("jobs.json")))
        .anySatisfy(v -> assertThat(v.getString("name")).isEqualTo("queue"));
    assertThat(Dashboards.variables(dashboards.get("encoders.json")))
        .anySatisfy(v -> assertThat(v.getString("name")).isEqualTo("encoder"));
    assertThat(Dashboards.queries(dashboards)).hasSizeGreaterThan(40);
  }

  /** A dashboard with one of each mistake: the lint names every one. */
  @Test
  void aBadDashboardIsCaught() {
    JsonObject goodTarget =
        new JsonObject()
            .put("refId", "A")
            .put("datasource", DATASOURCE.copy())
            .put(
                "expr",
                "sum(rate(ffrtmp_node_energy_joules_total{node=~\"$node\"}[$__rate_interval]))");
    JsonObject good =
        new JsonObject()
            .put("id", 1)
            .put("type", "timeseries")
            .put("title", "good")
            .put("datasource", DATASOURCE.copy())
            .put(
                "fieldConfig",
                new JsonObject().put("defaults", new JsonObject().put("unit", "watt")))
            .put("targets", new JsonArray().add(goodTarget));
    JsonObject noUnit = good.copy().put("id", 2).put("title", "no unit");
    noUnit.getJsonObject("fieldConfig").getJsonObject("defaults").remove("unit");
    JsonObject sameId = good.copy().put("title", "same id");
    JsonObject fixedDatasource =
        good.copy()
            .put("id", 3)
            .put("title", "fixed")
            .put("datasource", new JsonObject().put("uid", "P1"));
    JsonObject namedNode = good.copy().put("id", 4).put("title", "named node");
    namedNode
        .getJsonArray("targets")
        .getJsonObject(0)
        .put("expr", "ffrtmp_node_power_watts{node=\"worker-7\"}");
    JsonObject noExpr = good.copy().put("id", 5).put("title", "no expr");
    noExpr.getJsonArray("targets").getJsonObject(0).remove("expr");
    JsonObject gaugeRated = good.copy().put("id", 6).put("title", "gauge rated");
    gaugeRated
        .getJsonArray("targets")
        .getJsonObject(0)
        .put("expr", "rate(ffrtmp_node_power_watts{zone=~\"$zone\"}[5m])");
    JsonObject bad =
        new JsonObject()
            .put("uid", "ffrtmp-fleet-power")
            .put("title", "bad")
            .put("schemaVersion", 39)
            .put(
                "templating",
                new JsonObject()
                    .put(
                        "list",
                        new JsonArray()
                            .add(
                                new JsonObject()
                                    .put("name", "node")
                                    .put("type", "query")
                                    .put(
                                        "query",
                                        "label_values(up{instance=\"10.0.0.5:9464\"}, node)"))))
            .put(
                "panels",
                new JsonArray()
                    .add(good)
                    .add(noUnit)
                    .add(sameId)
                    .add(fixedDatasource)
                    .add(namedNode)
                    .add(noExpr)
                    .add(gaugeRated));
    JsonObject datasourceVariable =
        new JsonObject()
            .put("name", "datasource")
            .put("type", "datasource")
            .put("query", "prometheus");
    JsonObject fine =
        new JsonObject()
            .put("uid", "ffrtmp-fleet-power")
            .put("title", "fine")
            .put("schemaVersion", 39)
            .put(
                "templating",
                new JsonObject()
                    .put(
                        "list",
                        new JsonArray()
                            .add(datasourceVariable)
                            .add(
                                new JsonObject()
                                    .put("name", "node")
                                    .put("type", "query")
                                    .put("datasource", DATASOURCE.copy())
                                    .put("query", "label_values(ffrtmp_node_info, node)"))))
            .put("panels", new JsonArray().add(good.copy()));
    assertThat(problems(Map.of("fine.json", fine))).as("the good panel alone").isEmpty();
    Map<String, JsonObject> both = new LinkedHashMap<>();
    both.put("fine.json", fine);
    both.put("bad.json", bad);
    assertThat(problems(both))
        .contains(
            "bad.json: no variable 'datasource' of type datasource, query prometheus",
            "bad.json: variable node does not use ${datasource}",
            "bad.json: variable node names a node: instance=\"10.0.0.5:9464\"",
            "bad.json: panel 'no unit' has no unit (fieldConfig.defaults.unit)",
            "bad.json: panel 'same id' repeats id 1",
            "bad.json: panel 'fixed' does not use ${datasource}",
            "bad.json: panel 'named node' query A names a node: node=\"worker-7\"",
            "bad.json: panel 'no expr' query A has no expr",
            "bad.json: panel 'gauge rated' query A uses $zone, which the dashboard does not define",
            "bad.json: panel 'gauge rated' query A: rate() of ffrtmp_node_power_watts, which is no"
                + " counter",
            "bad.json: uid ffrtmp-fleet-power is also fine.json's");
  }
}

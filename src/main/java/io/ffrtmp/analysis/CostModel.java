package io.ffrtmp.analysis;

import io.ffrtmp.job.SpecException;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What a joule costs and emits: an energy price (per kWh, one currency), a grid carbon intensity
 * (gCO₂e/kWh) and a PUE factor (facility energy over IT energy), for the whole campaign and
 * optionally per node ({@code "nodes": {"node-a": {"carbon_g_per_kwh": 30}}}; a node inherits what
 * it does not set; the currency is the campaign's).
 *
 * <p>Defaults (docs/analysis.md gives their sources): {@value #DEFAULT_PRICE} {@value
 * #DEFAULT_CURRENCY}/kWh, {@value #DEFAULT_CARBON} gCO₂e/kWh, PUE {@value #DEFAULT_PUE} (no
 * facility overhead assumed: the figure is the energy the job drew, as measured or estimated).
 *
 * @param basis where the figures came from: {@code defaults}, {@code campaign} or {@code command
 *     line}
 */
public record CostModel(
    double pricePerKwh,
    String currency,
    double carbonGPerKwh,
    double pue,
    String basis,
    Map<String, CostModel> nodes) {

  public static final double DEFAULT_PRICE = 0.13;
  public static final String DEFAULT_CURRENCY = "USD";
  public static final double DEFAULT_CARBON = 480;
  public static final double DEFAULT_PUE = 1.0;

  public static final CostModel DEFAULTS =
      new CostModel(DEFAULT_PRICE, DEFAULT_CURRENCY, DEFAULT_CARBON, DEFAULT_PUE, "defaults", null);

  static final double JOULES_PER_KWH = 3_600_000;

  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public CostModel {
    nodes = nodes == null ? Map.of() : Map.copyOf(nodes);
  }

  /**
   * The campaign's {@code cost} object (null: the defaults), checked: every bad field is a {@link
   * SpecException} naming it under {@code field} (e.g. {@code cost.pue}).
   */
  public static CostModel of(JsonObject cost, String field) {
    if (cost == null) {
      return DEFAULTS;
    }
    CostModel campaign = override(DEFAULTS, cost, field, true, "campaign");
    JsonObject nodes = object(cost, "nodes", field);
    Map<String, CostModel> perNode = new TreeMap<>();
    if (nodes != null) {
      for (String node : nodes.fieldNames()) {
        String at = field + ".nodes." + node;
        if (!NODE_ID.matcher(node).matches()) {
          throw new SpecException(at, "is not a node id; accepted: letters, digits, . _ -");
        }
        JsonObject o = object(nodes, node, field + ".nodes");
        perNode.put(node, override(campaign, o, at, false, "campaign, node " + node));
      }
    }
    return new CostModel(
        campaign.pricePerKwh,
        campaign.currency,
        campaign.carbonGPerKwh,
        campaign.pue,
        campaign.basis,
        perNode);
  }

  /** This model with what the command line set (null: unchanged). */
  public CostModel with(Double price, String newCurrency, Double carbon, Double newPue) {
    if (price == null && newCurrency == null && carbon == null && newPue == null) {
      return this;
    }
    JsonObject o = new JsonObject();
    o.put("price_per_kwh", price).put("currency", newCurrency);
    o.put("carbon_g_per_kwh", carbon).put("pue", newPue);
    CostModel top = override(this, o, "", true, "command line");
    return new CostModel(
        top.pricePerKwh, top.currency, top.carbonGPerKwh, top.pue, top.basis, Map.of());
  }

  /** The model that applies to jobs of this node. */
  public CostModel forNode(String nodeId) {
    CostModel m = nodeId == null ? null : nodes.get(nodeId);
    return m == null ? this : m;
  }

  private static CostModel override(
      CostModel parent, JsonObject o, String field, boolean currencyAllowed, String basis) {
    for (String key : o.fieldNames()) {
      if (!List.of("price_per_kwh", "currency", "carbon_g_per_kwh", "pue", "nodes").contains(key)
          || (!currencyAllowed && (key.equals("currency") || key.equals("nodes")))) {
        throw new SpecException(
            prefix(field) + key,
            "is not a cost field; accepted: price_per_kwh, carbon_g_per_kwh, pue"
                + (currencyAllowed ? ", currency, nodes" : " (the currency is the campaign's)"));
      }
    }
    double price = number(o, "price_per_kwh", field, parent.pricePerKwh, 0, 100, "0 to 100");
    double carbon =
        number(o, "carbon_g_per_kwh", field, parent.carbonGPerKwh, 0, 2000, "0 to 2000 gCO2e/kWh");
    double pue = number(o, "pue", field, parent.pue, 1, 3, "1.0 to 3.0");
    String currency = parent.currency;
    Object c = o.getValue("currency");
    if (c != null) {
      if (!(c instanceof String s) || !CURRENCY.matcher(s).matches()) {
        throw new SpecException(
            prefix(field) + "currency",
            "'" + c + "' is not a currency code; accepted: three capital letters such as EUR, USD");
      }
      currency = s;
    }
    return new CostModel(price, currency, carbon, pue, basis, null);
  }

  private static String prefix(String field) {
    return field.isEmpty() ? "" : field + ".";
  }

  private static double number(
      JsonObject o,
      String key,
      String field,
      double fallback,
      double min,
      double max,
      String accepted) {
    Object v = o.getValue(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof Number n) || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
      throw new SpecException(
          prefix(field) + key, "'" + v + "' is out of range; accepted: a number, " + accepted);
    }
    return n.doubleValue();
  }

  private static JsonObject object(JsonObject o, String key, String field) {
    Object v = o.getValue(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject j)) {
      throw new SpecException(prefix(field) + key, "is not an object");
    }
    return j;
  }

  /** What one amount of IT energy costs: facility kWh (IT × PUE), money and carbon. */
  public record Figures(double kwh, double cost, double co2eGrams) {
    Figures plus(Figures o) {
      return new Figures(kwh + o.kwh, cost + o.cost, co2eGrams + o.co2eGrams);
    }

    Figures times(double f) {
      return new Figures(kwh * f, cost * f, co2eGrams * f);
    }

    JsonObject toJson() {
      return new JsonObject().put("kwh", kwh).put("cost", cost).put("co2e_g", co2eGrams);
    }
  }

  /** The figures for {@code joules} of IT energy. */
  public Figures of(double joules) {
    double kwh = joules / JOULES_PER_KWH * pue;
    return new Figures(kwh, kwh * pricePerKwh, kwh * carbonGPerKwh);
  }

  /** The settings, for the record. */
  public JsonObject toJson() {
    JsonObject j =
        new JsonObject()
            .put("price_per_kwh", pricePerKwh)
            .put("currency", currency)
            .put("carbon_g_per_kwh", carbonGPerKwh)
            .put("pue", pue)
            .put("basis", basis);
    if (!nodes.isEmpty()) {
      JsonObject n = new JsonObject();
      nodes.forEach(
          (id, m) ->
              n.put(
                  id,
                  new JsonObject()
                      .put("price_per_kwh", m.pricePerKwh)
                      .put("carbon_g_per_kwh", m.carbonGPerKwh)
                      .put("pue", m.pue)));
      j.put("nodes", n);
    }
    return j;
  }

  /**
   * One configuration's cost over its succeeded runs: the mean per job, and per hour of content
   * (for a live stream, per channel-hour): total over total content seconds. Each run is priced at
   * its node's figures. {@code estimated}: the energy was modelled, so the cost is an estimate and
   * says so. Null when no run has both energy and a content duration.
   */
  JsonObject summarise(List<JsonObject> runs, boolean estimated, boolean live) {
    Figures total = new Figures(0, 0, 0);
    double contentS = 0;
    int n = 0;
    for (JsonObject run : runs) {
      Double joules = Json.number(run, "energy", "total_joules");
      Double seconds = Json.number(run, "duration_s");
      if (joules == null || seconds == null || !(seconds > 0)) {
        continue;
      }
      total = total.plus(forNode(Json.string(run, "node_id")).of(joules));
      contentS += seconds;
      n++;
    }
    if (n == 0) {
      return null;
    }
    return new JsonObject()
        .put("currency", currency)
        .put("estimated", estimated)
        .put("runs", n)
        .put("per_job", total.times(1.0 / n).toJson())
        .put("per_content_hour", total.times(3600 / contentS).toJson())
        .put("content_hour", live ? "channel-hour" : "hour of content");
  }
}

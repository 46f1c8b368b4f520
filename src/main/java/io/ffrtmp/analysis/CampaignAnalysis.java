package io.ffrtmp.analysis;

import io.ffrtmp.job.AutoRepeat;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A campaign's job results grouped by configuration, ranked by J/frame and marked for Pareto
 * membership.
 *
 * <p>{@code configurations} is in report order: {@link RankGroup} order (measured before
 * estimated), and within a group ascending mean J/frame; configurations with no successful run come
 * last, in first-seen order.
 */
public record CampaignAnalysis(
    JsonObject campaign,
    QualityMetric metric,
    List<ConfigurationSummary> configurations,
    List<String> ffmpegVersions,
    JsonObject node,
    List<String> inputs) {

  static final String SUCCEEDED = "succeeded";

  public CampaignAnalysis {
    campaign = campaign == null ? new JsonObject() : campaign.copy();
    configurations = List.copyOf(configurations);
    ffmpegVersions = List.copyOf(ffmpegVersions);
    inputs = List.copyOf(inputs);
    node = node == null ? null : node.copy();
  }

  public static CampaignAnalysis analyse(
      JsonObject campaign, List<JsonObject> results, QualityMetric metric) {
    return analyse(campaign, results, metric, null);
  }

  /**
   * {@code cost}: what a kWh costs and emits; null takes the campaign's {@code cost} (or the
   * defaults).
   */
  public static CampaignAnalysis analyse(
      JsonObject campaign, List<JsonObject> results, QualityMetric metric, CostModel cost) {
    CostModel prices =
        cost != null
            ? cost
            : CostModel.of(campaign == null ? null : campaign.getJsonObject("cost"), "cost");
    AutoRepeat auto = campaign == null ? null : AutoRepeat.of(campaign);
    Map<String, List<JsonObject>> byConfig = new LinkedHashMap<>();
    Set<String> versions = new LinkedHashSet<>();
    Set<String> inputs = new LinkedHashSet<>();
    JsonObject node = campaign == null ? null : campaign.getJsonObject("node");
    for (JsonObject result : results) {
      byConfig.computeIfAbsent(configKey(result), key -> new ArrayList<>()).add(result);
      String input = inputLabel(Json.object(result, "spec", "input"));
      if (input != null) {
        inputs.add(input);
      }
      String version = result.getString("ffmpeg_version");
      if (version != null) {
        versions.add(version);
      }
      if (node == null) {
        node = result.getJsonObject("node");
      }
    }
    List<ConfigurationSummary> summaries =
        byConfig.entrySet().stream()
            .map(entry -> summarise(entry.getKey(), entry.getValue(), prices, auto))
            .collect(Collectors.toList());
    return new CampaignAnalysis(
        withCost(campaign, prices),
        metric,
        rank(summaries, metric),
        new ArrayList<>(versions),
        node,
        new ArrayList<>(inputs));
  }

  /** "testsrc2", "clips/a.mp4", "rtmp": what a job encoded, for the recommendation's wording. */
  private static String inputLabel(JsonObject input) {
    if (input == null) {
      return null;
    }
    String type = input.getString("type");
    if ("file".equals(type)) {
      return input.getString("path");
    }
    if ("synthetic".equals(type) || "live_synthetic".equals(type)) {
      return "synthetic " + input.getString("pattern", "testsrc2");
    }
    return type;
  }

  /** The campaign's facts with the cost model that priced it. */
  private static JsonObject withCost(JsonObject campaign, CostModel prices) {
    JsonObject c = campaign == null ? new JsonObject() : campaign.copy();
    return c.put("cost", prices.toJson());
  }

  /** The cost model the analysis priced jobs with. */
  public CostModel costModel() {
    JsonObject recorded = campaign.getJsonObject("cost");
    CostModel m = CostModel.of(costSettings(recorded), "cost");
    String basis = recorded == null ? null : recorded.getString("basis");
    return basis == null
        ? m
        : new CostModel(
            m.pricePerKwh(), m.currency(), m.carbonGPerKwh(), m.pue(), basis, m.nodes());
  }

  private static JsonObject costSettings(JsonObject recorded) {
    if (recorded == null) {
      return null;
    }
    JsonObject c = recorded.copy();
    c.remove("basis");
    return c;
  }

  /** Jobs without a key are grouped by their config object so they are not all lumped together. */
  private static String configKey(JsonObject result) {
    String key = result.getString("config_key");
    if (key != null) {
      return key;
    }
    JsonObject config = result.getJsonObject("config");
    return config == null ? "(unknown configuration)" : config.encode();
  }

  private static ConfigurationSummary summarise(
      String key, List<JsonObject> runs, CostModel prices, AutoRepeat auto) {
    JsonObject config =
        runs.stream()
            .map(run -> run.getJsonObject("config"))
            .filter(c -> c != null)
            .findFirst()
            .orElse(null);
    List<JsonObject> ok =
        runs.stream()
            .filter(run -> SUCCEEDED.equals(run.getString("state")))
            .collect(Collectors.toList());
    String firstError =
        runs.stream()
            .filter(run -> !SUCCEEDED.equals(run.getString("state")))
            .map(CampaignAnalysis::failureReason)
            .findFirst()
            .orElse(null);
    EnergyProvenance energy = null;
    for (JsonObject run : ok) {
      energy = EnergyProvenance.merge(energy, EnergyProvenance.of(run.getJsonObject("energy")));
    }
    MeanWithInterval jpf = MeanWithInterval.of(values(ok, "energy", "joules_per_frame"));
    boolean live = ok.stream().anyMatch(run -> Json.object(run, "live") != null);
    JsonObject cost = energy == null ? null : prices.summarise(ok, energy.isEstimated(), live);
    return new ConfigurationSummary(
        key,
        config,
        ok.size(),
        runs.size() - ok.size(),
        firstError,
        jpf,
        mean(ok, "energy", "above_idle_joules_per_frame"),
        mean(ok, "energy", "avg_watts"),
        mean(ok, "speed"),
        mean(ok, "quality", "psnr", "mean"),
        mean(ok, "quality", "ssim", "mean"),
        mean(ok, "bitrate_kbps"),
        mean(ok, "fps"),
        mean(ok, "quality", "vmaf", "mean"),
        energy,
        cost,
        auto == null ? null : auto.describe(values(ok, "energy", "joules_per_frame"), runs.size()),
        searches(ok),
        null,
        null,
        false,
        false);
  }

  /**
   * What the quality-targeted searches of a configuration's succeeded runs chose ({@code
   * target_search}): the parameter, the distinct values, probes per run and the final scores; null
   * when the configuration gave a CRF or bitrate itself.
   */
  private static JsonObject searches(List<JsonObject> ok) {
    List<JsonObject> reports =
        ok.stream().map(run -> run.getJsonObject("target_search")).filter(r -> r != null).toList();
    if (reports.isEmpty()) {
      return null;
    }
    JsonArray chosen = new JsonArray();
    reports.stream()
        .map(r -> r.getValue("chosen"))
        .filter(v -> v != null)
        .distinct()
        .forEach(chosen::add);
    JsonObject first = reports.get(0);
    return new JsonObject()
        .put("metric", first.getString("metric"))
        .put("target", first.getValue("target"))
        .put("tolerance", first.getValue("tolerance"))
        .put("parameter", first.getString("parameter"))
        .put("chosen", chosen)
        .put("probe_count_mean", mean(reports, "probe_count"))
        .put("final_score_mean", mean(reports, "final_score"))
        .put("search_wall_s_mean", mean(reports, "search_wall_s"))
        .put(
            "reached",
            reports.stream().allMatch(r -> Boolean.TRUE.equals(r.getBoolean("reached"))));
  }

  /** Canceled jobs often carry no error text; the state itself is then the reason. */
  private static String failureReason(JsonObject run) {
    String error = run.getString("error");
    if (error != null && !error.isBlank()) {
      return error;
    }
    String state = run.getString("state");
    return state == null ? "no result" : state;
  }

  private static List<Double> values(List<JsonObject> runs, String... path) {
    List<Double> values = new ArrayList<>();
    for (JsonObject run : runs) {
      Double value = Json.number(run, path);
      if (value != null) {
        values.add(value);
      }
    }
    return values;
  }

  private static Double mean(List<JsonObject> runs, String... path) {
    MeanWithInterval stats = MeanWithInterval.of(values(runs, path));
    return stats == null ? null : stats.mean();
  }

  static RankGroup groupOf(ConfigurationSummary summary) {
    if (summary.succeeded() == 0) {
      return RankGroup.FAILED;
    }
    if (summary.joulesPerFrame() == null || summary.energy() == null) {
      return RankGroup.NO_ENERGY;
    }
    if (summary.energy().isMeasured()) {
      return RankGroup.MEASURED;
    }
    if (summary.energy().isEstimated()) {
      return RankGroup.ESTIMATED;
    }
    return RankGroup.MIXED;
  }

  private static List<ConfigurationSummary> rank(
      List<ConfigurationSummary> summaries, QualityMetric metric) {
    Map<RankGroup, List<ConfigurationSummary>> groups = new LinkedHashMap<>();
    for (RankGroup group : RankGroup.values()) {
      groups.put(group, new ArrayList<>());
    }
    summaries.forEach(summary -> groups.get(groupOf(summary)).add(summary));
    List<ConfigurationSummary> ranked = new ArrayList<>();
    for (Map.Entry<RankGroup, List<ConfigurationSummary>> entry : groups.entrySet()) {
      RankGroup group = entry.getKey();
      List<ConfigurationSummary> members = entry.getValue();
      if (group == RankGroup.FAILED) {
        members.forEach(summary -> ranked.add(summary.ranked(group, null, false, false)));
        continue;
      }
      // Stable sort keeps first-seen order among equal or missing J/frame.
      members.sort(
          Comparator.comparing(
              ConfigurationSummary::joulesPerFrameMean,
              Comparator.nullsLast(Comparator.naturalOrder())));
      Set<ConfigurationSummary> front = Collections.newSetFromMap(new IdentityHashMap<>());
      Set<ConfigurationSummary> front3 = Collections.newSetFromMap(new IdentityHashMap<>());
      if (group.hasFront()) {
        front.addAll(
            ParetoFront.of(
                members, ConfigurationSummary::joulesPerFrameMean, s -> s.quality(metric)));
        front3.addAll(
            ParetoFront.of3(
                members,
                ConfigurationSummary::joulesPerFrameMean,
                ConfigurationSummary::bitrateKbpsMean,
                s -> s.quality(metric)));
      }
      for (int i = 0; i < members.size(); i++) {
        ConfigurationSummary summary = members.get(i);
        ranked.add(summary.ranked(group, i + 1, front.contains(summary), front3.contains(summary)));
      }
    }
    return ranked;
  }

  /** Groups present in this campaign, in report order. */
  public List<RankGroup> groups() {
    return configurations.stream()
        .map(ConfigurationSummary::group)
        .distinct()
        .collect(Collectors.toList());
  }

  public List<ConfigurationSummary> inGroup(RankGroup group) {
    return configurations.stream().filter(s -> s.group() == group).collect(Collectors.toList());
  }

  /** Front members of one group, ascending J/frame: the order in which the plot connects them. */
  public List<ConfigurationSummary> front(RankGroup group) {
    return ParetoFront.of(
        inGroup(group).stream()
            .filter(ConfigurationSummary::paretoFront)
            .collect(Collectors.toList()),
        ConfigurationSummary::joulesPerFrameMean,
        s -> s.quality(metric));
  }

  /** Three-way front members of one group, ascending J/frame. */
  public List<ConfigurationSummary> front3(RankGroup group) {
    return inGroup(group).stream()
        .filter(ConfigurationSummary::paretoFront3)
        .sorted(Comparator.comparing(ConfigurationSummary::joulesPerFrameMean))
        .collect(Collectors.toList());
  }

  public List<ConfigurationSummary> failed() {
    return inGroup(RankGroup.FAILED);
  }

  /** The campaign's {@code baseline}: a configuration key or curve label, or null. */
  public String baseline() {
    return campaign.getString("baseline");
  }

  /**
   * The rate sweeps with their BD figures against the campaign's baseline, or null when no
   * configuration was swept over its rate (no curve has two points).
   */
  public JsonObject curves() {
    List<RateCurves.Curve> curves = RateCurves.of(this);
    if (curves.stream().noneMatch(c -> c.points().size() > 1)) {
      return null;
    }
    RateCurves.Curve base;
    try {
      base = baseline() == null ? null : RateCurves.baseline(curves, baseline(), "baseline");
    } catch (io.ffrtmp.job.SpecException e) {
      // The baseline's runs all failed: no curve of it to compare with.
      return RateCurves.toJson(curves, null, metric).put("baseline_missing", e.getMessage());
    }
    return RateCurves.toJson(curves, base, metric);
  }

  /**
   * The recommendation the campaign asks for ({@code "recommend": {"target": "psnr=40", "max_kbps":
   * 4000}}, against its {@code baseline}), or null when it asks for none.
   */
  public JsonObject recommendation() {
    JsonObject r = campaign.getJsonObject("recommend");
    if (r == null || r.getString("target") == null) {
      return null;
    }
    QualityTarget target = QualityTarget.parse(r.getString("target"), "recommend.target");
    Double maxKbps = r.getDouble("max_kbps");
    try {
      return Recommendation.of(this, target, maxKbps, baseline(), "baseline");
    } catch (io.ffrtmp.job.SpecException e) {
      return Recommendation.of(this, target, maxKbps, null, "baseline")
          .put("baseline_missing", e.getMessage());
    }
  }

  /** The campaign's {@code idle_baseline}, or null when it was not recorded. */
  public JsonObject idleBaseline() {
    return campaign.getJsonObject("idle_baseline");
  }

  /** Distinct energy provenances of ranked configurations, for spelling them out once each. */
  public List<EnergyProvenance> provenances() {
    return configurations.stream()
        .map(ConfigurationSummary::energy)
        .filter(e -> e != null)
        .distinct()
        .collect(Collectors.toList());
  }
}

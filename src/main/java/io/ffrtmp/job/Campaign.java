package io.ffrtmp.job;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A campaign: a base spec, explicit configurations and/or axes (any dotted spec field, crossed with
 * each other and with the configurations), and repetitions. {@link #parse} expands and validates
 * every job before anything runs.
 */
public record Campaign(
    String name,
    String description,
    JsonObject source,
    List<Configuration> configurations,
    int repeat,
    double idleBaselineS,
    JobSpec.QualityMetric qualityMetric) {

  /** The default limit on jobs per campaign (a master's {@code --max-campaign-jobs}). */
  public static final int MAX_JOBS = 10_000;

  /** One configuration of the matrix; its repetitions share the key. */
  public record Configuration(String key, JobSpec spec, String origin) {}

  public int jobCount() {
    return configurations.size() * repeat;
  }

  /**
   * Whether the campaign asks to run every configuration on every node ({@code "placement":
   * "every_node"}).
   */
  public boolean everyNode() {
    return "every_node".equals(source.getString("placement"));
  }

  /**
   * Every configuration once per node, pinned there: the keys gain {@code @node}, so rankings
   * compare the same setting across machines.
   */
  public Campaign onEveryNode(List<String> nodeIds) {
    return onEveryNode(nodeIds, MAX_JOBS);
  }

  /** As {@link #onEveryNode(List)}, refused when that makes more than {@code maxJobs} jobs. */
  public Campaign onEveryNode(List<String> nodeIds, int maxJobs) {
    if (nodeIds.isEmpty()) {
      throw new SpecException("placement", "every_node, but no node is up to run on");
    }
    if ((long) configurations.size() * nodeIds.size() * repeat > maxJobs) {
      throw new SpecException(
          "placement",
          configurations.size()
              + " configurations on "
              + nodeIds.size()
              + " nodes x "
              + repeat
              + " is more than "
              + maxJobs
              + " jobs (the limit per campaign)");
    }
    List<Configuration> pinned = new ArrayList<>();
    for (Configuration c : configurations) {
      for (String node : nodeIds) {
        pinned.add(
            new Configuration(
                c.key() + " @" + node, c.spec().onNode(node), c.origin() + " on " + node));
      }
    }
    return new Campaign(name, description, source, pinned, repeat, idleBaselineS, qualityMetric);
  }

  public static Campaign load(Path file) throws IOException {
    return load(file, ClipFolder.NONE);
  }

  /** As {@link #load(Path)}, a folder axis listed by {@code folders}. */
  public static Campaign load(Path file, ClipFolder.Lister folders) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    if (!(StrictJson.parse(text) instanceof JsonObject json)) {
      throw new SpecException(
          "",
          "not a JSON object; a campaign file is {\"name\": ..., \"base\": {...}, \"axes\":"
              + " {...}}");
    }
    String fallbackName = file.getFileName().toString().replaceFirst("\\.json$", "");
    return parse(json, fallbackName, MAX_JOBS, folders);
  }

  public static Campaign parse(JsonObject json, String fallbackName) {
    return parse(json, fallbackName, MAX_JOBS);
  }

  /** As {@link #parse(JsonObject, String, int, ClipFolder.Lister)}; a folder axis is refused. */
  public static Campaign parse(JsonObject json, String fallbackName, int maxJobs) {
    return parse(json, fallbackName, maxJobs, ClipFolder.NONE);
  }

  /**
   * Expands and validates a campaign of at most {@code maxJobs} jobs. The count (configurations x
   * axis points x repeat) is checked before anything is expanded, so an oversized campaign costs
   * nothing. Linear in the jobs: each distinct configuration is validated once, its repetitions
   * share it. An axis given as {@code {"folder": "clips"}} (only {@code input.path}) is listed by
   * {@code folders} first; the campaign's {@link #source} then holds the list it became, so whoever
   * stores or re-reads it gets the same clips.
   */
  public static Campaign parse(
      JsonObject json, String fallbackName, int maxJobs, ClipFolder.Lister folders) {
    SchemaCheck.CAMPAIGN.check(json);
    json = listFolders(json, folders);
    // Each clip of an input.path axis (a folder or a list) is content of its own: its jobs carry
    // it in their key, the first clip's too, also when a master re-reads the stored list.
    boolean labelInputs = json.getJsonObject("axes", new JsonObject()).containsKey("input.path");
    JsonObject base = json.getJsonObject("base", new JsonObject());
    JsonArray configs = json.getJsonArray("configurations", new JsonArray().add(new JsonObject()));
    if (configs.isEmpty()) {
      throw new SpecException(
          "configurations",
          "is empty; accepted: a list of at least one partial spec, or leave it out");
    }
    JsonObject axes = json.getJsonObject("axes", new JsonObject());
    AutoRepeat auto = AutoRepeat.of(json);
    // Repeat-until-confident starts with its minimum; the job limit is checked against its cap.
    int repeat =
        auto != null
            ? auto.min()
            : ExactInt.of(json, "repeat", "repeat", 1, 1, 100, "1 to 100, or \"auto\"");
    int worstRepeat = auto != null ? auto.max() : repeat;
    double idle = json.getValue("idle_baseline_s") == null ? 5 : json.getDouble("idle_baseline_s");
    if (!(idle >= 0 && idle <= 600)) {
      throw new SpecException(
          "idle_baseline_s",
          json.getValue("idle_baseline_s") + " is out of range; accepted: 0 (skip) to 600 seconds");
    }

    long total = (long) configs.size() * worstRepeat;
    for (String path : axes.fieldNames()) {
      validatePath(path);
      // Saturates instead of overflowing: 20 axes of 100 values are 10^40 points.
      total = Math.min(total * axes.getJsonArray(path).size(), Long.MAX_VALUE / 1000);
    }
    if (total > maxJobs) {
      throw new SpecException(
          "axes",
          "expands to "
              + (total >= Long.MAX_VALUE / 1000 ? "too many" : total)
              + " jobs (configurations x axis values x repeat"
              + (auto != null ? ", counting repeat_auto.max" : "")
              + "); accepted: at most "
              + maxJobs
              + " jobs per campaign");
    }
    List<Map<String, Object>> axisPoints = cross(axes);
    Map<String, Configuration> byKey = new LinkedHashMap<>();
    // Each spec once, and per colliding key the next free suffix: a scan from #2 for each spec was
    // quadratic (10,000
    // configurations differing only in what the key leaves out took 22 s).
    Set<JobSpec> seenSpecs = new HashSet<>();
    Map<String, Integer> suffixes = new HashMap<>();
    for (int c = 0; c < configs.size(); c++) {
      for (Map<String, Object> point : axisPoints) {
        JsonObject merged = base.copy();
        deepMerge(merged, configs.getJsonObject(c));
        StringBuilder origin =
            new StringBuilder(
                json.containsKey("configurations") ? "configurations[" + c + "]" : "base");
        for (Map.Entry<String, Object> axis : point.entrySet()) {
          setPath(merged, axis.getKey(), axis.getValue());
          origin.append(", axes ").append(axis.getKey()).append('=').append(axis.getValue());
        }
        JobSpec spec;
        try {
          spec = JobSpec.fromJson(merged);
        } catch (SpecException e) {
          throw new SpecException(e.field(), e.getMessage() + " (in " + origin + ")");
        }
        // Identical configurations reached through different routes run once; configurations that
        // differ only
        // in what the encoding settings' key leaves out (the input, ...) get the input and a number
        // in their key.
        if (!seenSpecs.add(spec)) {
          continue;
        }
        String key = spec.configKey();
        if (labelInputs && !byKey.containsKey(key + " [" + inputLabel(spec.input()) + "]")) {
          key = key + " [" + inputLabel(spec.input()) + "]";
        } else if (byKey.containsKey(key)) {
          String stem = key + " [" + inputLabel(spec.input());
          do {
            int n = suffixes.merge(stem, 1, Integer::sum);
            key = n == 1 ? stem + "]" : stem + " #" + n + "]";
          } while (byKey.containsKey(key));
        }
        byKey.put(key, new Configuration(key, spec, origin.toString()));
      }
    }
    String metric = json.getString("quality_metric", "psnr");
    Density.of(json); // validated before the campaign around it
    Campaign campaign =
        new Campaign(
            json.getString("name", fallbackName),
            json.getString("description", ""),
            json.copy(),
            List.copyOf(byKey.values()),
            repeat,
            idle,
            JobSpec.QualityMetric.valueOf(metric.toUpperCase(Locale.ROOT)));
    if (campaign.density() != null) {
      Density.checkCampaign(campaign);
    }
    return campaign;
  }

  /** Repeat-until-confident ({@code "repeat": "auto"}), or null for a fixed repeat. */
  public AutoRepeat autoRepeat() {
    return AutoRepeat.of(source);
  }

  /** The campaign with each folder axis replaced by the sorted list of its clips. */
  private static JsonObject listFolders(JsonObject json, ClipFolder.Lister folders) {
    JsonObject axes = json.getJsonObject("axes");
    if (axes == null || axes.stream().noneMatch(e -> e.getValue() instanceof JsonObject)) {
      return json;
    }
    JsonObject expanded = json.copy();
    JsonObject out = expanded.getJsonObject("axes");
    for (String path : axes.fieldNames()) {
      if (!(axes.getValue(path) instanceof JsonObject folder)) {
        continue;
      }
      if (!"input.path".equals(path)) {
        throw new SpecException(
            "axes." + path,
            "a folder axis is only for input.path; accepted here: a list of values");
      }
      List<String> clips = folders.clips("axes.input.path.folder", folder.getString("folder"));
      out.put(path, new JsonArray(new ArrayList<>(clips)));
    }
    return expanded;
  }

  /** The live density mode ({@code "density"}), or null for an ordinary campaign. */
  public Density density() {
    return Density.of(source);
  }

  private static String inputLabel(JobSpec.Input in) {
    if (in.url() != null) {
      return in.url() + " " + Fps.format(in.durationS()) + "s";
    }
    return in.isFile()
        ? in.path() + (in.durationS() > 0 ? " " + Fps.format(in.durationS()) + "s" : "")
        : in.pattern()
            + " "
            + in.resolution()
            + "p"
            + Fps.format(in.fps())
            + " "
            + Fps.format(in.durationS())
            + "s";
  }

  /** Cartesian product of the axes, in file order. */
  private static List<Map<String, Object>> cross(JsonObject axes) {
    List<Map<String, Object>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (String path : axes.fieldNames()) {
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> p : points) {
        for (Object value : axes.getJsonArray(path)) {
          Map<String, Object> q = new LinkedHashMap<>(p);
          q.put(path, value);
          next.add(q);
        }
      }
      points = next;
    }
    return points;
  }

  private static void validatePath(String path) {
    JsonObject node = SchemaCheck.JOB_SPEC.schema();
    for (String part : path.split("\\.", -1)) {
      JsonObject props = node.getJsonObject("properties");
      if (props == null || !props.containsKey(part)) {
        throw new SpecException(
            "axes." + path,
            "is not a job spec field; accepted: dotted spec fields such as video.encoder,"
                + " video.preset, video.crf, video.bitrate, video.resolution, input.duration_s");
      }
      node = props.getJsonObject(part);
    }
  }

  private static void setPath(JsonObject target, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject node = target;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.getValue(parts[i]);
      if (!(child instanceof JsonObject)) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = (JsonObject) child;
    }
    node.put(parts[parts.length - 1], value);
  }

  private static void deepMerge(JsonObject target, JsonObject overlay) {
    for (String k : overlay.fieldNames()) {
      Object v = overlay.getValue(k);
      if (v instanceof JsonObject o && target.getValue(k) instanceof JsonObject t) {
        deepMerge(t, o);
      } else {
        target.put(k, v instanceof JsonObject o ? o.copy() : v);
      }
    }
  }
}

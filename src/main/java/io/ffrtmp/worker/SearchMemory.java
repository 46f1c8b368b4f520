package io.ffrtmp.worker;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobSpec.QualityMetric;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the quality-targeted searches on this worker have measured, so that a later search of the
 * same curve starts where the curve is known to cross its target: a campaign searches the same
 * input with several presets of an encoder, at several targets and in repeats, and each of those
 * searches would otherwise start blind at the encoder's default CRF.
 *
 * <p>Probes are kept per curve: the input (and the sample searched), every video setting except the
 * searched CRF or bitrate, the engine and the metric. A search of the same curve is hinted with
 * that curve's probes; one whose curve is new but whose encoder, rate control and input match one
 * seen (another preset) with that one's probes. Hints only place the first probe and the slope of
 * the second ({@link TargetSearch#hinted}); every probe of the new search is still encoded and
 * scored, so a hint can cost probes but never make a search stop on a score it did not measure.
 *
 * <p>Bounded: {@link #MAX_CURVES} curves (least recently used go first), {@link #MAX_PROBES} probes
 * each (the oldest go first). In memory, per worker process: a restarted worker starts blind.
 */
final class SearchMemory {

  static final int MAX_CURVES = 256;

  static final int MAX_PROBES = 24;

  /** Curve key → its probes, least recently used first. */
  private final Map<String, List<TargetSearch.Probe>> curves =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<TargetSearch.Probe>> e) {
          return size() > MAX_CURVES;
        }
      };

  /** Family key (a curve's key without its preset) → the curve last probed in that family. */
  private final Map<String, String> lastOfFamily =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> e) {
          return size() > MAX_CURVES;
        }
      };

  /** Where a search's hints came from: its own curve, another preset's, or none. */
  enum Source {
    SAME_CURVE,
    OTHER_PRESET,
    NONE
  }

  record Hints(Source source, List<TargetSearch.Probe> probes) {}

  /**
   * The curve a search of {@code spec} (the probe spec: the sample when the search samples)
   * follows, on the source described as {@code source}.
   */
  static String curve(JobSpec spec, QualityMetric metric, String source) {
    return key(spec, metric, source, true);
  }

  static String family(JobSpec spec, QualityMetric metric, String source) {
    return key(spec, metric, source, false);
  }

  private static String key(JobSpec spec, QualityMetric metric, String source, boolean preset) {
    JsonObject json = spec.toJson();
    JsonObject video = json.getJsonObject("video").copy();
    video.remove("crf");
    video.remove("bitrate");
    video.remove("max_bitrate");
    video.remove("target");
    if (!preset) {
      video.remove("preset");
    }
    return new JsonObject()
        .put("input", json.getJsonObject("input"))
        .put("video", video)
        .put("engine", json.getValue("engine"))
        .put("metric", metric.name())
        .put("source", source)
        .encode();
  }

  synchronized Hints hints(String curve, String family) {
    List<TargetSearch.Probe> own = curves.get(curve);
    if (own != null && !own.isEmpty()) {
      return new Hints(Source.SAME_CURVE, List.copyOf(own));
    }
    String other = lastOfFamily.get(family);
    List<TargetSearch.Probe> theirs = other == null ? null : curves.get(other);
    if (theirs != null && !theirs.isEmpty()) {
      return new Hints(Source.OTHER_PRESET, List.copyOf(theirs));
    }
    return new Hints(Source.NONE, List.of());
  }

  synchronized void remember(String curve, String family, int value, double score) {
    List<TargetSearch.Probe> probes = curves.computeIfAbsent(curve, k -> new ArrayList<>());
    probes.removeIf(p -> p.value() == value);
    probes.add(new TargetSearch.Probe(value, score));
    if (probes.size() > MAX_PROBES) {
      probes.remove(0);
    }
    lastOfFamily.put(family, curve);
  }
}

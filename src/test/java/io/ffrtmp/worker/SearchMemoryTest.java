package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobSpec.QualityMetric;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Which earlier probes a search is hinted with, and how much is kept. */
class SearchMemoryTest {

  static JobSpec spec(String encoder, String preset, String resolution) {
    return JobSpec.fromJson(
            new JsonObject()
                .put("name", "n-" + preset)
                .put(
                    "input",
                    new JsonObject()
                        .put("type", "synthetic")
                        .put("pattern", "testsrc2")
                        .put("duration_s", 2))
                .put(
                    "video",
                    new JsonObject()
                        .put("encoder", encoder)
                        .put("preset", preset)
                        .put("resolution", resolution)
                        .put("target", new JsonObject().put("metric", "psnr").put("value", 40))))
        .searched(23);
  }

  static String curve(JobSpec s) {
    return SearchMemory.curve(s, QualityMetric.PSNR, "testsrc2");
  }

  static String family(JobSpec s) {
    return SearchMemory.family(s, QualityMetric.PSNR, "testsrc2");
  }

  @Test
  void theSameCurveIgnoresTheSearchedValueTheTargetAndTheName() {
    JobSpec a = spec("libx264", "veryfast", "640x360");
    JobSpec b = spec("libx264", "veryfast", "640x360").searched(30);
    assertThat(curve(a)).isEqualTo(curve(b));
    assertThat(curve(a)).isNotEqualTo(curve(spec("libx264", "medium", "640x360")));
    assertThat(family(a)).isEqualTo(family(spec("libx264", "medium", "640x360")));
    assertThat(family(a)).isNotEqualTo(family(spec("libx265", "veryfast", "640x360")));
    assertThat(family(a)).isNotEqualTo(family(spec("libx264", "veryfast", "1280x720")));
    assertThat(curve(a))
        .isNotEqualTo(SearchMemory.curve(a, QualityMetric.SSIM, "testsrc2"))
        .isNotEqualTo(SearchMemory.curve(a, QualityMetric.PSNR, "testsrc2, its first 1 s"));
  }

  @Test
  void aCurveIsHintedWithItsOwnProbesFirstThenAnotherPresets() {
    SearchMemory m = new SearchMemory();
    JobSpec fast = spec("libx264", "veryfast", "640x360");
    JobSpec medium = spec("libx264", "medium", "640x360");
    assertThat(m.hints(curve(fast), family(fast)).source()).isEqualTo(SearchMemory.Source.NONE);
    m.remember(curve(fast), family(fast), 23, 42.2);
    m.remember(curve(fast), family(fast), 26, 39.7);
    SearchMemory.Hints other = m.hints(curve(medium), family(medium));
    assertThat(other.source()).isEqualTo(SearchMemory.Source.OTHER_PRESET);
    assertThat(other.probes()).extracting(TargetSearch.Probe::value).containsExactly(23, 26);
    m.remember(curve(medium), family(medium), 27, 40.2);
    SearchMemory.Hints own = m.hints(curve(medium), family(medium));
    assertThat(own.source()).isEqualTo(SearchMemory.Source.SAME_CURVE);
    assertThat(own.probes()).extracting(TargetSearch.Probe::value).containsExactly(27);
    // A value probed again replaces its earlier score.
    m.remember(curve(medium), family(medium), 27, 40.3);
    assertThat(m.hints(curve(medium), family(medium)).probes())
        .containsExactly(new TargetSearch.Probe(27, 40.3));
  }

  @Test
  void memoryIsBounded() {
    SearchMemory m = new SearchMemory();
    for (int i = 0; i < SearchMemory.MAX_CURVES + 10; i++) {
      m.remember("c" + i, "f" + i, 23, 40);
    }
    assertThat(m.hints("c0", "f0").source()).isEqualTo(SearchMemory.Source.NONE);
    assertThat(m.hints("c" + (SearchMemory.MAX_CURVES + 9), "x").source())
        .isEqualTo(SearchMemory.Source.SAME_CURVE);
    for (int v = 0; v < SearchMemory.MAX_PROBES + 5; v++) {
      m.remember("one", "f", v, 50 - v);
    }
    assertThat(m.hints("one", "f").probes()).hasSize(SearchMemory.MAX_PROBES);
    assertThat(m.hints("one", "f").probes().get(0).value()).isEqualTo(5);
  }
}

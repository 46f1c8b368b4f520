package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzes the spec validator with specs built from real field names and a mix of plausible and
 * hostile values: it either accepts (and the canonical form parses back to the same spec) or
 * rejects with a {@link SpecException} that names a field. Never another exception, never a silent
 * acceptance of something it cannot encode.
 */
class JobSpecPropertyTest {

  private static final List<String> VIDEO_FIELDS =
      List.of(
          "codec",
          "encoder",
          "preset",
          "rate_control",
          "crf",
          "bitrate",
          "max_bitrate",
          "resolution",
          "fps",
          "gop",
          "threads",
          "bogus");
  private static final List<String> INPUT_FIELDS =
      List.of("type", "pattern", "duration_s", "resolution", "fps", "path", "realtime");

  @Provide
  Arbitrary<Object> values() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "libx264",
            "libx265",
            "libsvtav1",
            "libvpx-vp9",
            "h264_nvenc",
            "auto",
            "h264",
            "hevc",
            "av1",
            "vp9",
            "crf",
            "cbr",
            "vbr",
            "veryfast",
            "medium",
            "p4",
            "8",
            "1280x720",
            "720p",
            "4K",
            "abc",
            "2.5M",
            "800k",
            "-1",
            "synthetic",
            "testsrc2",
            "file",
            "live_synthetic",
            "rtmp",
            "../../etc/passwd",
            "$(rm -rf /)",
            "a;b|c`d`",
            "",
            " ",
            "null"),
        Arbitraries.integers().between(-1000, 100_000).map(i -> (Object) i),
        Arbitraries.doubles().between(-10, 1e6).map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(new JsonArray().add(1)),
        Arbitraries.just(new JsonObject().put("x", 1)));
  }

  @Provide
  Arbitrary<JsonObject> specs() {
    Arbitrary<JsonObject> video = section(VIDEO_FIELDS);
    Arbitrary<JsonObject> input = section(INPUT_FIELDS);
    Arbitrary<String> scenario =
        Arbitraries.of(
            "720p30-h264",
            "4K60-h265",
            "1080p-av1",
            "360p-vp9",
            "live-240p-h264",
            "8K-h264",
            "huge",
            "");
    return Combinators.combine(video, input, scenario, Arbitraries.of(true, false))
        .as(
            (v, i, sc, useScenario) -> {
              JsonObject spec = new JsonObject().put("video", v).put("input", i);
              if (useScenario) {
                spec.put("scenario", sc);
              }
              return spec;
            });
  }

  private Arbitrary<JsonObject> section(List<String> fields) {
    return Arbitraries.of(fields)
        .list()
        .ofMaxSize(5)
        .uniqueElements()
        .flatMap(
            names ->
                values()
                    .list()
                    .ofSize(names.size())
                    .map(
                        vals -> {
                          JsonObject o = new JsonObject();
                          for (int k = 0; k < names.size(); k++) {
                            o.put(names.get(k), vals.get(k));
                          }
                          return o;
                        }));
  }

  @Property(tries = 2000)
  void acceptsAndRoundTripsOrRejectsNamingAField(@ForAll("specs") JsonObject json) {
    JobSpec spec;
    try {
      spec = JobSpec.fromJson(json);
    } catch (SpecException e) {
      assertThat(e.field()).as(json.encode()).isNotBlank();
      assertThat(e.getMessage()).as(json.encode()).isNotBlank();
      return;
    }
    assertThat(JobSpec.fromJson(spec.toJson())).isEqualTo(spec);
    assertThat(spec.input().frames()).isPositive();
    assertThat(spec.video().encoder().codec()).isEqualTo(spec.video().codec());
  }
}

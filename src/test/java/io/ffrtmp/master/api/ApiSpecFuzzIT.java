package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.SpecException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Random job specs, mostly wrong in some way (wrong types, unknown fields, out-of-range numbers,
 * shell metacharacters, paths out of the media roots), through the API's whole validation path: the
 * OpenAPI contract, the spec parser and the containment checks. Every answer is 201 or a 400 naming
 * a field; never a 5xx; a job is stored exactly when 201 is answered; and the API never accepts a
 * spec the parser refuses.
 */
class ApiSpecFuzzIT {

  static final List<String> TOP =
      List.of("name", "scenario", "engine", "queue", "priority", "timeout_s", "bogus");
  static final List<String> INPUT =
      List.of("type", "path", "pattern", "duration_s", "resolution", "fps");
  static final List<String> VIDEO =
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
          "threads");
  static final List<String> MEASURE =
      List.of("interval_ms", "quality", "exclusive", "settle_max_s", "settle_within");

  static ApiFixture api;
  static Path dir;

  @BeforeContainer
  static void up() throws Exception {
    dir = ApiFixture.reachable(Files.createTempDirectory("ffrtmp-fuzz"));
    api = ApiFixture.storeOnly(dir, c -> c.withRate(100_000, 100_000));
  }

  @AfterContainer
  static void down() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  @Property(tries = 400)
  void everyAnswerIsCreatedOrA400NamingAFieldAndOnlyCreatedJobsAreStored(
      @ForAll("specs") JsonObject spec) throws Exception {
    long before = api.count("SELECT count(*) FROM jobs");
    ApiFixture.Response r = api.post("/api/v1/jobs", api.tokens.get(Role.OPERATOR), spec.encode());
    long after = api.count("SELECT count(*) FROM jobs");
    Statistics.collect(r.status());
    assertThat(r.status()).as(spec.encode() + " → " + r.text()).isIn(201, 400);
    if (r.status() == 201) {
      assertThat(after).isEqualTo(before + 1);
      JobSpec.fromJson(spec); // the API never accepts what the parser refuses
    } else {
      assertThat(after).isEqualTo(before);
      JsonObject error = r.json().getJsonObject("error");
      assertThat(error.getString("field")).as(r.text()).isNotBlank();
      assertThat(error.getString("message")).isNotBlank();
    }
    boolean parserAccepts;
    try {
      JobSpec.fromJson(spec);
      parserAccepts = true;
    } catch (SpecException | IllegalArgumentException | ClassCastException e) {
      parserAccepts = false;
    }
    if (!parserAccepts) {
      assertThat(r.status()).as(spec.encode()).isEqualTo(400);
    }
  }

  @Provide
  Arbitrary<JsonObject> specs() {
    Arbitrary<Object> leaf =
        Arbitraries.oneOf(
            Arbitraries.of(
                "libx264",
                "libx265",
                "ultrafast",
                "veryfast",
                "h264",
                "hevc",
                "av1",
                "1280x720",
                "160x90",
                "720p30-h264",
                "4K60-h265",
                "10M",
                "4500k",
                "crf",
                "cbr",
                "vbr",
                "live",
                "batch",
                "default",
                "high",
                "low",
                "synthetic",
                "file",
                "testsrc2",
                "psnr",
                "auto",
                "ffmpeg",
                "clips/a.mp4",
                "../../etc/passwd",
                "/etc/passwd",
                "rtmp://evil.example/x",
                "a;b",
                "$(id)",
                "`id`",
                "x|y",
                "x&&y",
                "x>y",
                "",
                " "),
            Arbitraries.strings()
                .withChars("abcxyz0129;|$`&<>/.-_ ()'\"\\")
                .ofMaxLength(12)
                .map(s -> (Object) s),
            Arbitraries.integers().between(-10, 100_000).map(i -> (Object) i),
            Arbitraries.doubles().between(-1, 200).map(d -> (Object) d),
            Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just(new JsonArray().add("psnr")).map(a -> (Object) a),
            Arbitraries.just((Object) null));
    Arbitrary<Map<String, Object>> top = Arbitraries.maps(Arbitraries.of(TOP), leaf).ofMaxSize(3);
    Arbitrary<Map<String, Object>> input =
        Arbitraries.maps(Arbitraries.of(INPUT), leaf).ofMaxSize(3).injectNull(0.3);
    Arbitrary<Map<String, Object>> video =
        Arbitraries.maps(Arbitraries.of(VIDEO), leaf).ofMaxSize(4).injectNull(0.3);
    Arbitrary<Map<String, Object>> measure =
        Arbitraries.maps(Arbitraries.of(MEASURE), leaf).ofMaxSize(2).injectNull(0.6);
    return Combinators.combine(top, input, video, measure)
        .as(
            (t, i, v, m) -> {
              JsonObject o = new JsonObject(new LinkedHashMap<>(t));
              if (i != null) {
                o.put("input", new JsonObject(new LinkedHashMap<>(i)));
              }
              if (v != null) {
                o.put("video", new JsonObject(new LinkedHashMap<>(v)));
              }
              if (m != null) {
                o.put("measure", new JsonObject(new LinkedHashMap<>(m)));
              }
              return o;
            });
  }
}

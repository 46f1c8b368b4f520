package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CampaignTest {

  @TempDir Path dir;

  private Campaign parse(String json) {
    return Campaign.parse(new JsonObject(json), "t");
  }

  @Test
  void axesAreCrossedWithConfigurations() {
    Campaign c =
        parse(
            """
            {"base": {"video": {"encoder": "libx264"}},
             "configurations": [{"video": {"crf": 20}}, {"video": {"crf": 30}}],
             "axes": {"video.preset": ["ultrafast", "medium"], "video.resolution": ["640x360", "1280x720"]},
             "repeat": 2}\
            """);
    assertThat(c.configurations()).hasSize(8);
    assertThat(c.jobCount()).isEqualTo(16);
    assertThat(c.configurations().get(0).key()).isEqualTo("libx264 ultrafast crf20 640x360p30");
  }

  @Test
  void duplicateConfigurationsRunOnce() {
    Campaign c =
        parse(
            "{\"configurations\": [{}, {\"video\": {\"codec\": \"h264\", \"encoder\":"
                + " \"auto\"}}]}");
    assertThat(c.configurations()).hasSize(1);
  }

  @Test
  void errorsNameTheConfigurationAndField() {
    assertThatThrownBy(
            () ->
                parse(
                    "{\"configurations\": [{}, {\"video\": {\"encoder\": \"libx264\", \"preset\":"
                        + " \"hyper\"}}]}"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("configurations[1]")
        .extracting(e -> ((SpecException) e).field())
        .isEqualTo("video.preset");
  }

  @Test
  void axisMustBeASpecField() {
    assertThatThrownBy(() -> parse("{\"axes\": {\"video.speed\": [1, 2]}}"))
        .isInstanceOf(SpecException.class)
        .extracting(e -> ((SpecException) e).field())
        .isEqualTo("axes.video.speed");
  }

  @Test
  void unknownTopLevelFieldIsRejected() {
    assertThatThrownBy(() -> parse("{\"repetitions\": 3}"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("repetitions")
        .hasMessageContaining("repeat");
  }

  @Test
  void syntaxErrorSaysWhere() throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"name\": \"x\",\n \"base\": {\"video\": }\n}");
    assertThatThrownBy(() -> Campaign.load(f))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("line");
  }

  @Test
  void everyShippedCampaignIsValid() throws Exception {
    // natural-clips sweeps the clips/ folder of a media root: give it one with a clip.
    Path media = Files.createDirectories(dir.resolve("media"));
    Files.writeString(Files.createDirectories(media.resolve("clips")).resolve("a.mp4"), "x");
    try (Stream<Path> files = Files.list(Path.of("conf/campaigns"))) {
      for (Path f : files.toList()) {
        Campaign c = Campaign.load(f, ClipFolder.in(java.util.List.of(media)));
        assertThat(c.configurations()).as(f.toString()).isNotEmpty();
      }
    }
    Campaign quick = Campaign.load(Path.of("conf/campaigns/quick.json"));
    assertThat(quick.configurations()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(
            quick.configurations().stream().map(c -> c.spec().video().encoder()).distinct().count())
        .isGreaterThanOrEqualTo(3);
    assertThat(quick.configurations().get(0).spec().input().resolution())
        .isEqualTo(new Resolution(1280, 720));
  }

  @Test
  void configurationsThatDifferOnlyInTheirInputKeepDistinctKeys() {
    Campaign c =
        parse(
            "{\"base\": {\"video\": {\"encoder\": \"libx264\"}}, \"axes\": {\"input.duration_s\":"
                + " [5, 10]}}");
    assertThat(c.configurations())
        .extracting(Campaign.Configuration::key)
        .containsExactly(
            "libx264 medium crf23 1280x720p30",
            "libx264 medium crf23 1280x720p30 [testsrc2 1280x720p30 10s]");
  }

  @Test
  void configurationsThatShareAKeyAreNumberedInOrder() {
    Campaign c =
        parse(
            """
            {"base": {"video": {"encoder": "libx264"}}, "axes": {"video.gop": [10, 20, 30, 20]}}\
            """);
    assertThat(c.configurations())
        .extracting(Campaign.Configuration::key)
        .containsExactly(
            "libx264 medium crf23 1280x720p30",
            "libx264 medium crf23 1280x720p30 [testsrc2 1280x720p30 10s]",
            "libx264 medium crf23 1280x720p30 [testsrc2 1280x720p30 10s #2]");
    assertThat(c.configurations())
        .extracting(k -> k.spec().video().gop())
        .containsExactly(10, 20, 30);
  }

  @Test
  void theLargestAllowedCampaignExpandsToDistinctKeys() {
    // 100 GOPs x 10 poll intervals x 10 settle times: 10,000 configurations whose encoding key is
    // the same.
    Campaign c =
        Campaign.parse(
            new JsonObject()
                .put(
                    "axes",
                    new JsonObject()
                        .put("video.gop", range(1, 100))
                        .put("measure.interval_ms", range(100, 10))
                        .put("measure.settle_max_s", range(10, 10))),
            "t",
            10_000);
    assertThat(c.jobCount()).isEqualTo(10_000);
    assertThat(c.configurations().stream().map(Campaign.Configuration::key).distinct())
        .hasSize(10_000);
  }

  @Test
  void theJobLimitIsCheckedBeforeExpanding() {
    // 10 axes of 100 values: 10^20 points, which would exhaust memory if they were expanded first.
    JsonObject huge = new JsonObject().put("axes", new JsonObject());
    for (String field :
        new String[] {
          "video.gop",
          "video.threads",
          "video.crf",
          "measure.interval_ms",
          "measure.settle_max_s",
          "measure.settle_within",
          "input.duration_s",
          "input.fps",
          "video.fps",
          "timeout_s"
        }) {
      huge.getJsonObject("axes").put(field, range(1, 100));
    }
    assertThatThrownBy(() -> Campaign.parse(huge, "t", 10_000))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("at most 10000 jobs per campaign")
        .extracting(e -> ((SpecException) e).field())
        .isEqualTo("axes");
    JsonObject small =
        new JsonObject()
            .put("axes", new JsonObject().put("video.gop", range(1, 30)))
            .put("repeat", 2);
    assertThatThrownBy(() -> Campaign.parse(small, "t", 50))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("expands to 60 jobs")
        .hasMessageContaining("at most 50 jobs per campaign");
    assertThat(Campaign.parse(small, "t", 60).jobCount()).isEqualTo(60);
  }

  private static JsonArray range(int from, int count) {
    return new JsonArray(IntStream.range(from, from + count).boxed().toList());
  }

  private static final String LIVE_BASE =
      "\"base\": {\"input\": {\"type\": \"live_synthetic\", \"resolution\": \"160x120\","
          + " \"fps\": 30, \"duration_s\": 4}, \"output\": {\"type\": \"rtmp\", \"url\":"
          + " \"rtmp://127.0.0.1:1935/live/d\"}, \"video\": {\"encoder\": \"libx264\","
          + " \"resolution\": \"160x120\", \"fps\": 30}, \"measure\": {\"quality\": []}}";

  private static Campaign density(String density, String extra) {
    return Campaign.parse(
        new io.vertx.core.json.JsonObject(
            "{" + LIVE_BASE + ", \"density\": " + density + extra + "}"),
        "d");
  }

  @Test
  void theShippedDensityCampaignIsOneLiveConfigurationUpTo16Streams() throws Exception {
    Campaign c = Campaign.load(Path.of("conf/campaigns/live-density.json"));
    assertThat(c.density()).isEqualTo(new Density(1, 16, 30, Density.DOUBLE_THEN_BISECT));
    assertThat(c.configurations()).hasSize(1);
    assertThat(c.configurations().get(0).spec().input().type()).isEqualTo("live_synthetic");
    assertThat(c.configurations().get(0).spec().video().resolution())
        .isEqualTo(new Resolution(1280, 720));
  }

  @Test
  void aDensityBlockIsValidatedFieldByField() {
    assertThat(density("{\"max\": 4, \"window_s\": 4}", "").density())
        .isEqualTo(new Density(1, 4, 4, Density.DOUBLE_THEN_BISECT));
    String[][] bad = {
      {"{\"max\": 0}", "", "density.max"},
      {"{\"max\": 65}", "", "density.max"},
      {"{\"start\": 5, \"max\": 4}", "", "density.start"},
      {"{\"window_s\": 1}", "", "density.window_s"},
      {"{\"schedule\": \"linear\"}", "", "density.schedule"},
      {"{\"max\": 4}", ", \"repeat\": 2", "repeat"},
      {"{\"max\": 4}", ", \"axes\": {\"video.preset\": [\"fast\", \"slow\"]}", "density"},
    };
    for (String[] b : bad) {
      assertThatThrownBy(() -> density(b[0], b[1]))
          .as(b[0] + b[1])
          .isInstanceOf(SpecException.class)
          .satisfies(e -> assertThat(((SpecException) e).field()).startsWith(b[2]));
    }
    assertThatThrownBy(
            () ->
                Campaign.parse(
                    new io.vertx.core.json.JsonObject(
                        "{\"base\": {\"input\": {\"type\": \"synthetic\"}}, \"density\":" + " {}}"),
                    "d"))
        .isInstanceOf(SpecException.class)
        .satisfies(e -> assertThat(((SpecException) e).field()).isEqualTo("base.input.type"));
  }

  private static final String SWEEP =
      "\"configurations\": [{\"video\": {\"encoder\": \"libx264\", \"preset\": \"medium\"}},"
          + " {\"video\": {\"encoder\": \"libx265\", \"preset\": \"fast\"}}],"
          + " \"axes\": {\"video.crf\": [22, 26, 30, 34]}";

  @Test
  void repeatAutoStartsWithItsMinimumAndIsLimitedByItsCap() {
    Campaign c = parse("{" + SWEEP + ", \"repeat\": \"auto\"}");
    assertThat(c.repeat()).isEqualTo(3);
    assertThat(c.jobCount()).isEqualTo(24);
    assertThat(c.autoRepeat().max()).isEqualTo(10);
    assertThat(parse("{" + SWEEP + ", \"repeat\": 2}").autoRepeat()).isNull();
    assertThatThrownBy(
            () -> Campaign.parse(new JsonObject("{" + SWEEP + ", \"repeat\": \"auto\"}"), "t", 50))
        .hasFieldOrPropertyWithValue("field", "axes")
        .hasMessageContaining("expands to 80 jobs")
        .hasMessageContaining("counting repeat_auto.max");
    assertThatThrownBy(() -> parse("{" + SWEEP + ", \"repeat\": \"often\"}"))
        .isInstanceOf(SpecException.class)
        .hasFieldOrPropertyWithValue("field", "repeat");
  }
}

package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CampaignTest {

  @TempDir
  Path dir;

  private Campaign parse(String json) {
    return Campaign.parse(new JsonObject(json), "t");
  }

  @Test
  void axesAreCrossedWithConfigurations() {
    Campaign c = parse("""
      {"base": {"video": {"encoder": "libx264"}},
       "configurations": [{"video": {"crf": 20}}, {"video": {"crf": 30}}],
       "axes": {"video.preset": ["ultrafast", "medium"], "video.resolution": ["640x360", "1280x720"]},
       "repeat": 2}""");
    assertThat(c.configurations()).hasSize(8);
    assertThat(c.jobCount()).isEqualTo(16);
    assertThat(c.configurations().get(0).key()).isEqualTo("libx264 ultrafast crf20 640x360p30");
  }

  @Test
  void duplicateConfigurationsRunOnce() {
    Campaign c = parse("{\"configurations\": [{}, {\"video\": {\"codec\": \"h264\", \"encoder\": \"auto\"}}]}");
    assertThat(c.configurations()).hasSize(1);
  }

  @Test
  void errorsNameTheConfigurationAndField() {
    assertThatThrownBy(() -> parse("{\"configurations\": [{}, {\"video\": {\"encoder\": \"libx264\", \"preset\": \"hyper\"}}]}"))
      .isInstanceOf(SpecException.class)
      .hasMessageContaining("configurations[1]")
      .extracting(e -> ((SpecException) e).field()).isEqualTo("video.preset");
  }

  @Test
  void axisMustBeASpecField() {
    assertThatThrownBy(() -> parse("{\"axes\": {\"video.speed\": [1, 2]}}"))
      .isInstanceOf(SpecException.class)
      .extracting(e -> ((SpecException) e).field()).isEqualTo("axes.video.speed");
  }

  @Test
  void unknownTopLevelFieldIsRejected() {
    assertThatThrownBy(() -> parse("{\"repetitions\": 3}"))
      .isInstanceOf(SpecException.class)
      .hasMessageContaining("repetitions").hasMessageContaining("repeat");
  }

  @Test
  void syntaxErrorSaysWhere() throws Exception {
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"name\": \"x\",\n \"base\": {\"video\": }\n}");
    assertThatThrownBy(() -> Campaign.load(f)).isInstanceOf(SpecException.class).hasMessageContaining("not valid JSON")
      .hasMessageContaining("line");
  }

  @Test
  void everyShippedCampaignIsValid() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("conf/campaigns"))) {
      for (Path f : files.toList()) {
        Campaign c = Campaign.load(f);
        assertThat(c.configurations()).as(f.toString()).isNotEmpty();
      }
    }
    Campaign quick = Campaign.load(Path.of("conf/campaigns/quick.json"));
    assertThat(quick.configurations()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(quick.configurations().stream().map(c -> c.spec().video().encoder()).distinct().count()).isGreaterThanOrEqualTo(3);
    assertThat(quick.configurations().get(0).spec().input().resolution()).isEqualTo(new Resolution(1280, 720));
  }

  @Test
  void configurationsThatDifferOnlyInTheirInputKeepDistinctKeys() {
    Campaign c = parse("{\"base\": {\"video\": {\"encoder\": \"libx264\"}}, \"axes\": {\"input.duration_s\": [5, 10]}}");
    assertThat(c.configurations()).extracting(Campaign.Configuration::key)
      .containsExactly("libx264 medium crf23 1280x720p30", "libx264 medium crf23 1280x720p30 [testsrc2 1280x720p30 10s]");
  }
}

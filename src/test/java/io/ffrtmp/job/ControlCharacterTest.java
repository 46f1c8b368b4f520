package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Control characters (C0, DEL, C1) are refused in every text field of a job spec and a campaign,
 * naming the field: a NUL used to reach PostgreSQL and answer 500.
 */
class ControlCharacterTest {

  /** Every text field of a spec, as {path, a valid value around which the control goes}. */
  private static final List<String[]> SPEC_TEXT =
      List.of(
          new String[] {"name", "clip"},
          new String[] {"scenario", "720p30-h264"},
          new String[] {"engine", "ffmpeg"},
          new String[] {"queue", "live"},
          new String[] {"priority", "high"},
          new String[] {"input.type", "synthetic"},
          new String[] {"input.pattern", "testsrc2"},
          new String[] {"input.resolution", "640x360"},
          new String[] {"output.type", "null"},
          new String[] {"video.codec", "h264"},
          new String[] {"video.encoder", "libx264"},
          new String[] {"video.preset", "fast"},
          new String[] {"video.rate_control", "crf"},
          new String[] {"video.resolution", "640x360"},
          new String[] {"requirements.labels.gpu", "nvidia"},
          new String[] {"requirements.node", "node-1"});

  private static final List<Character> CONTROLS =
      List.of('\u0000', '\u0001', '\n', '\t', '\u001b', '\u001f', '\u007f', '\u0085', '\u009f');

  static List<Object[]> cases() {
    return CONTROLS.stream()
        .flatMap(c -> SPEC_TEXT.stream().map(f -> new Object[] {f[0], f[1], c}))
        .toList();
  }

  private static JsonObject with(String path, Object value) {
    JsonObject root = new JsonObject();
    JsonObject node = root;
    String[] p = path.split("\\.");
    for (int i = 0; i < p.length - 1; i++) {
      JsonObject next = new JsonObject();
      node.put(p[i], next);
      node = next;
    }
    node.put(p[p.length - 1], value);
    return root;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void aControlCharacterInAnySpecTextIsRefusedNamingTheField(
      String path, String valid, char control) {
    JobSpec.fromJson(with(path, valid)); // the same field without it is accepted
    SpecException e =
        catchThrowableOfType(
            SpecException.class,
            () ->
                JobSpec.fromJson(with(path, valid.charAt(0) + "" + control + valid.substring(1))));
    assertThat(e).as(path + " with U+%04X", (int) control).isNotNull();
    assertThat(e.field()).isEqualTo(path);
    assertThat(e.getMessage())
        .contains(String.format("U+%04X", (int) control))
        .contains("accepted: text without control characters");
  }

  @ParameterizedTest
  @MethodSource("cases")
  void theSameInACampaignIsRefusedThereToo(String path, String valid, char control) {
    String bad = valid.charAt(0) + "" + control + valid.substring(1);
    JsonObject c = new JsonObject().put("name", "c").put("base", with(path, bad));
    SpecException e = catchThrowableOfType(SpecException.class, () -> Campaign.parse(c, "t"));
    assertThat(e.field()).isEqualTo("base." + path);
  }

  static List<Character> controls() {
    return CONTROLS;
  }

  @ParameterizedTest
  @MethodSource("controls")
  void campaignTextAndPathsAreRefused(char control) {
    for (String field : List.of("name", "description", "placement", "quality_metric")) {
      JsonObject c = new JsonObject().put("name", "c").put(field, "a" + control);
      assertThat(catchThrowableOfType(SpecException.class, () -> Campaign.parse(c, "t")).field())
          .isEqualTo(field);
    }
    JsonObject axis =
        new JsonObject()
            .put("name", "c")
            .put("axes", new JsonObject().put("video.preset", List.of("fast", "me" + control)));
    assertThat(catchThrowableOfType(SpecException.class, () -> Campaign.parse(axis, "t")).field())
        .isEqualTo("axes.video.preset[1]");
    JsonObject config =
        new JsonObject()
            .put("name", "c")
            .put("configurations", List.of(new JsonObject(), with("input.path", "a" + control)));
    assertThat(catchThrowableOfType(SpecException.class, () -> Campaign.parse(config, "t")).field())
        .isEqualTo("configurations[1].input.path");
  }

  @ParameterizedTest
  @MethodSource("controls")
  void aControlCharacterInAKeyIsRefused(char control) {
    JsonObject labels =
        with("requirements.labels", new JsonObject().put("g" + control + "pu", "x"));
    SpecException e = catchThrowableOfType(SpecException.class, () -> JobSpec.fromJson(labels));
    assertThat(e.field()).isEqualTo("requirements.labels.g?pu");
    assertThat(e.getMessage()).startsWith("the key contains a control character");
  }

  @Test
  void aFilePathWithAControlCharacterIsRefused() {
    JsonObject file =
        new JsonObject().put("input", new JsonObject().put("type", "file").put("path", "a\u0000b"));
    assertThat(catchThrowableOfType(SpecException.class, () -> JobSpec.fromJson(file)).field())
        .isEqualTo("input.path");
  }
}

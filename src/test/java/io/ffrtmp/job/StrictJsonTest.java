package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What users write is read as standard JSON only: a comment or a key given twice is refused with
 * the place named, where Vert.x's decoding alone would accept the comment and keep the last key.
 */
class StrictJsonTest {

  @TempDir Path dir;

  private static SpecException refused(String json) {
    try {
      StrictJson.parse(json);
    } catch (SpecException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void vertxAloneWouldAcceptBoth() {
    // The reason this reader exists: if these ever fail, Vert.x became strict itself.
    assertThat(new JsonObject("{\"queue\": \"live\", \"queue\": \"batch\"}").getString("queue"))
        .isEqualTo("batch");
    assertThat(new JsonObject("{/* c */ \"queue\": \"live\"}").getString("queue"))
        .isEqualTo("live");
  }

  @Test
  void standardJsonDecodesAsVertxDoes() {
    Object v =
        StrictJson.parse(
            "{\"a\": [1, {\"a\": 2}, {\"a\": 3}], \"b\": {\"a\": \"x\"}, \"n\": 4294967296}");
    assertThat(v).isInstanceOf(JsonObject.class);
    JsonObject o = (JsonObject) v;
    assertThat(o.getJsonArray("a")).isEqualTo(new JsonArray("[1, {\"a\": 2}, {\"a\": 3}]"));
    assertThat(o.getValue("n")).isEqualTo(4294967296L);
    assertThat(StrictJson.parse("[1, 2]")).isInstanceOf(JsonArray.class);
  }

  @Test
  void aDuplicateKeyIsRefusedAtItsPathAtEveryLevel() {
    assertThat(refused("{\"queue\":\"live\",\"queue\":\"batch\"}").field()).isEqualTo("queue");
    SpecException nested = refused("{\"video\": {\"crf\": 20, \"preset\": \"fast\", \"crf\": 30}}");
    assertThat(nested.field()).isEqualTo("video.crf");
    assertThat(nested.getMessage())
        .contains("duplicate key 'crf'")
        .contains("line 1")
        .contains("accepted: each key once per object");
    assertThat(refused("{\"configurations\": [{}, {\"video\": {\"gop\": 1, \"gop\": 2}}]}").field())
        .isEqualTo("configurations[1].video.gop");
    assertThat(
            refused("{\"requirements\": {\"labels\": {\"gpu\": \"a\", \"gpu\": \"b\"}}}").field())
        .isEqualTo("requirements.labels.gpu");
  }

  @Test
  void theSameKeyInSiblingObjectsIsNoDuplicate() {
    JsonObject o =
        (JsonObject)
            StrictJson.parse(
                "{\"a\": {\"x\": 1}, \"b\": {\"x\": 2}, \"c\": [{\"x\": 3}, {\"x\": 4}]}");
    assertThat(o.getJsonObject("b").getInteger("x")).isEqualTo(2);
  }

  @Test
  void commentsAreRefusedSayingWhere() {
    for (String json :
        new String[] {
          "{\"queue\": \"live\" /* urgent */}",
          "{\"queue\": \"live\", // urgent\n \"name\": \"x\"}",
          "# a yaml comment\n{}",
          "{\"video\": {\"crf\": 23 # high\n}}"
        }) {
      SpecException e = refused(json);
      assertThat(e.getMessage()).as(json).contains("comment").containsPattern("line \\d+, column");
    }
    SpecException inVideo = refused("{\"video\": {\"crf\": 23 /* x */}}");
    assertThat(inVideo.field()).isEmpty();
    assertThat(inVideo.getMessage()).contains("line 1, column 22").contains("after video.crf");
    assertThat(refused("/* x */ {}").field()).isEmpty();
  }

  @Test
  void otherLeniencyIsRefusedToo() {
    for (String json :
        new String[] {
          "",
          "{'a': 1}",
          "{a: 1}",
          "{\"a\": 1,}",
          "[1, 2,]",
          "{\"a\": NaN}",
          "{\"a\": 01}",
          "{} {}",
          "{} x",
          "{\"a\": 1"
        }) {
      assertThat(refused(json).getMessage()).as(json).startsWith("not valid JSON");
    }
  }

  @Test
  void aCampaignFileWithADuplicateOrACommentIsRefused() throws Exception {
    Path dup = dir.resolve("dup.json");
    Files.writeString(dup, "{\"name\": \"a\", \"repeat\": 1, \"repeat\": 3}");
    assertThatThrownBy(() -> Campaign.load(dup))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("duplicate key 'repeat'")
        .extracting(e -> ((SpecException) e).field())
        .isEqualTo("repeat");
    Path comment = dir.resolve("comment.json");
    Files.writeString(comment, "{\"name\": \"a\",\n // three runs\n \"repeat\": 3}");
    assertThatThrownBy(() -> Campaign.load(comment))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("comment")
        .hasMessageContaining("line 2");
  }
}

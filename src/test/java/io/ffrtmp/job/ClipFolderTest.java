package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A folder of clips as a campaign axis, listed against media roots at submission. */
class ClipFolderTest {

  @TempDir Path dir;
  Path root;

  static final String CAMPAIGN =
      """
      {"base": {"input": {"type": "file"}, "video": {"encoder": "libx264", "preset": "veryfast"}},
       "axes": {"input.path": {"folder": "%s"}, "video.crf": [23, 28]}}\
      """;

  @BeforeEach
  void media() throws Exception {
    root = Files.createDirectories(dir.resolve("media"));
    Path clips = Files.createDirectories(root.resolve("clips"));
    for (String f : List.of("b-talk.mp4", "a-walk.MKV", "notes.txt", ".hidden.mp4", "c.avi")) {
      Files.writeString(clips.resolve(f), "x");
    }
    Files.createDirectories(clips.resolve("sub.mp4")); // a directory, whatever its name says
    Files.createDirectories(root.resolve("empty"));
  }

  private Campaign parse(String folder) {
    return Campaign.parse(
        new JsonObject(CAMPAIGN.formatted(folder)),
        "t",
        Campaign.MAX_JOBS,
        ClipFolder.in(List.of(root)));
  }

  @Test
  void theFolderBecomesItsSortedVideoFilesCrossedWithTheOtherAxes() {
    Campaign c = parse("clips");
    assertThat(c.configurations()).hasSize(6);
    assertThat(c.configurations().stream().map(x -> x.spec().input().path()).distinct().toList())
        .containsExactly("clips/a-walk.MKV", "clips/b-talk.mp4", "clips/c.avi");
    // What is stored and re-read (by a master, a report) is the list, not the folder.
    assertThat(c.source().getJsonObject("axes").getJsonArray("input.path").getList())
        .containsExactly("clips/a-walk.MKV", "clips/b-talk.mp4", "clips/c.avi");
    Campaign reread = Campaign.parse(c.source(), "t");
    assertThat(reread.configurations())
        .extracting(Campaign.Configuration::key)
        .containsExactlyElementsOf(
            c.configurations().stream().map(Campaign.Configuration::key).toList());
    // Each clip's jobs keep the clip in their key.
    assertThat(c.configurations().get(0).key())
        .isEqualTo("libx264 veryfast crf23 1280x720p30 [clips/a-walk.MKV]");
    assertThat(c.configurations().get(2).key())
        .isEqualTo("libx264 veryfast crf23 1280x720p30 [clips/b-talk.mp4]");
  }

  @Test
  void aMissingFolderIsRefusedNamingTheField() {
    assertThatThrownBy(() -> parse("nowhere"))
        .isInstanceOf(SpecException.class)
        .matches(
            e -> e.toString().startsWith("axes.input.path.folder: "),
            "names the field axes.input.path.folder")
        .hasMessageContaining("'nowhere' is not a folder under any media root");
  }

  @Test
  void aFolderOutsideTheMediaRootIsRefused() throws Exception {
    assertThatThrownBy(() -> parse("../media/clips"))
        .isInstanceOf(SpecException.class)
        .matches(
            e -> e.toString().startsWith("axes.input.path.folder: "),
            "names the field axes.input.path.folder")
        .hasMessageContaining("no '..'");
    assertThatThrownBy(() -> parse("/etc"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("not absolute");
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret.mp4"), "x");
    Files.createSymbolicLink(root.resolve("link"), outside);
    assertThatThrownBy(() -> parse("link"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("leads outside the media root");
    Files.createSymbolicLink(root.resolve("clips").resolve("z.mp4"), outside.resolve("secret.mp4"));
    assertThatThrownBy(() -> parse("clips"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("clips/z.mp4' leads outside the media root");
  }

  @Test
  void anEmptyFolderIsRefusedWithWhatCounts() {
    assertThatThrownBy(() -> parse("empty"))
        .isInstanceOf(SpecException.class)
        .matches(
            e -> e.toString().startsWith("axes.input.path.folder: "),
            "names the field axes.input.path.folder")
        .hasMessageContaining("holds no video files")
        .hasMessageContaining("mp4");
  }

  @Test
  void tooManyClipsAreRefused() throws Exception {
    Path many = Files.createDirectories(root.resolve("many"));
    for (int i = 0; i <= ClipFolder.MAX_CLIPS; i++) {
      Files.writeString(many.resolve("c" + i + ".mp4"), "x");
    }
    assertThatThrownBy(() -> parse("many"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("holds 101 video files; accepted: at most 100");
  }

  @Test
  void aFolderIsOnlyForInputPathAndOnlyWhereMediaRootsAreKnown() {
    String other =
        """
        {"base": {"input": {"type": "file", "path": "clips/a-walk.MKV"}},
         "axes": {"video.crf": {"folder": "clips"}}}\
        """;
    assertThatThrownBy(
            () ->
                Campaign.parse(
                    new JsonObject(other), "t", Campaign.MAX_JOBS, ClipFolder.in(List.of(root))))
        .isInstanceOf(SpecException.class)
        .matches(e -> e.toString().startsWith("axes.video.crf: "), "names the field axes.video.crf")
        .hasMessageContaining("only for input.path");
    assertThatThrownBy(() -> Campaign.parse(new JsonObject(CAMPAIGN.formatted("clips")), "t"))
        .isInstanceOf(SpecException.class)
        .matches(
            e -> e.toString().startsWith("axes.input.path.folder: "),
            "names the field axes.input.path.folder")
        .hasMessageContaining("--media-root");
    assertThatThrownBy(
            () ->
                Campaign.parse(
                    new JsonObject(CAMPAIGN.formatted("clips")),
                    "t",
                    Campaign.MAX_JOBS,
                    ClipFolder.in(List.of())))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("none is configured");
  }

  @Test
  void aFolderObjectWithUnknownKeysIsRefusedByTheSchema() {
    String bad =
        """
        {"base": {"input": {"type": "file"}}, "axes": {"input.path": {"folder": "clips", "deep": true}}}\
        """;
    assertThatThrownBy(
            () ->
                Campaign.parse(
                    new JsonObject(bad), "t", Campaign.MAX_JOBS, ClipFolder.in(List.of(root))))
        .isInstanceOf(SpecException.class)
        .matches(e -> e.toString().startsWith("axes.input.path.deep: "), "names the field")
        .hasMessage("unknown field 'deep' in axes.input.path; accepted: folder");
  }
}

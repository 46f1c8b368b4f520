package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code natural} pattern through the worker with real FFmpeg and GStreamer: rendered once
 * before the energy window into the worker's render cache, reused by the next job, and read by the
 * encode and the quality pass alike, whichever engine encodes.
 */
class NaturalPatternIT {

  @TempDir Path dir;

  @Test
  void renderedOnceOutsideTheWindowReusedAndScoredAgainstTheSameFrames() throws Exception {
    try (WorkerHarness h = new WorkerHarness(dir, UnaryOperator.identity())) {
      List<JsonObject> results =
          h.run(
              """
              {"name": "natural", "repeat": 2,
               "base": {"input": {"pattern": "natural", "duration_s": 1},
                        "video": {"resolution": "320x240", "fps": 25, "encoder": "libx264",
                                  "preset": "ultrafast", "crf": 30},
                        "measure": {"quality": ["psnr", "ssim"]}},
               "configurations": [{}, {"engine": "gstreamer"}]}\
              """);
      assertThat(results).hasSize(4);
      Path cached = null;
      JsonObject first = null;
      int rendered = 0;
      for (JsonObject r : results) {
        assertThat(r.getString("state")).as(r.encodePrettily()).isEqualTo("succeeded");
        assertThat(r.getLong("frames")).isEqualTo(25);
        JsonObject pre = r.getJsonObject("source").getJsonObject("prerendered");
        assertThat(pre).as("source.prerendered").isNotNull();
        Path file = Path.of(pre.getString("file"));
        assertThat(file.getParent())
            .isEqualTo(dir.resolve("render-cache").toAbsolutePath().normalize());
        if (cached == null) {
          cached = file;
        }
        assertThat(file).isEqualTo(cached); // one render for every job of the same frames
        if (!pre.getBoolean("reused")) {
          rendered++;
          assertThat(pre.getDouble("render_s")).isPositive();
        }
        // 320 x 240 x 1.5 bytes a frame, 25 frames, raw, plus the container's few hundred bytes.
        assertThat(pre.getLong("bytes")).isBetween(2_880_000L, 2_900_000L);
        JsonArray command = r.getJsonArray("command");
        assertThat(command.getList()).doesNotContain("lavfi");
        assertThat(String.join(" ", command.getList()))
            .contains(cached.toString())
            .doesNotContain("natural=")
            .doesNotContain("videotestsrc");
        assertThat(r.getJsonObject("quality").getString("reference")).contains("pre-rendered");
        assertThat(r.getJsonObject("quality").getJsonObject("psnr").getDouble("mean"))
            .isBetween(20.0, 60.0);
        if ("ffmpeg".equals(r.getString("engine"))) {
          if (first == null) {
            first = r;
          } else {
            // The same frames, encoded the same way: the same bytes and the same scores.
            assertThat(r.getLong("bytes")).isEqualTo(first.getLong("bytes"));
            assertThat(r.getJsonObject("quality").getJsonObject("psnr"))
                .isEqualTo(first.getJsonObject("quality").getJsonObject("psnr"));
          }
        } else {
          assertThat(r.getString("engine")).isEqualTo("gstreamer");
          assertThat(command.getList()).contains("filesrc", "location=" + cached);
        }
      }
      assertThat(rendered).as("renders made (the others reused it)").isEqualTo(1);
      assertThat(Files.size(cached))
          .isEqualTo(
              results.get(0).getJsonObject("source").getJsonObject("prerendered").getLong("bytes"));
      // The job's work directories are gone; the render stays for the next campaign.
      try (var left = Files.list(dir.resolve("work"))) {
        assertThat(left.toList()).isEmpty();
      }
    }
  }
}

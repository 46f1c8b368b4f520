package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.job.JobSpec;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The render cache with real FFmpeg on tiny inputs: exact frames, reuse, the size cap. */
class RenderCacheTest {

  @TempDir Path dir;

  private static JobSpec.Input natural(String size, double seconds) {
    return JobSpec.fromJson(
            new JsonObject()
                .put("input", new JsonObject().put("pattern", "natural").put("duration_s", seconds))
                .put("video", new JsonObject().put("resolution", size).put("fps", 10)))
        .input();
  }

  @Test
  void rendersTheExactFramesOnceThenReusesThemByteForByte() throws Exception {
    JobSpec.Input in = natural("64x48", 1);
    RenderCache cache = new RenderCache(dir.resolve("a"));
    RenderCache.Rendered first = cache.get("ffmpeg", in);
    assertThat(first.reused()).isFalse();
    assertThat(first.renderS()).isPositive();
    assertThat(first.file().getFileName().toString()).isEqualTo("natural-v1-64x48-10fps-10f.mkv");
    // 10 raw frames of 64 x 48 x 1.5 bytes, plus the container.
    assertThat(first.bytes()).isBetween(46_080L, 46_080L + 2_000);
    RenderCache.Rendered again = cache.get("ffmpeg", in);
    assertThat(again.reused()).isTrue();
    assertThat(again.file()).isEqualTo(first.file());
    // Seeded: another cache renders the very same bytes.
    RenderCache.Rendered elsewhere = new RenderCache(dir.resolve("b")).get("ffmpeg", in);
    assertThat(Files.readAllBytes(elsewhere.file())).isEqualTo(Files.readAllBytes(first.file()));
    assertThat(Files.list(dir.resolve("a")).toList()).containsExactly(first.file());
  }

  @Test
  void theCapEvictsTheLeastRecentlyUsedAndRefusesWhatCannotFit() throws Exception {
    JobSpec.Input small = natural("64x48", 1); // 46 kB raw
    JobSpec.Input other = natural("64x64", 1); // 61 kB raw
    RenderCache cache = new RenderCache(dir, 135_000);
    Path a = cache.get("ffmpeg", small).file();
    Files.setLastModifiedTime(a, FileTime.fromMillis(1_000));
    Files.writeString(dir.resolve("dead.mkv.partial"), "left by a worker that died");
    Path b = cache.get("ffmpeg", other).file();
    assertThat(a).exists(); // both fit in 135 kB
    assertThat(dir.resolve("dead.mkv.partial")).doesNotExist();
    JobSpec.Input third =
        natural("64x48", 1.5); // 69 kB: the oldest must go, then all three would not fit
    Path c = cache.get("ffmpeg", third).file();
    assertThat(a).doesNotExist();
    assertThat(b).exists();
    assertThat(c).exists();
    assertThatThrownBy(() -> cache.get("ffmpeg", natural("320x240", 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("more than the render cache's")
        .hasMessageContaining("accepted: a shorter or smaller input");
  }

  @Test
  void aRenderThatFailsLeavesNothingBehind() throws Exception {
    RenderCache cache = new RenderCache(dir);
    assertThatThrownBy(() -> cache.get("/bin/false", natural("64x48", 1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("pre-rendering the input failed");
    assertThat(Files.list(dir).toList()).isEmpty();
  }
}

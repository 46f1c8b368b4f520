package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.live.RtmpConfig;
import io.ffrtmp.support.LocalPorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ABR ladders through a standalone node's API, for real: one FFmpeg process decodes once and
 * encodes two renditions. Live: the synthetic camera is published to the embedded nginx-rtmp and
 * each rendition is pulled back from it and decoded. File: each rendition lands in its own file,
 * probed here for its size and codec.
 */
class LadderJobIT {

  @TempDir static Path dir;

  static ApiFixture api;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    for (String tool : List.of("ffmpeg", "ffprobe")) {
      assertThat(LocalPorts.onPath(tool))
          .as(tool + " is missing: sudo apt-get install -y ffmpeg")
          .isTrue();
    }
    // A missing nginx or RTMP module stops the node with the install command (RtmpServer).
    port = LocalPorts.freePortPair();
    api = ApiFixture.standalone(dir, RtmpConfig.parse("embedded", port), c -> c);
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      api.close();
    }
  }

  private static String operator() {
    return api.tokens.get(Role.OPERATOR);
  }

  private static JsonArray twoRungs() {
    return new JsonArray()
        .add(new JsonObject().put("name", "small").put("resolution", "160x120").put("bitrate", 150))
        .add(
            new JsonObject()
                .put("name", "big")
                .put("resolution", "320x240")
                .put("bitrate", "400k"));
  }

  private static final JsonObject VIDEO =
      new JsonObject().put("encoder", "libx264").put("preset", "veryfast").put("fps", 30);

  /** The same ladder through both engines: GStreamer splits one decode with a tee. */
  @ParameterizedTest
  @ValueSource(strings = {"ffmpeg", "gstreamer"})
  void aLiveTwoRungLadderIsReadBackRenditionByRendition(String engine) throws Exception {
    String out = "rtmp://127.0.0.1:" + port + "/live/ladder-" + engine;
    JsonObject spec =
        new JsonObject()
            .put(
                "input",
                new JsonObject()
                    .put("type", "live_synthetic")
                    .put("resolution", "320x240")
                    .put("fps", 30)
                    .put("duration_s", 6))
            .put("output", new JsonObject().put("type", "rtmp").put("url", out))
            .put("video", VIDEO)
            .put("renditions", twoRungs())
            .put("queue", "live")
            .put("engine", engine)
            .put("measure", new JsonObject().put("realtime_window_s", 3));
    JsonObject job = runToEnd(submit(spec), Set.of("succeeded", "failed", "canceled"));
    JsonObject result = job.getJsonObject("result");
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    assertThat(result.getString("engine")).isEqualTo(engine);
    JsonArray command = result.getJsonArray("command");
    assertThat(command.stream().filter(engine.equals("ffmpeg") ? "-i"::equals : "rtmp2src"::equals))
        .as("one process, one input")
        .hasSize(1);
    JsonArray renditions = result.getJsonArray("renditions");
    assertThat(renditions).as(result.encodePrettily()).hasSize(2);
    int[][] sizes = {{160, 120}, {320, 240}};
    for (int i = 0; i < 2; i++) {
      JsonObject r = renditions.getJsonObject(i);
      JsonObject read = r.getJsonObject("verification");
      assertThat(read).as(r.encodePrettily()).isNotNull();
      assertThat(read.getString("url")).isEqualTo(out + "_" + r.getString("name"));
      assertThat(read.getString("codec")).as(read.encode()).isEqualTo("h264");
      assertThat(read.getInteger("width")).isEqualTo(sizes[i][0]);
      assertThat(read.getInteger("height")).isEqualTo(sizes[i][1]);
      assertThat(read.getLong("decoded_frames")).isPositive();
      assertThat(read.getBoolean("ok")).isTrue();
      assertThat(r.getLong("frames")).as(r.encode()).isGreaterThanOrEqualTo(150);
      assertThat(r.getDouble("bitrate_kbps")).as(r.encode()).isPositive();
    }
    assertThat(result.getJsonObject("live").getJsonObject("verification").getBoolean("ok"))
        .isTrue();
    JsonObject ladder = result.getJsonObject("ladder");
    assertThat(ladder.getLong("input_frames")).as(ladder.encode()).isGreaterThanOrEqualTo(150);
    assertThat(ladder.getDouble("joules_per_input_frame")).as(ladder.encode()).isPositive();
    assertThat(ladder.getDouble("watts")).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"ffmpeg", "gstreamer"})
  void aFileLadderWritesOneFilePerRenditionAtItsSize(String engine) throws Exception {
    JsonObject spec =
        new JsonObject()
            .put("engine", engine)
            .put("measure", new JsonObject().put("quality", new JsonArray().add("psnr")))
            .put("input", new JsonObject().put("resolution", "320x240").put("duration_s", 2))
            .put("output", new JsonObject().put("type", "file"))
            .put("video", VIDEO)
            .put("renditions", twoRungs());
    String id = submit(spec);
    JsonObject job = runToEnd(id, Set.of("succeeded", "failed", "canceled"));
    JsonObject result = job.getJsonObject("result");
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    JsonArray renditions = result.getJsonArray("renditions");
    assertThat(renditions).hasSize(2);
    String[] sizes = {"160x120", "320x240"};
    double[] psnr = new double[2];
    long total = 0;
    for (int i = 0; i < 2; i++) {
      JsonObject r = renditions.getJsonObject(i);
      Path file = Path.of(r.getString("output_file"));
      assertThat(file.getFileName()).hasToString(id + "-" + r.getString("name") + ".mkv");
      assertThat(probe(file)).as(file.toString()).isEqualTo("h264," + sizes[i]);
      assertThat(r.getLong("bytes")).isEqualTo(Files.size(file));
      assertThat(r.getLong("frames")).isEqualTo(60);
      // Each rung scaled up to the source's size and scored against it.
      JsonObject q = r.getJsonObject("quality");
      assertThat(q).as(r.encodePrettily()).isNotNull();
      psnr[i] = q.getJsonObject("psnr").getDouble("mean");
      assertThat(psnr[i]).as(q.encode()).isGreaterThan(15);
      total += r.getLong("bytes");
    }
    assertThat(result.getLong("bytes"))
        .as("the ladder's bytes are its renditions'")
        .isEqualTo(total);
    assertThat(result.getJsonObject("ladder").getLong("input_frames")).isEqualTo(60);
    if (engine.equals("ffmpeg")) {
      // testsrc2's detail is lost at 160x120; GStreamer's ball on a flat field loses nothing.
      assertThat(psnr[0]).as("160x120 against the 320x240 source").isLessThan(psnr[1]);
    }
    JsonObject quality = result.getJsonObject("quality");
    assertThat(quality.getBoolean("per_rendition")).as(quality.encode()).isTrue();
    assertThat(quality.getJsonObject("pass").getDouble("wall_s")).isPositive();
  }

  @Test
  void aBadRungIsRefusedByFieldAndNothingIsStored() throws Exception {
    long before = api.count("SELECT count(*) FROM jobs");
    JsonObject spec =
        new JsonObject()
            .put("input", new JsonObject().put("resolution", "320x240"))
            .put(
                "renditions",
                twoRungs()
                    .add(
                        new JsonObject()
                            .put("name", "huge")
                            .put("resolution", "640x480")
                            .put("bitrate", 900)));
    ApiFixture.Response r = api.post("/api/v1/jobs", operator(), spec.encode());
    assertThat(r.status()).as(r.text()).isEqualTo(400);
    assertThat(r.field()).as(r.text()).isEqualTo("renditions[2].resolution");
    assertThat(api.count("SELECT count(*) FROM jobs")).isEqualTo(before);
  }

  /** codec,WIDTHxHEIGHT of a file's first video stream, by ffprobe. */
  private static String probe(Path file) throws Exception {
    Process p =
        new ProcessBuilder(
                "ffprobe",
                "-v",
                "error",
                "-select_streams",
                "v:0",
                "-show_entries",
                "stream=codec_name,width,height",
                "-of",
                "csv=p=0",
                file.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String[] parts = out.split(",");
    return parts.length == 3 ? parts[0] + "," + parts[1] + "x" + parts[2] : out;
  }

  private String submit(JsonObject spec) throws Exception {
    ApiFixture.Response r = api.post("/api/v1/jobs", operator(), spec.encode());
    assertThat(r.status()).as(r.text()).isEqualTo(201);
    return r.json().getString("job_id");
  }

  private JsonObject runToEnd(String id, Set<String> ends) throws Exception {
    return waitFor(
        id,
        j ->
            ends.contains(j.getString("state")) && j.getValue("result") != null
                || "succeeded".equals(j.getString("state"))
                || "failed".equals(j.getString("state")));
  }

  private JsonObject waitFor(String id, java.util.function.Predicate<JsonObject> done)
      throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    JsonObject j = null;
    while (Instant.now().isBefore(deadline)) {
      j = api.get("/api/v1/jobs/" + id, operator()).json();
      if (done.test(j)) {
        return j;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("job " + id + " did not get there: " + j);
  }

  private static Process spawn(String... cmd) throws Exception {
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("spawned-" + System.nanoTime() + ".log").toFile())
        .start();
  }
}

package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.live.RtmpConfig;
import io.ffrtmp.support.LocalPorts;
import io.ffrtmp.support.Scrape;
import io.vertx.core.json.JsonObject;
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
 * Live jobs through a standalone node's API, for real: the node runs the embedded nginx-rtmp, its
 * worker publishes the synthetic camera, FFmpeg transcodes it to the server and a reader pulls the
 * output back; an SRT input from an FFmpeg listener; a publisher killed mid-stream; a URL off the
 * host list refused with nothing stored.
 */
class LiveJobIT {

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

  private String out(String name) {
    return "rtmp://127.0.0.1:" + port + "/live/" + name;
  }

  private static final JsonObject VIDEO =
      new JsonObject()
          .put("codec", "h264")
          .put("encoder", "libx264")
          .put("preset", "veryfast")
          .put("resolution", "160x120")
          .put("fps", 30)
          .put("gop", 30);

  /** The same live spec through both engines, with its progress, energy and read-back. */
  @ParameterizedTest
  @ValueSource(strings = {"ffmpeg", "gstreamer"})
  void aSyntheticCameraIsTranscodedAtRealtimeAndReadBack(String engine) throws Exception {
    JsonObject spec =
        new JsonObject()
            .put(
                "input",
                new JsonObject()
                    .put("type", "live_synthetic")
                    .put("resolution", "160x120")
                    .put("fps", 30)
                    .put("duration_s", 14))
            .put("output", new JsonObject().put("type", "rtmp").put("url", out("cam-" + engine)))
            .put("video", VIDEO)
            .put("queue", "live")
            .put("engine", engine)
            .put("measure", new JsonObject().put("realtime_window_s", 10));
    JsonObject job = runToEnd(submit(spec), Set.of("succeeded", "failed", "canceled"));
    JsonObject result = job.getJsonObject("result");
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    assertThat(result.getString("engine")).isEqualTo(engine);
    assertThat(result.getJsonArray("command").getString(0))
        .endsWith(engine.equals("ffmpeg") ? "ffmpeg" : "gst-launch-1.0");

    // The realtime verdict is made of the engine's progress, sampled while the stream ran, as the
    // engine's output reaches the worker: a progress line read 70 ms late costs 1.2 % of a 6 s
    // window (GStreamer's once dipped to 0.9886 there on this shared 2-core host, a 4 s one to
    // 0.984), 0.7 % of the 10 s windows used here.
    JsonObject live = result.getJsonObject("live");
    assertThat(live.getBoolean("holds_realtime")).as(live.encodePrettily()).isTrue();
    assertThat(live.getDouble("min_window_speed")).isGreaterThanOrEqualTo(0.99);
    assertThat(live.getLong("dropped_frames")).isLessThanOrEqualTo(live.getLong("frames") / 200);
    assertThat(live.getDouble("watts_per_stream")).isPositive();
    JsonObject read = live.getJsonObject("verification");
    assertThat(read.getString("codec")).as(read.encode()).isEqualTo("h264");
    assertThat(read.getInteger("width")).isEqualTo(160);
    assertThat(read.getInteger("height")).isEqualTo(120);
    assertThat(read.getLong("decoded_frames")).isPositive();
    assertThat(read.getBoolean("ok")).isTrue();
    // Source to reader, through nginx-rtmp twice and the transcode: well under 20 s on any host.
    JsonObject latency = live.getJsonObject("latency_ms");
    assertThat(latency).as(live.encodePrettily()).isNotNull();
    assertThat(latency.getInteger("samples")).as(latency.encode()).isPositive();
    assertThat(latency.getLong("p50")).as(latency.encode()).isPositive().isLessThan(20_000);
    assertThat(latency.getLong("max")).isGreaterThanOrEqualTo(latency.getLong("p50"));
    assertThat(latency.getString("method")).contains("send-time strip");
    assertThat(result.getJsonObject("energy").getJsonObject("attribution").getString("method"))
        .isEqualTo("cpu-time-share");
    assertThat(result.getJsonObject("camera").getString("url"))
        .startsWith("rtmp://127.0.0.1:" + port + "/live/ffrtmp-cam-");
    assertThat(result.getLong("frames")).isGreaterThanOrEqualTo(200);
  }

  /**
   * While a live job runs, the worker's scrape counts it as a live stream holding realtime (once it
   * has a second of output); after it ends, the stream count is back to 0 and the master has
   * counted the finished live job by its verdict. Labels stay bounded and promtool accepts it.
   */
  @Test
  void liveMetricsFollowARunningStream() throws Exception {
    double finishedBefore = liveFinished(new Scrape(api.get("/metrics", null).text()));
    JsonObject spec =
        new JsonObject()
            .put(
                "input",
                new JsonObject()
                    .put("type", "live_synthetic")
                    .put("resolution", "160x120")
                    .put("fps", 30)
                    .put("duration_s", 8))
            .put("output", new JsonObject().put("type", "rtmp").put("url", out("metrics-out")))
            .put("video", VIDEO)
            .put("queue", "live")
            .put("measure", new JsonObject().put("realtime_window_s", 2));
    String id = submit(spec);
    // The job's progress as the web UI's live view reads it: with the realtime rule's verdict.
    java.util.Set<String> verdicts = java.util.concurrent.ConcurrentHashMap.newKeySet();
    java.util.concurrent.CompletableFuture<Void> events =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                api.client(Role.VIEWER)
                    .events(
                        "api/v1/jobs/" + id + "/events",
                        e -> {
                          if (e.name().equals("progress") && e.data().containsKey("realtime")) {
                            verdicts.add(String.valueOf(e.data().getValue("realtime")));
                          }
                          return true;
                        });
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Scrape during = null;
    Boolean listedLive = null;
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      during = new Scrape(api.get("/metrics", null).text());
      Double holding = during.value("ffrtmp_live_streams_realtime", "state", "holding");
      if (holding != null && holding >= 1) {
        for (Object j :
            api.get("/api/v1/jobs?state=running", api.tokens.get(Role.VIEWER))
                .json()
                .getJsonArray("jobs")) {
          if (((JsonObject) j).getString("job_id").equals(id)) {
            listedLive = ((JsonObject) j).getBoolean("live");
          }
        }
        break;
      }
      Thread.sleep(200);
    }
    JsonObject job = runToEnd(id, Set.of("succeeded", "failed", "canceled"));
    events.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(listedLive).as("a running live job is listed live").isTrue();
    assertThat(verdicts).as("progress of a live job says realtime").contains("holding");
    assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
    assertThat(during.value("ffrtmp_live_streams")).as(during.text).isEqualTo(1.0);
    assertThat(during.value("ffrtmp_live_streams_realtime", "state", "holding"))
        .as(during.text)
        .isEqualTo(1.0);
    assertThat(during.value("ffrtmp_live_streams_realtime", "state", "behind")).isEqualTo(0.0);
    assertThat(during.value("ffrtmp_live_dropped_frames_total")).isNotNull();
    assertThat(during.value("ffrtmp_job_fps", "slot", "0")).isNotNull();
    during.assertBoundedLabels(id);
    during.assertPromtoolPasses(dir);
    boolean held = job.getJsonObject("result").getJsonObject("live").getBoolean("holds_realtime");
    // The master counts the finished job when it records the move; the worker's gauges drop to 0.
    Scrape after = null;
    deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      after = new Scrape(api.get("/metrics", null).text());
      if (Double.valueOf(0).equals(after.value("ffrtmp_live_streams"))
          && after.value("ffrtmp_live_jobs_finished_total", "holds_realtime", "" + held) != null
          && liveFinished(after) > finishedBefore) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(after.value("ffrtmp_live_streams")).as(after.text).isEqualTo(0.0);
    assertThat(after.value("ffrtmp_live_streams_realtime", "state", "holding")).isEqualTo(0.0);
    assertThat(liveFinished(after)).as(after.text).isGreaterThanOrEqualTo(finishedBefore + 1);
    assertThat(after.value("ffrtmp_live_jobs_finished_total", "holds_realtime", "" + held))
        .isPositive();
    after.assertPromtoolPasses(dir);
  }

  private static double liveFinished(Scrape s) {
    double n = 0;
    for (String v : List.of("true", "false")) {
      Double d = s.value("ffrtmp_live_jobs_finished_total", "holds_realtime", v);
      n += d == null ? 0 : d;
    }
    return n;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ffmpeg", "gstreamer"})
  void anSrtInputFromAListenerIsRead(String engine) throws Exception {
    int srtPort = LocalPorts.freePortPair();
    Process listener =
        spawn(
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-re",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=30",
            "-t",
            "60",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            "30",
            "-f",
            "mpegts",
            "srt://127.0.0.1:" + srtPort + "?mode=listener");
    try {
      JsonObject spec =
          new JsonObject()
              .put(
                  "input",
                  new JsonObject()
                      .put("type", "srt")
                      .put("url", "srt://127.0.0.1:" + srtPort)
                      .put("duration_s", 8))
              .put("output", new JsonObject().put("type", "rtmp").put("url", out("srt-" + engine)))
              .put("video", VIDEO)
              .put("engine", engine)
              .put("measure", new JsonObject().put("realtime_window_s", 3));
      JsonObject job = runToEnd(submit(spec), Set.of("succeeded", "failed", "canceled"));
      assertThat(job.getString("state")).as(job.encodePrettily()).isEqualTo("succeeded");
      assertThat(job.getJsonObject("result").getString("engine")).isEqualTo(engine);
      JsonObject read =
          job.getJsonObject("result").getJsonObject("live").getJsonObject("verification");
      assertThat(read.getBoolean("ok")).as(read.encode()).isTrue();
    } finally {
      listener.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aPublisherKilledMidStreamIsDetectedAndClassified() throws Exception {
    Process publisher =
        spawn(
            "ffmpeg",
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-re",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=160x120:rate=30",
            "-t",
            "120",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-g",
            "30",
            "-f",
            "flv",
            out("doomed"));
    String id;
    JsonObject job;
    try {
      JsonObject spec =
          new JsonObject()
              .put(
                  "input",
                  new JsonObject()
                      .put("type", "rtmp")
                      .put("url", out("doomed"))
                      .put("duration_s", 60))
              .put("output", new JsonObject().put("type", "null"))
              .put("video", VIDEO);
      id = submit(spec);
      // Some frames through the transcoder first: then the camera vanishes without a goodbye.
      waitFor(
          id, j -> j.getJsonObject("progress") != null || "running".equals(j.getString("state")));
      Thread.sleep(3000);
    } finally {
      publisher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    job = runToEnd(id, Set.of("retry_wait", "failed", "queued", "canceled"));
    JsonObject result = job.getJsonObject("result");
    assertThat(result).as(job.encodePrettily()).isNotNull();
    assertThat(result.getString("failure_reason")).as(job.encodePrettily()).isEqualTo("input_lost");
    assertThat(result.getString("error"))
        .startsWith("input_lost: no new frame from " + out("doomed"));
    assertThat(job.getString("state")).as("retryable").isIn("retry_wait", "queued");
    api.post("/api/v1/jobs/" + id + "/cancel", operator(), null);
  }

  @Test
  void aUrlOffTheHostListIsRefusedAndNothingIsStored() throws Exception {
    long before = api.count("SELECT count(*) FROM jobs");
    for (String[] c :
        new String[][] {
          {
            "{\"input\": {\"type\": \"rtmp\", \"url\": \"rtmp://media.example/live/a\"}}",
            "input.url"
          },
          {
            "{\"input\": {\"type\": \"live_synthetic\"}, \"output\": {\"type\": \"srt\", \"url\":"
                + " \"srt://10.1.2.3:9000\"}}",
            "output.url"
          },
          {
            "{\"input\": {\"type\": \"srt\", \"url\": \"srt://127.0.0.1:9000?mode=listener\"}}",
            "input.url"
          },
        }) {
      ApiFixture.Response r = api.post("/api/v1/jobs", operator(), c[0]);
      assertThat(r.status()).as(r.text()).isEqualTo(400);
      assertThat(r.field()).as(r.text()).isEqualTo(c[1]);
      assertThat(r.json().getJsonObject("error").getString("message")).contains("accepted");
    }
    assertThat(api.count("SELECT count(*) FROM jobs")).isEqualTo(before);
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

package io.ffrtmp.worker;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.DispatchSettings;
import io.ffrtmp.job.JobState;
import io.ffrtmp.master.MasterVerticle;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.power.FakePowercap;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.support.TestDatabases;
import io.ffrtmp.worker.engine.GstInfo;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real GStreamer through the master and worker verticles: the same spec as an FFmpeg job, run as a
 * gst-launch-1.0 pipeline with its progress, an energy window over a fake powercap tree fed at a
 * known rate, and FFmpeg's quality pass against GStreamer's own frames. Needs Debian's GStreamer
 * packages (deploy/install-deps.sh): without them the test fails and names the install command.
 */
class GstreamerIT {

  @TempDir Path dir;

  Vertx vertx;
  Pool pool;
  JobStore store;
  FakePowercap.Feeder feeder;

  @BeforeEach
  void up() throws Exception {
    GstInfo gst = GstInfo.probe();
    assertThat(gst.usable()).as("%s", gst.problem()).isTrue();
    assertThat(gst.missing()).as("elements missing; " + GstInfo.INSTALL_HINT).isEmpty();
    vertx = Vertx.vertx();
    pool = await(TestDatabases.open(vertx, "embedded"), 120);
    store = new JobStore(pool, DispatchSettings.DEFAULTS.withMaxAttempts(1));
    await(vertx.deployVerticle(new MasterVerticle(store)), 30);
    FakePowercap fake = FakePowercap.intel(dir.resolve("powercap"), 1);
    feeder =
        fake.feeder()
            .start(Map.of("intel-rapl:0", 20.0, "intel-rapl:0:1", 5.0, "intel-rapl:0:0", 15.0));
    WorkerConfig config =
        new WorkerConfig(
            "gst-node",
            dir.resolve("work"),
            dir.resolve("output"),
            "ffmpeg",
            new PowerConfig(fake.root(), Path.of("/proc"), 100, null, null)
                .withHwmonRoot(Files.createDirectories(dir.resolve("no-hwmon")))
                .withNvmlLibrary(null)
                .withPerfRoot(dir.resolve("no-perf")),
            60_000,
            1,
            List.of(Files.createDirectories(dir.resolve("media"))));
    await(vertx.deployVerticle(new WorkerVerticle(config)), 60);
  }

  @AfterEach
  void down() throws Exception {
    if (feeder != null) {
      feeder.stop();
    }
    if (vertx != null) {
      await(vertx.close(), 30);
    }
  }

  private List<JsonObject> runCampaign(String campaignJson) throws Exception {
    JsonObject reply =
        await(
                vertx
                    .eventBus()
                    .<JsonObject>request(
                        Addresses.CAMPAIGN_SUBMIT,
                        new JsonObject()
                            .put("campaign", new JsonObject(campaignJson))
                            .put("actor", "test")),
                30)
            .body();
    UUID id = UUID.fromString(reply.getString("campaign_id"));
    Promise<Void> done = Promise.promise();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.JOB_EVENTS,
            m ->
                store
                    .campaignStates(id)
                    .onSuccess(
                        states -> {
                          if (states.keySet().stream().allMatch(JobState::terminal)) {
                            done.tryComplete();
                          }
                        }));
    await(done.future(), 180);
    return await(store.campaignResults(id), 30);
  }

  @Test
  void aGstreamerJobHasProgressEnergyAndQualityLikeAnFfmpegOne() throws Exception {
    List<JsonObject> progress = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.JOB_PROGRESS, m -> progress.add(m.body()));

    JsonObject r =
        runCampaign(
                """
                {"name": "gst", "base": {"engine": "gstreamer", "input": {"duration_s": 2},
                  "video": {"resolution": "320x240", "encoder": "libx264", "preset": "medium", "crf": 23},
                  "measure": {"quality": ["psnr"]}}}\
                """)
            .get(0);

    assertThat(r.getString("state")).as(r.encodePrettily()).isEqualTo("succeeded");
    assertThat(r.getString("engine")).isEqualTo("gstreamer");
    assertThat(r.getJsonObject("engine_choice").getString("reason")).contains("asks for GStreamer");
    assertThat(r.getJsonArray("command").getList())
        .startsWith("gst-launch-1.0", "-e", "-v")
        .contains("x264enc", "pass=qual", "quantizer=23", "matroskamux");
    assertThat(r.getString("config_key")).endsWith(" gstreamer");
    assertThat(r.getLong("frames")).isEqualTo(60);
    assertThat(r.getDouble("duration_s")).isEqualTo(2.0);
    assertThat(r.getDouble("fps")).isPositive();
    assertThat(r.getLong("bytes")).isPositive();
    JsonObject e = r.getJsonObject("energy");
    assertThat(e.getString("provenance")).isEqualTo("measured");
    assertThat(e.getDouble("total_joules")).isPositive();
    assertThat(e.getDouble("joules_per_frame"))
        .isEqualTo(Math.round(e.getDouble("total_joules") / 60 * 1e6) / 1e6, offsetOf(1e-5));
    // FFmpeg scored GStreamer's output against GStreamer's own frames: a CRF 23 encode of a moving
    // ball is far above what a wrong reference (lavfi's testsrc2) would give (about 10 dB).
    JsonObject q = r.getJsonObject("quality");
    assertThat(q.getString("reference")).contains("videotestsrc pattern ball");
    assertThat(q.getJsonObject("psnr").getDouble("mean")).as(q.encode()).isGreaterThan(30);
    // Progress from the pipeline's own output, shaped like FFmpeg's, the last one the end.
    assertThat(progress).isNotEmpty();
    JsonObject last = progress.get(progress.size() - 1);
    assertThat(last.getBoolean("end")).isTrue();
    assertThat(last.getLong("frame")).isEqualTo(60);
    assertThat(last.getLong("frames_total")).isEqualTo(60);
    assertThat(last.getString("energy_provenance")).isEqualTo("measured");
  }

  @Test
  void anEncoderGstreamerLacksFailsTheJobWithTheReason() throws Exception {
    JsonObject r =
        runCampaign(
                """
                {"name": "gst-svt", "base": {"engine": "gstreamer", "input": {"duration_s": 1},
                  "video": {"resolution": "320x240", "encoder": "libsvtav1"}, "measure": {"quality": []}}}\
                """)
            .get(0);
    assertThat(r.getString("state")).isEqualTo("failed");
    assertThat(r.getString("error")).startsWith("engine_lacks_encoder").contains("libsvtav1");
    assertThat(r.getString("error_code")).isEqualTo("engine_lacks_encoder");
    assertThat(r.getString("engine")).isNull();
  }

  @Test
  void autoRunsFfmpegWhenItHasTheEncoderAndSaysWhy() throws Exception {
    JsonObject r =
        runCampaign(
                """
                {"name": "auto", "base": {"engine": "auto", "input": {"duration_s": 1},
                  "video": {"resolution": "320x240", "encoder": "libx264", "preset": "ultrafast"},
                  "measure": {"quality": []}}}\
                """)
            .get(0);
    assertThat(r.getString("state")).as(r.encodePrettily()).isEqualTo("succeeded");
    assertThat(r.getString("engine")).isEqualTo("ffmpeg");
    JsonObject choice = r.getJsonObject("engine_choice");
    assertThat(choice.getString("requested")).isEqualTo("auto");
    assertThat(choice.getString("engine")).isEqualTo("ffmpeg");
    assertThat(choice.getString("reason")).contains("this FFmpeg has libx264");
    assertThat(r.getJsonArray("command").getString(0)).isEqualTo("ffmpeg");
  }

  private static org.assertj.core.data.Offset<Double> offsetOf(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }
}

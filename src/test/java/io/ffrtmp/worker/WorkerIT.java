package io.ffrtmp.worker;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.DispatchSettings;
import io.ffrtmp.job.JobState;
import io.ffrtmp.master.MasterVerticle;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.power.FakePowercap;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.support.TestDatabases;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real FFmpeg through the master and worker verticles on the embedded PostgreSQL, with power read
 * from a fake powercap tree whose counters this test advances at a known rate.
 */
class WorkerIT {

  static final double PACKAGE_W = 24.0;
  static final double DRAM_W = 6.0;
  static final double CORE_W = 18.0; // inside the package: must never be added

  @TempDir Path dir;

  Vertx vertx;
  Pool pool;
  JobStore store;
  FakePowercap.Feeder feeder;

  @BeforeEach
  void up() throws Exception {
    vertx = Vertx.vertx();
    pool = await(TestDatabases.open(vertx, "embedded"), 120);
    // One attempt per job: these tests look at how a job fails, not at retries (DispatchStoreTest
    // and DistributedIT do).
    store = new JobStore(pool, DispatchSettings.DEFAULTS.withMaxAttempts(1));
    await(vertx.deployVerticle(new MasterVerticle(store)), 30);
  }

  @AfterEach
  void down() throws Exception {
    if (feeder != null) {
      feeder.stop();
    }
    await(vertx.close(), 30);
  }

  private void deployWorker(Path powercapRoot) throws Exception {
    deployWorker(powercapRoot, 1);
  }

  private void deployWorker(Path powercapRoot, int slots) throws Exception {
    Files.createDirectories(dir.resolve("media"));
    WorkerConfig config =
        new WorkerConfig(
            "test-node",
            dir.resolve("work"),
            dir.resolve("output"),
            "ffmpeg",
            // Only the sources this test feeds: no real hwmon sensors or NVIDIA GPU of the machine
            // running it.
            new PowerConfig(powercapRoot, Path.of("/proc"), 100, null, null)
                .withHwmonRoot(Files.createDirectories(dir.resolve("no-hwmon")))
                .withNvmlLibrary(null)
                .withPerfRoot(dir.resolve("no-perf")),
            60_000,
            slots,
            List.of(dir.resolve("media")));
    await(vertx.deployVerticle(new WorkerVerticle(config)), 60);
  }

  /** Submits a campaign and waits until every job of it is final; returns the stored results. */
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
    await(done.future(), 120);
    return await(store.campaignResults(id), 30);
  }

  @Test
  void measuredEnergyMatchesWhatTheFakeCountersWereFedAcrossWraps() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir.resolve("powercap"), 1);
    // A 5 J counter range wraps the package counter every ~0.2 s at 24 W, so the job's window
    // (5 s of content: about a second of veryslow encoding even on a quiet machine) spans several
    // wraps;
    // the 100 ms poll sees every one (2.4 J between reads, less than the range).
    fake.setMaxEnergyRangeUj("intel-rapl:0", 5_000_000);
    fake.setEnergyUj("intel-rapl:0", 4_900_000);
    feeder =
        fake.feeder()
            .start(
                Map.of(
                    "intel-rapl:0", PACKAGE_W, "intel-rapl:0:1", DRAM_W, "intel-rapl:0:0", CORE_W));
    deployWorker(fake.root());

    List<JsonObject> results =
        runCampaign(
            """
            {"name": "measured", "base": {"input": {"duration_s": 5},
              "video": {"resolution": "320x240", "encoder": "libx264", "preset": "veryslow"}}}\
            """);

    assertThat(results).hasSize(1);
    JsonObject r = results.get(0);
    assertThat(r.getString("state")).as(r.encodePrettily()).isEqualTo("succeeded");
    assertThat(r.getLong("frames")).isEqualTo(150);
    JsonObject e = r.getJsonObject("energy");
    assertThat(e.getString("provenance")).isEqualTo("measured");
    assertThat(e.getString("source")).isEqualTo("rapl-powercap");
    assertThat(e.getJsonArray("zones").getList()).containsExactlyInAnyOrder("package-0", "dram-0");
    double seconds = e.getLong("duration_ms") / 1000.0;
    assertThat(seconds).as("window long enough to span wraps").isGreaterThan(0.4);
    // Package and dram are fed in the same feeder steps, so their ratio holds whatever the
    // scheduling, up to one step
    // a read may fall inside (a starved feeder writes ~0.1 s at once: under 2 % here); a missed or
    // mishandled wrap of
    // the 5 J package counter moves it by whole 5 J steps, more than 10 %.
    JsonObject perZone = e.getJsonObject("per_zone_joules");
    assertThat(perZone.fieldNames()).containsExactlyInAnyOrder("package-0", "dram-0");
    assertThat(perZone.getDouble("package-0") / perZone.getDouble("dram-0"))
        .isCloseTo(PACKAGE_W / DRAM_W, within(0.15));
    assertThat(e.getDouble("total_joules"))
        .isCloseTo(perZone.getDouble("package-0") + perZone.getDouble("dram-0"), within(1e-6));
    // Against the clock: the feeder can fall behind its schedule while FFmpeg keeps both cores
    // busy, so this bound is
    // loose; the core zone (18 W) wrongly added would overshoot it.
    double expected = (PACKAGE_W + DRAM_W) * seconds;
    assertThat(e.getDouble("total_joules")).isBetween(0.75 * expected, 1.05 * expected);
    assertThat(e.getDouble("joules_per_frame"))
        .isCloseTo(e.getDouble("total_joules") / 150, within(1e-5));
    assertThat(r.getJsonObject("quality").getJsonObject("pass").getString("provenance"))
        .isEqualTo("measured");
  }

  @Test
  void withoutReadableCountersTheFigureSaysEstimatedAndByWhichModel() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("no-powercap"));
    deployWorker(empty);

    JsonObject r =
        runCampaign(
                """
                {"name": "estimated", "base": {"input": {"duration_s": 1}, "video": {"resolution": "320x240", "preset": "fast"},
                  "measure": {"quality": ["ssim", "vmaf"]}}}\
                """)
            .get(0);

    assertThat(r.getString("state")).isEqualTo("succeeded");
    // No encoder named: the node chooses; this one has no working hardware encoder, and the result
    // says so.
    assertThat(r.getJsonObject("encoder_choice").getString("chosen")).isEqualTo("libx264");
    assertThat(r.getJsonObject("encoder_choice").getString("why"))
        .contains("no working hardware encoder");
    assertThat(r.getJsonObject("config").getString("encoder")).isEqualTo("libx264");
    JsonObject e = r.getJsonObject("energy");
    assertThat(e.getString("provenance")).isEqualTo("estimated");
    assertThat(e.getString("source")).isEqualTo("cpu-utilisation-model");
    assertThat(e.getJsonObject("model").getString("name")).isEqualTo("linear-cpu-utilisation");
    assertThat(e.getJsonObject("model").getDouble("idle_watts")).isPositive();
    assertThat(e.getDouble("total_joules")).isPositive();
    assertThat(r.getJsonObject("quality").containsKey("psnr")).isFalse();
    assertThat(r.getJsonObject("quality").getJsonObject("ssim").getInteger("frames")).isEqualTo(30);
    JsonObject vmaf = r.getJsonObject("quality").getJsonObject("vmaf");
    if (FfmpegInfo.probe("ffmpeg").libvmaf()) {
      assertThat(vmaf.getDouble("mean")).isBetween(0.0, 100.0);
      assertThat(vmaf.getString("model")).isEqualTo("vmaf_v0.6.1");
    } else {
      // This FFmpeg cannot score VMAF: the result says so instead of leaving the metric out.
      assertThat(vmaf.getBoolean("available")).isFalse();
      assertThat(vmaf.getString("reason")).contains("libvmaf");
    }
  }

  @Test
  void jobsSharingANodeGetItsEnergyByCpuTimeAndExclusiveOnesRunAlone() throws Exception {
    deployWorker(Files.createDirectories(dir.resolve("no-powercap")), 2);

    List<JsonObject> shared =
        runCampaign(
            """
            {"name": "shared", "base": {"input": {"duration_s": 3}, "measure": {"quality": [], "exclusive": false}},
             "configurations": [
               {"video": {"resolution": "640x360", "encoder": "libx264", "preset": "medium"}},
               {"video": {"resolution": "320x240", "encoder": "libx264", "preset": "ultrafast", "threads": 1}}]}\
            """);
    JsonObject heavy = shared.get(0).getJsonObject("energy");
    JsonObject light = shared.get(1).getJsonObject("energy");
    assertThat(heavy.getJsonObject("attribution").getString("method"))
        .as(heavy.encode())
        .isEqualTo("cpu-time-share");
    assertThat(light.getJsonObject("attribution").getString("method")).isEqualTo("cpu-time-share");
    double heavyShare = heavy.getJsonObject("attribution").getDouble("share");
    double lightShare = light.getJsonObject("attribution").getDouble("share");
    assertThat(heavyShare).isGreaterThan(lightShare).isLessThanOrEqualTo(1.0);
    assertThat(lightShare).isPositive();
    assertThat(heavy.getDouble("total_joules")).isGreaterThan(light.getDouble("total_joules"));
    assertThat(heavy.getDouble("total_joules"))
        .isCloseTo(
            heavy.getJsonObject("attribution").getDouble("node_joules") * heavyShare, within(1e-6));

    List<JsonObject> alone =
        runCampaign(
            """
            {"name": "alone", "base": {"input": {"duration_s": 1}, "video": {"resolution": "320x240"}, "measure": {"quality": []}},
             "configurations": [{"video": {"preset": "ultrafast"}}, {"video": {"preset": "veryfast"}}]}\
            """);
    assertThat(alone)
        .extracting(r -> r.getJsonObject("energy").getJsonObject("attribution").getString("method"))
        .containsExactly("exclusive", "exclusive");
  }

  @Test
  void settlingBeforeAJobWaitsForIdleAndSaysWhatHappened() throws Exception {
    deployWorker(Files.createDirectories(dir.resolve("no-powercap")));
    JsonObject baseline =
        await(
                vertx
                    .eventBus()
                    .<JsonObject>request(
                        Addresses.WORKER_IDLE_BASELINE, new JsonObject().put("duration_s", 1)),
                30)
            .body()
            .getJsonObject("idle_baseline");
    assertThat(baseline.getDouble("avg_watts")).isPositive();

    String campaign =
        """
        {"name": "settle", "base": {"input": {"duration_s": 1}, "video": {"resolution": "320x240", "preset": "ultrafast"},
          "measure": {"quality": [], "settle_max_s": 2, "settle_within": %s}}}\
        """;
    List<JsonObject> results =
        List.of(
            runCampaign(campaign.formatted("1.0")).get(0),
            runCampaign(campaign.formatted("0.01")).get(0));

    JsonObject loose = results.get(0).getJsonObject("settle");
    assertThat(loose.getBoolean("settled")).as(loose.encode()).isTrue();
    assertThat(loose.getDouble("waited_s")).isLessThan(2.0);
    // Nothing is 1 % above a model idle that already includes this JVM: the wait ends at its limit,
    // the job still runs.
    JsonObject strict = results.get(1).getJsonObject("settle");
    assertThat(strict.getDouble("limit_watts"))
        .isCloseTo(baseline.getDouble("avg_watts") * 1.01, within(1e-3));
    assertThat(strict.getDouble("waited_s"))
        .isGreaterThanOrEqualTo(strict.getBoolean("settled") ? 0.9 : 2.0);
    assertThat(results).extracting(r -> r.getString("state")).containsOnly("succeeded");
  }

  @Test
  void aFileInsideTheMediaRootIsEncodedAndScoredAgainstItselfAndNothingOutsideIsRead()
      throws Exception {
    deployWorker(Files.createDirectories(dir.resolve("no-powercap")));
    Path clip = dir.resolve("media").resolve("clip.mkv");
    Process make =
        new ProcessBuilder(
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc2=size=640x360:rate=25:duration=2",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-crf",
                "12",
                clip.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(make.waitFor()).as(new String(make.getInputStream().readAllBytes())).isZero();
    Files.createSymbolicLink(dir.resolve("media").resolve("escape.mkv"), Path.of("/etc/hostname"));

    List<JsonObject> results =
        runCampaign(
            """
            {"name": "files", "base": {"video": {"resolution": "320x240", "fps": 25, "preset": "veryfast"}},
             "configurations": [{"input": {"type": "file", "path": "clip.mkv"}},
                                {"input": {"type": "file", "path": "escape.mkv"}},
                                {"input": {"type": "file", "path": "missing.mkv"}}]}\
            """);

    JsonObject ok = results.get(0);
    assertThat(ok.getString("state")).as(ok.encodePrettily()).isEqualTo("succeeded");
    assertThat(ok.getLong("frames")).isEqualTo(50);
    assertThat(ok.getJsonObject("source").getString("resolution")).isEqualTo("640x360");
    JsonObject quality = ok.getJsonObject("quality");
    assertThat(quality.getString("reference")).contains("clip.mkv").contains("scaled to its size");
    // 320x240 back up to 640x360 against a near-lossless source: clearly scored, clearly not
    // identical.
    assertThat(quality.getJsonObject("psnr").getDouble("mean")).isBetween(20.0, 60.0);
    assertThat(quality.getJsonObject("psnr").getInteger("frames")).isEqualTo(50);
    assertThat(results.get(1).getString("state")).isEqualTo("failed");
    assertThat(results.get(1).getString("error"))
        .contains("input.path")
        .contains("outside the media root");
    assertThat(results.get(2).getString("error"))
        .contains("input.path")
        .contains("not under any media root");
  }

  @Test
  void aJobPastItsTimeLimitIsKilledWithItsProcessTree() throws Exception {
    deployWorker(Files.createDirectories(dir.resolve("no-powercap")));
    long before = ffmpegCount();

    JsonObject r =
        runCampaign(
                """
                {"name": "slow", "base": {"input": {"duration_s": 600}, "timeout_s": 2,
                  "video": {"resolution": "640x360", "encoder": "libx265", "preset": "veryslow"}}}\
                """)
            .get(0);

    assertThat(r.getString("state")).isEqualTo("failed");
    assertThat(r.getString("error")).contains("time limit of 2 s").contains("transient");
    Thread.sleep(500);
    assertThat(ffmpegCount()).isEqualTo(before);
  }

  @Test
  void anEncoderMissingFromThisBuildFailsThatConfigurationOnly() throws Exception {
    deployWorker(Files.createDirectories(dir.resolve("no-powercap")));
    List<JsonObject> results =
        runCampaign(
            """
            {"name": "mixed", "base": {"input": {"duration_s": 1}, "video": {"resolution": "320x240"}, "measure": {"quality": []}},
             "configurations": [{"video": {"encoder": "hevc_qsv"}}, {"video": {"encoder": "libx264", "preset": "ultrafast"}}]}\
            """);
    assertThat(results)
        .extracting(j -> j.getString("state"))
        .containsExactly("failed", "succeeded");
    assertThat(results.get(0).getString("error")).isNotBlank();
  }

  private static long ffmpegCount() {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().command().orElse("").endsWith("/ffmpeg"))
        .count();
  }
}

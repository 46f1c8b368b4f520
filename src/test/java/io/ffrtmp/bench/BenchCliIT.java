package io.ffrtmp.bench;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.master.store.Database;
import io.ffrtmp.power.FakePowercap;
import io.ffrtmp.support.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code java -jar target/ffrtmp.jar ...} end to end, as a user runs it: real FFmpeg, embedded
 * PostgreSQL.
 */
class BenchCliIT {

  @TempDir Path dir;

  @BeforeEach
  void openTempDir() throws Exception {
    // JUnit makes temp dirs 0700; run as root, the embedded PostgreSQL (an unprivileged user) must
    // pass through it.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
  }

  private Path write(String name, String json) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, json);
    return f;
  }

  @Test
  void tinyCampaignRanksConfigurationsAndWritesTheFiles() throws Exception {
    Path campaign =
        write(
            "tiny.json",
            """
            {"name": "tiny",
             "base": {"input": {"duration_s": 1}, "video": {"resolution": "320x240", "fps": 30}},
             "configurations": [
               {"video": {"encoder": "libx264", "preset": "ultrafast"}},
               {"video": {"encoder": "libx264", "preset": "medium"}},
               {"video": {"encoder": "libx265", "preset": "ultrafast"}},
               {"video": {"encoder": "h264_vaapi"}}
             ],
             "repeat": 2, "idle_baseline_s": 1}\
            """);
    Path out = dir.resolve("out");
    // No energy source but the model, whatever machine runs the test.
    Path none = Files.createDirectories(dir.resolve("no-sensors"));
    JarRunner.Run run =
        JarRunner.run(
            dir,
            300,
            "bench",
            campaign.toString(),
            "--out",
            out.toString(),
            "--data-dir",
            dir.resolve("data").toString(),
            "--no-progress",
            "--powercap-root",
            none.toString(),
            "--hwmon-root",
            none.toString(),
            "--perf-root",
            none.resolve("power").toString(),
            "--nvml",
            "none");
    assertThat(run.exitCode()).as(run.stderr()).isZero();

    // The path of the output directory is the last thing printed.
    List<String> lines = run.stdout().strip().lines().toList();
    assertThat(Path.of(lines.get(lines.size() - 1))).isEqualTo(out.toAbsolutePath().normalize());
    assertThat(run.stdout()).contains("libx264 ultrafast crf23 320x240p30").contains("estimated");
    assertThat(run.stderr()).contains("[8/8]");

    JsonObject results = new JsonObject(Files.readString(out.resolve("results.json")));
    JsonArray jobs = results.getJsonArray("jobs");
    assertThat(jobs).hasSize(8);
    long succeeded =
        jobs.stream()
            .map(JsonObject.class::cast)
            .filter(j -> "succeeded".equals(j.getString("state")))
            .count();
    assertThat(succeeded).isEqualTo(6);
    for (Object o : jobs) {
      JsonObject job = (JsonObject) o;
      if (!"succeeded".equals(job.getString("state"))) {
        // VAAPI needs a render node this machine lacks: the configuration fails with the reason,
        // the others run.
        assertThat(job.getString("error")).isNotBlank();
        continue;
      }
      assertThat(job.getLong("frames")).isEqualTo(30);
      assertThat(job.getLong("bytes")).isPositive();
      JsonObject energy = job.getJsonObject("energy");
      assertThat(energy.getString("provenance")).isEqualTo("estimated");
      assertThat(energy.getJsonObject("model")).isNotNull();
      assertThat(energy.getDouble("total_joules")).isPositive();
      assertThat(energy.getDouble("joules_per_frame")).isPositive();
      assertThat(energy.getDouble("idle_watts")).isNotNull();
      assertThat(job.getJsonObject("quality").getJsonObject("psnr").getDouble("mean"))
          .isGreaterThan(20);
      assertThat(job.getJsonObject("quality").getJsonObject("ssim").getDouble("mean"))
          .isBetween(0.5, 1.0);
      assertThat(job.getJsonArray("command").getString(0)).isEqualTo("ffmpeg");
      assertThat(job.getString("ffmpeg_version")).startsWith("ffmpeg version");
      assertThat(job.getJsonObject("node").getInteger("logical_cpus")).isPositive();
      assertThat(job.getDouble("cpu_seconds")).isNotNull();
    }
    try (Reader r = Files.newBufferedReader(out.resolve("results.csv"))) {
      List<CSVRecord> rows =
          CSVFormat.DEFAULT
              .builder()
              .setHeader()
              .setSkipHeaderRecord(true)
              .build()
              .parse(r)
              .getRecords();
      assertThat(rows).hasSize(8);
    }
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).contains("<svg").contains("libx265 ultrafast").doesNotContain("<script src");
  }

  /**
   * A rate sweep with {@code repeat: "auto"}, a baseline and a recommendation, end to end: the
   * curves with BD figures, the repetitions per configuration and the recommendation in the output,
   * results.json and report.html; then {@code recommend} over the results file.
   */
  @Test
  void aSweepWithRepeatAutoGivesCurvesBdFiguresAndARecommendation() throws Exception {
    Path campaign =
        write(
            "sweep.json",
            """
            {"name": "sweep",
             "base": {"input": {"duration_s": 1}, "video": {"resolution": "320x240", "fps": 30}},
             "configurations": [
               {"video": {"encoder": "libx264", "preset": "ultrafast"}},
               {"video": {"encoder": "libx264", "preset": "veryfast"}}
             ],
             "axes": {"video.crf": [18, 26, 34, 42]},
             "repeat": "auto", "repeat_auto": {"ci_within": 0.5, "min": 2, "max": 3},
             "idle_baseline_s": 1,
             "baseline": "libx264 ultrafast",
             "recommend": {"target": "psnr=30"},
             "cost": {"price_per_kwh": 0.25, "currency": "EUR"}}\
            """);
    Path out = dir.resolve("out");
    Path none = Files.createDirectories(dir.resolve("no-sensors"));
    JarRunner.Run run =
        JarRunner.run(
            dir,
            600,
            "bench",
            campaign.toString(),
            "--out",
            out.toString(),
            "--data-dir",
            dir.resolve("data").toString(),
            "--no-progress",
            "--powercap-root",
            none.toString(),
            "--hwmon-root",
            none.toString(),
            "--perf-root",
            none.resolve("power").toString(),
            "--nvml",
            "none");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stderr()).contains("/16+]");
    assertThat(run.stdout())
        .contains("Against libx264 ultrafast 320x240p30 (BD, pchip fit on PSNR):")
        .contains("libx264 veryfast 320x240p30 (energy ESTIMATED): BD-rate ")
        .contains("Repeat auto (95 % interval of J/frame within 50.0 % of the mean):")
        .contains("At PSNR ≥ 30.0 dB (320x240p30, synthetic testsrc2): cheapest is libx264")
        .contains("Estimated cost per hour of content")
        .contains("EUR");

    JsonObject results = new JsonObject(Files.readString(out.resolve("results.json")));
    JsonArray configs = results.getJsonArray("configurations");
    assertThat(configs).hasSize(8);
    for (Object o : configs) {
      JsonObject c = ((JsonObject) o).getJsonObject("repeat");
      assertThat(c.getInteger("runs")).isBetween(2, 3);
      assertThat(c.getString("stopped_because")).isNotBlank();
      assertThat(((JsonObject) o).getJsonObject("cost").getBoolean("estimated")).isTrue();
    }
    assertThat(results.getJsonArray("jobs").size()).isBetween(16, 24);
    JsonObject curves = results.getJsonObject("curves");
    assertThat(curves.getString("baseline")).isEqualTo("libx264 ultrafast 320x240p30");
    JsonObject veryfast =
        curves.getJsonArray("curves").stream()
            .map(JsonObject.class::cast)
            .filter(c -> c.getString("label").equals("libx264 veryfast 320x240p30"))
            .findFirst()
            .orElseThrow();
    assertThat(veryfast.getJsonArray("points")).hasSize(4);
    assertThat(veryfast.getJsonObject("bd_rate").getDouble("percent")).isNotNull();
    assertThat(veryfast.getJsonObject("bd_energy").getDouble("percent")).isNotNull();
    JsonObject rec = results.getJsonObject("recommendation");
    assertThat(rec.getJsonObject("chosen").getString("config_key")).startsWith("libx264");
    assertThat(rec.getString("rank_group")).isEqualTo("estimated");
    assertThat(results.getJsonObject("cost_model").getString("currency")).isEqualTo("EUR");
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html)
        .contains("<h2>Recommendation</h2>")
        .contains("<h2>Rate sweeps</h2>")
        .contains("<h2>Cost and carbon</h2>")
        .contains("<svg id='rate-curves'");

    JarRunner.Run rec2 =
        JarRunner.run(
            dir,
            60,
            "recommend",
            out.resolve("results.json").toString(),
            "--target",
            "ssim=0.5",
            "--baseline",
            "libx264 veryfast",
            "--json");
    assertThat(rec2.exitCode()).as(rec2.stderr()).isZero();
    JsonObject answer = new JsonObject(rec2.stdout());
    assertThat(answer.getJsonObject("against_baseline").getString("label"))
        .isEqualTo("libx264 veryfast 320x240p30");
    JarRunner.Run bad =
        JarRunner.run(
            dir, 60, "recommend", out.resolve("results.json").toString(), "--target", "vmav=90");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.stderr()).contains("--target: unknown metric 'vmav'");
  }

  static List<String> servers() {
    return TestDatabases.servers();
  }

  @ParameterizedTest
  @MethodSource("servers")
  void measuredCampaignOnRaplCountersSaysSoInEveryOutput(String server) throws Exception {
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                write(
                        "one.json",
                        """
                        {"name": "one", "base": {"input": {"duration_s": 2}, "video": {"resolution": "320x240", "preset": "slow"}},
                         "idle_baseline_s": 1}\
                        """)
                    .toString(),
                "--out",
                dir.resolve("out").toString(),
                "--data-dir",
                dir.resolve("data").toString(),
                "--powercap-root",
                fake.root().toString(),
                "--poll-ms",
                "200",
                "--hwmon-root",
                Files.createDirectories(dir.resolve("no-hwmon")).toString(),
                "--nvml",
                "none",
                "--perf-root",
                dir.resolve("no-perf").toString(),
                "--no-progress"));
    if (server.equals("external")) {
      Vertx vertx = Vertx.vertx();
      try {
        PgConnectOptions db = TestDatabases.fresh("external");
        await(Database.open(vertx, db, true), 60).close();
        args.addAll(
            List.of(
                "--db",
                "postgresql://"
                    + db.getUser()
                    + "@"
                    + db.getHost()
                    + ":"
                    + db.getPort()
                    + "/"
                    + db.getDatabase()));
      } finally {
        await(vertx.close(), 30);
      }
    }
    JarRunner.Run run;
    try (FakePowercap.Feeder feeder = fake.feeder().start(Map.of("intel-rapl:0", 20.0))) {
      run = JarRunner.run(dir, 180, args.toArray(String[]::new));
    }
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout())
        .contains("measured")
        .contains("rapl-powercap")
        .doesNotContain("estimated");
    JsonObject results =
        new JsonObject(Files.readString(dir.resolve("out").resolve("results.json")));
    JsonObject energy = results.getJsonArray("jobs").getJsonObject(0).getJsonObject("energy");
    assertThat(energy.getString("provenance")).isEqualTo("measured");
    assertThat(energy.getJsonArray("zones").getList()).containsExactly("package-0");
    assertThat(energy.getDouble("avg_watts")).isCloseTo(20.0, Offset.offset(2.0));
    // The fake draws the same 20 W at idle, so the energy above idle is close to nothing.
    assertThat(energy.getDouble("idle_watts")).isCloseTo(20.0, Offset.offset(2.0));
    assertThat(energy.getDouble("above_idle_joules"))
        .isLessThan(0.1 * energy.getDouble("total_joules"));
    assertThat(Files.readString(dir.resolve("out").resolve("report.html"))).contains("RAPL");
  }

  @Test
  void badCampaignExitsTwoNamingFileAndFieldAndRunsNothing() throws Exception {
    Path campaign =
        write(
            "bad.json",
            "{\"base\": {\"video\": {\"encoder\": \"libx264\", \"preset\": \"warp\"}}}");
    JarRunner.Run run =
        JarRunner.run(
            dir, 60, "bench", campaign.toString(), "--data-dir", dir.resolve("data").toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("bad.json").contains("video.preset").contains("ultrafast");
    assertThat(dir.resolve("data")).doesNotExist();

    Path syntax = write("syntax.json", "{\"base\": {");
    JarRunner.Run run2 = JarRunner.run(dir, 60, "bench", syntax.toString());
    assertThat(run2.exitCode()).isEqualTo(2);
    assertThat(run2.stderr()).contains("syntax.json").contains("not valid JSON");

    Path file =
        write("file.json", "{\"base\": {\"input\": {\"type\": \"file\", \"path\": \"talk.mp4\"}}}");
    JarRunner.Run noRoot =
        JarRunner.run(
            dir, 60, "bench", file.toString(), "--data-dir", dir.resolve("data").toString());
    assertThat(noRoot.exitCode()).isEqualTo(2);
    assertThat(noRoot.stderr())
        .contains("file.json")
        .contains("input.path")
        .contains("--media-root");
    assertThat(dir.resolve("data")).doesNotExist();

    Path negative = write("negative.json", "{\"base\": {\"input\": {\"duration_s\": -3}}}");
    JarRunner.Run run3 = JarRunner.run(dir, 60, "bench", negative.toString());
    assertThat(run3.exitCode()).isEqualTo(2);
    assertThat(run3.stderr()).contains("input.duration_s");
  }

  @Test
  void aCampaignFileWithADuplicateKeyACommentOrAWrappingIntegerExitsTwo() throws Exception {
    Path dup = write("dup.json", "{\"base\": {\"queue\": \"live\", \"queue\": \"batch\"}}");
    JarRunner.Run run = JarRunner.run(dir, 60, "bench", dup.toString());
    assertThat(run.exitCode()).as(run.stderr()).isEqualTo(2);
    assertThat(run.stderr()).contains("dup.json").contains("base.queue").contains("duplicate");

    Path comment = write("comment.json", "{\"repeat\": 2 // twice\n}");
    JarRunner.Run run2 = JarRunner.run(dir, 60, "bench", comment.toString());
    assertThat(run2.exitCode()).as(run2.stderr()).isEqualTo(2);
    assertThat(run2.stderr()).contains("comment.json").contains("comment").contains("line 1");

    Path wraps = write("wraps.json", "{\"repeat\": 4294967297}");
    JarRunner.Run run3 = JarRunner.run(dir, 60, "bench", wraps.toString());
    assertThat(run3.exitCode()).as(run3.stderr()).isEqualTo(2);
    assertThat(run3.stderr()).contains("repeat").contains("4294967297 is out of range");
  }

  @Test
  void missingFfmpegExitsWithTheInstallCommand() throws Exception {
    JarRunner.Run run =
        JarRunner.run(dir, 60, "bench", "--ffmpeg", dir.resolve("no-ffmpeg-here").toString());
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.stderr()).contains("install-deps.sh").contains("apt-get install ffmpeg");
  }

  @Test
  void versionHelpAndRoles() throws Exception {
    assertThat(JarRunner.run(dir, 60, "--version").stdout()).contains("ffrtmp 0.1.0");
    assertThat(JarRunner.run(dir, 60, "--help").stdout()).contains("bench").contains("--role");
    JarRunner.Run bad = JarRunner.run(dir, 60, "--role", "boss");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.stderr()).contains("master, worker, standalone");
  }

  @Test
  void interruptStopsFfmpegAndKeepsFinishedResults() throws Exception {
    Path campaign =
        write(
            "long.json",
            """
            {"name": "long",
             "base": {"video": {"resolution": "320x240", "encoder": "libx264", "preset": "ultrafast"}},
             "configurations": [
               {"input": {"duration_s": 1}},
               {"input": {"duration_s": 600}, "video": {"preset": "veryslow"}}
             ],
             "idle_baseline_s": 0}\
            """);
    Path out = dir.resolve("out");
    Process p =
        JarRunner.start(
            dir,
            "bench",
            campaign.toString(),
            "--out",
            out.toString(),
            "--data-dir",
            dir.resolve("data").toString(),
            "--no-progress");
    // Wait until the first job is done and the long one runs, then stop ffrtmp the way Ctrl-C or
    // SIGTERM does.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.readString(dir.resolve("stderr.txt")).contains("[1/2]")) {
      assertThat(System.nanoTime()).as("first job finished in time").isLessThan(deadline);
      assertThat(p.isAlive()).as("bench still running").isTrue();
      Thread.sleep(200);
    }
    Thread.sleep(1500);
    List<ProcessHandle> ffmpegs =
        p.descendants().filter(h -> h.info().command().orElse("").endsWith("ffmpeg")).toList();
    assertThat(ffmpegs).as("the long encode is running").isNotEmpty();
    p.destroy(); // SIGTERM: the same shutdown path as Ctrl-C
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    JarRunner.Run run = JarRunner.finished(dir, p);
    assertThat(run.stdout())
        .contains("interrupted: 1 of 2 jobs finished")
        .contains(out.toAbsolutePath().normalize().toString());
    for (ProcessHandle h : ffmpegs) {
      assertThat(h.isAlive()).as("FFmpeg stopped").isFalse();
    }
    JsonArray jobs =
        new JsonObject(Files.readString(out.resolve("results.json"))).getJsonArray("jobs");
    assertThat(jobs.stream().map(o -> ((JsonObject) o).getString("state")).toList())
        .containsExactly("succeeded", "canceled");
  }
}

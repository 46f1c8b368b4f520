package io.ffrtmp.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.support.LocalPorts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny density ramp through the jar, for real: the bench starts its node with the embedded
 * nginx-rtmp, runs 160x120 live streams N at a time (each its own camera and output key) for 4 s,
 * and the recorded steps are checked against the schedule and stop rule.
 */
class BenchDensityIT {

  @TempDir Path dir;

  @Test
  void aTinyRampFollowsTheScheduleAndReportsTheLargestN() throws Exception {
    for (String tool : List.of("ffmpeg", "ffprobe", "nginx")) {
      assertThat(LocalPorts.onPath(tool))
          .as(tool + " is missing: sudo deploy/install-deps.sh (ffmpeg, nginx, libnginx-mod-rtmp)")
          .isTrue();
    }
    // JUnit makes temp dirs 0700; run as root, the embedded PostgreSQL (an unprivileged user) must
    // pass through it.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    Path campaign =
        Files.writeString(
            dir.resolve("density.json"),
            """
            {"name": "tiny-density",
             "base": {"input": {"type": "live_synthetic", "resolution": "160x120", "fps": 30,
                                "duration_s": 4},
                      "output": {"type": "rtmp", "url": "rtmp://127.0.0.1:1935/live/d"},
                      "video": {"encoder": "libx264", "preset": "ultrafast",
                                "resolution": "160x120", "fps": 30, "gop": 30},
                      "measure": {"quality": [], "realtime_window_s": 2}},
             "density": {"start": 1, "max": 4, "window_s": 4},
             "idle_baseline_s": 0}\
            """);
    Path out = dir.resolve("out");
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
            "--rtmp-port",
            Integer.toString(LocalPorts.freePortPair()),
            "--no-progress",
            "--powercap-root",
            none.toString(),
            "--hwmon-root",
            none.toString(),
            "--perf-root",
            none.resolve("power").toString(),
            "--nvml",
            "none");
    assertThat(run.exitCode()).as(run.stderr() + run.stdout()).isZero();

    JsonObject results = new JsonObject(Files.readString(out.resolve("results.json")));
    JsonObject density = results.getJsonObject("density");
    assertThat(density).as(results.encodePrettily()).isNotNull();
    JsonArray steps = density.getJsonArray("steps");
    assertThat(steps).isNotEmpty();
    JsonArray jobs = results.getJsonArray("jobs");
    // Replayed against the recorded verdicts, the schedule asks for exactly the steps that ran.
    DensitySchedule replay = new DensitySchedule(1, 4);
    int jobsOfSteps = 0;
    for (Object o : steps) {
      JsonObject step = (JsonObject) o;
      int n = step.getInteger("n");
      assertThat(replay.next()).as(steps.encodePrettily()).isEqualTo(OptionalInt.of(n));
      String key = ".*\\| " + n + " streams";
      List<JsonObject> streams =
          jobs.stream()
              .map(JsonObject.class::cast)
              .filter(j -> j.getString("config_key").matches(key))
              .toList();
      assertThat(streams).as("jobs of step " + n).hasSize(n);
      jobsOfSteps += n;
      boolean allHeld =
          streams.stream()
              .allMatch(
                  j ->
                      "succeeded".equals(j.getString("state"))
                          && Boolean.TRUE.equals(
                              j.getJsonObject("live").getBoolean("holds_realtime")));
      assertThat(step.getBoolean("held")).as(step.encodePrettily()).isEqualTo(allHeld);
      // Each stream had its own camera and its own output key.
      assertThat(
              streams.stream()
                  .map(j -> j.getJsonObject("live").getJsonObject("verification"))
                  .map(v -> v == null ? null : v.getString("url"))
                  .distinct()
                  .count())
          .isEqualTo(n);
      assertThat(
              streams.stream()
                  .map(j -> j.getJsonObject("camera").getString("url"))
                  .distinct()
                  .count())
          .isEqualTo(n);
      if (allHeld) {
        assertThat(step.getDouble("watts_per_stream")).isPositive();
        assertThat(step.getDouble("joules_per_frame")).isPositive();
        assertThat(step.getDouble("min_window_speed")).isGreaterThanOrEqualTo(0.99);
      }
      replay.record(n, step.getBoolean("held"));
    }
    assertThat(replay.next()).as("the schedule had its answer").isEmpty();
    assertThat(jobs).hasSize(jobsOfSteps);
    assertThat(density.getInteger("largest_n")).isEqualTo(replay.largest());
    int largestHeld =
        steps.stream()
            .map(JsonObject.class::cast)
            .filter(s -> s.getBoolean("held"))
            .mapToInt(s -> s.getInteger("n"))
            .max()
            .orElse(0);
    assertThat(density.getInteger("largest_n")).isEqualTo(largestHeld);

    assertThat(run.stdout())
        .contains("largest N that held realtime: " + density.getInteger("largest_n"));
    String html = Files.readString(out.resolve("report.html"));
    assertThat(html).contains("<h2>Live density</h2>").contains("<svg id='density'");
    assertThat(html).contains("W per stream").contains("min window speed");
  }
}

package io.ffrtmp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ffrtmp recommend} over a results file: the answer, and exit 2 naming the option. */
class RecommendCommandTest {

  @TempDir Path dir;
  Path results;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private static JsonObject job(String preset, int rep, double jpf, double kbps, double psnr) {
    String key = "libx264 " + preset + " crf23 1280x720p30";
    return new JsonObject()
        .put("job_id", key + rep)
        .put("config_key", key)
        .put("state", "succeeded")
        .put("node_id", "n1")
        .put(
            "config",
            new JsonObject()
                .put("encoder", "libx264")
                .put("preset", preset)
                .put("rate_control", "crf")
                .put("crf", 23)
                .put("resolution", "1280x720")
                .put("fps", 30))
        .put("duration_s", 10.0)
        .put("bitrate_kbps", kbps)
        .put(
            "energy",
            new JsonObject()
                .put("provenance", "measured")
                .put("source", "rapl-powercap")
                .put("zones", new JsonArray().add("package-0"))
                .put("total_joules", jpf * 300)
                .put("joules_per_frame", jpf))
        .put("quality", new JsonObject().put("psnr", new JsonObject().put("mean", psnr)));
  }

  @BeforeEach
  void write() throws Exception {
    JsonArray jobs = new JsonArray();
    for (int i = 1; i <= 3; i++) {
      jobs.add(job("veryfast", i, 0.050 + i * 0.001, 3000, 40.2));
      jobs.add(job("medium", i, 0.090 + i * 0.001, 2500, 41.0));
    }
    results = dir.resolve("results.json");
    Files.writeString(
        results,
        new JsonObject()
            .put("campaign", new JsonObject().put("name", "t").put("quality_metric", "psnr"))
            .put("jobs", jobs)
            .encode());
  }

  private int run(String... args) {
    RecommendCommand c = new RecommendCommand();
    c.out = new PrintStream(out, true, StandardCharsets.UTF_8);
    c.err = new PrintStream(err, true, StandardCharsets.UTF_8);
    return new CommandLine(c).execute(args);
  }

  @Test
  void namesTheCheapestThatReachesTheFloor() {
    int code =
        run(
            results.toString(),
            "--target",
            "psnr=40",
            "--baseline",
            "libx264 medium",
            "--price-per-kwh",
            "0.30",
            "--currency",
            "EUR");
    assertThat(code).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("cheapest is libx264 veryfast at CRF 23")
        .contains("Against libx264 medium 1280x720p30 (baseline)")
        .contains("EUR")
        .contains("0.3 EUR/kWh")
        .contains("command line");
  }

  @Test
  void jsonCarriesTheSameAnswer() {
    assertThat(run(results.toString(), "--target", "psnr=41", "--json")).isZero();
    JsonObject r = new JsonObject(out.toString(StandardCharsets.UTF_8));
    assertThat(r.getJsonObject("chosen").getString("config_key"))
        .isEqualTo("libx264 medium crf23 1280x720p30");
    assertThat(r.getValue("runner_up")).isNull();
  }

  @Test
  void badInputExitsTwoNamingTheOption() throws Exception {
    assertThat(run(results.toString(), "--target", "vmav=90")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("--target: unknown metric 'vmav'");
    err.reset();
    assertThat(run(results.toString(), "--target", "psnr=400")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--target").contains("out of PSNR");
    err.reset();
    assertThat(run(results.toString(), "--target", "psnr=40", "--baseline", "libx265"))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("--baseline: 'libx265' is not a configuration");
    err.reset();
    assertThat(run(results.toString(), "--target", "psnr=40", "--pue", "0.5")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("--pue:");
    err.reset();
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"campaign\": 3, \"jobs\": [1]}");
    assertThat(run(broken.toString(), "--target", "psnr=40")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("RESULTS_JSON: \"campaign\" must be");
    err.reset();
    Path odd = Files.writeString(dir.resolve("odd.json"), "{\"jobs\": [1]}");
    assertThat(run(odd.toString(), "--target", "psnr=40")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("\"jobs\" holds a Integer");
    err.reset();
    assertThat(run(dir.resolve("missing.json").toString(), "--target", "psnr=40")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.json: cannot be read");
  }
}

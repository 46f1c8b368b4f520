package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ffrtmp.Main;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ffrtmp calibrate} end to end: real load threads and the real /proc/stat, against a fake
 * RAPL package whose counter follows a known law of that same utilisation; then a RAPL-less meter
 * using the file it wrote.
 */
class CalibrationTest {

  static final double IDLE_WATTS = 20;
  static final double SLOPE_WATTS = 60;

  @TempDir Path dir;

  @Test
  void calibrateRecoversTheFeedersLawAndEstimatesCarryTheFitError() throws Exception {
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    Path modelFile = dir.resolve("data").resolve("power-model.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit;
    try (UtilisationFeeder feeder =
        new UtilisationFeeder(fake, "intel-rapl:0", IDLE_WATTS, SLOPE_WATTS)) {
      exit =
          new CommandLine(new Main())
              .setOut(new PrintWriter(out))
              .setErr(new PrintWriter(err))
              .execute(
                  "calibrate",
                  "--powercap-root",
                  fake.root().toString(),
                  "--hwmon-root",
                  dir.resolve("no-hwmon").toString(),
                  "--step-s",
                  "2",
                  "--levels",
                  "0,50,100",
                  "--out",
                  modelFile.toString(),
                  "--json");
    }
    assertThat(exit).as(err.toString()).isZero();

    JsonObject printed = new JsonObject(out.toString());
    JsonObject written = new JsonObject(Files.readString(modelFile));
    assertThat(printed.getString("file")).isEqualTo(modelFile.toString());
    assertThat(written.fieldNames())
        .containsExactlyInAnyOrder(
            "kind",
            "version",
            "model",
            "idle_watts",
            "max_watts",
            "r2",
            "rmse_watts",
            "max_abs_error_watts",
            "points",
            "source",
            "zones",
            "cpu_model",
            "logical_cpus",
            "created_at");
    assertThat(written.getString("kind")).isEqualTo("ffrtmp-power-model");
    assertThat(written.getString("source")).isEqualTo("rapl-powercap");
    assertThat(written.getJsonArray("zones")).containsExactly("package-0");
    assertThat(written.getInteger("logical_cpus"))
        .isEqualTo(Runtime.getRuntime().availableProcessors());

    // Tolerance: the feeder turns utilisation into energy every 50 ms, so its counter lags the load
    // by up to one tick
    // and its tick edges differ from a step's /proc/stat reads by up to 50 ms of a 2 s step (2.5 %
    // of the 60 W
    // range); a half-duty load also swings u between ticks, and a busy CI machine can delay the
    // feeder by another
    // tick or two: 3 W (5 %) per point. A wrong fit (slope or idle off by a factor) misses by tens
    // of watts. Other
    // processes move u, but the feeder and calibrate see the same u, so each point is checked
    // against the law at
    // its own measured utilisation, not at the level.
    JsonArray points = written.getJsonArray("points");
    assertThat(points).hasSize(3);
    for (int i = 0; i < points.size(); i++) {
      JsonObject p = points.getJsonObject(i);
      double u = p.getDouble("utilisation");
      assertThat(p.getDouble("watts"))
          .as("point %s", p)
          .isCloseTo(IDLE_WATTS + SLOPE_WATTS * u, within(3.0));
    }
    double lowU = points.getJsonObject(0).getDouble("utilisation");
    double highU = points.getJsonObject(2).getDouble("utilisation");
    assertThat(highU - lowU)
        .as("the load must move utilisation: 0 %% gave %s, 100 %% gave %s", lowU, highU)
        .isGreaterThan(0.5);
    // The line's ends are extrapolated from u in lowU..highU, so 3 W per point can grow by the
    // span's inverse
    // (at most 2x with the span above): 6 W on the 20 W idle and 80 W full-load ends.
    assertThat(written.getDouble("idle_watts")).isCloseTo(IDLE_WATTS, within(6.0));
    assertThat(written.getDouble("max_watts")).isCloseTo(IDLE_WATTS + SLOPE_WATTS, within(6.0));
    assertThat(written.getDouble("rmse_watts")).isLessThan(3.0);
    assertThat(written.getDouble("r2")).isGreaterThan(0.98);

    // A node of the same hardware without RAPL: its estimates use the calibrated line and carry its
    // error.
    PowerConfig noRapl =
        PowerConfig.defaults()
            .withPowercapRoot(dir.resolve("absent"))
            .withPerfRoot(dir.resolve("absent"))
            .withHwmonRoot(dir.resolve("no-hwmon"))
            .withNvmlLibrary(null)
            .withModelFile(modelFile);
    try (EnergyMeter meter = EnergyMeter.open(noRapl)) {
      assertThat(meter.provenance()).isEqualTo("estimated");
      Measurement m = meter.start();
      Thread.sleep(200);
      EnergyResult r = m.stop();
      JsonObject model = r.toJson().getJsonObject("model");
      assertThat(r.model().idleWatts()).isEqualTo(written.getDouble("idle_watts"));
      assertThat(r.model().maxWatts()).isEqualTo(written.getDouble("max_watts"));
      assertThat(model.getString("basis"))
          .isEqualTo(
              "calibrated on "
                  + written.getString("cpu_model")
                  + " "
                  + written.getString("created_at")
                  + " ("
                  + modelFile
                  + ")");
      assertThat(model.getDouble("fit_rmse_watts")).isEqualTo(written.getDouble("rmse_watts"));
      assertThat(model.getDouble("fit_r2")).isEqualTo(written.getDouble("r2"));
      assertThat(model.containsKey("warning"))
          .as("same machine, same hardware: %s", model)
          .isFalse();
    }
  }

  @Test
  void aModelFromOtherHardwareIsUsedAndSaysSo() throws Exception {
    Path file = PowerModelFileTest.validModel().write(dir.resolve("other.json")).file();
    PowerConfig noRapl =
        PowerConfig.defaults()
            .withPowercapRoot(dir.resolve("absent"))
            .withPerfRoot(dir.resolve("absent"))
            .withHwmonRoot(dir.resolve("no-hwmon"))
            .withNvmlLibrary(null)
            .withModelFile(file);
    try (EnergyMeter meter = EnergyMeter.open(noRapl)) {
      EnergyResult r = meter.start().stop();
      assertThat(r.model().idleWatts()).isEqualTo(11.0);
      assertThat(r.model().warning())
          .startsWith("calibrated on different hardware: ")
          .contains("512 logical CPUs there, " + r.model().logicalCpus() + " here")
          .contains("'Test CPU 9000' there");
      assertThat(r.toJson().getJsonObject("model").getString("warning"))
          .isEqualTo(r.model().warning());
      assertThat(meter.sources())
          .anyMatch(
              s ->
                  s.name().equals("cpu-utilisation-model")
                      && s.detail().contains("calibrated on different hardware")
                      && s.detail().contains("fit RMSE 0.4 W"));
    }
  }

  @Test
  void aMeasuredNodeListsTheModelFileAsUnused() throws Exception {
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    Path file = PowerModelFileTest.validModel().write(dir.resolve("m.json")).file();
    PowerConfig config =
        PowerConfig.defaults()
            .withPowercapRoot(fake.root())
            .withHwmonRoot(dir.resolve("no-hwmon"))
            .withNvmlLibrary(null)
            .withModelFile(file);
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      assertThat(meter.provenance()).isEqualTo("measured");
      assertThat(meter.sources())
          .anyMatch(s -> s.name().equals("power-model-file") && s.detail().startsWith("not used"));
    }
  }

  @Test
  void calibrationRefusesWithoutARealEnergySource() {
    PowerConfig noRapl =
        PowerConfig.defaults()
            .withPowercapRoot(dir.resolve("absent"))
            .withPerfRoot(dir.resolve("absent"))
            .withHwmonRoot(dir.resolve("no-hwmon"))
            .withNvmlLibrary(null);
    assertThatThrownBy(
            () ->
                PowerCalibration.run(
                    noRapl, List.of(0, 100), Duration.ofSeconds(1), "cpu", p -> {}))
        .isInstanceOf(CalibrationRefusedException.class)
        .hasMessage(PowerCalibration.NO_ENERGY_SOURCE);
  }
}

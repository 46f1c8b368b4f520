package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerModelFileTest {

  @TempDir Path dir;

  /** A model from hardware this test machine does not have (512 logical CPUs, a made-up CPU). */
  static PowerModelFile validModel() {
    return new PowerModelFile(
        11.0,
        42.0,
        0.98,
        0.4,
        0.7,
        List.of(
            new CalibrationPoint(0, 0.02, 11.5, 0.1), new CalibrationPoint(100, 0.99, 41.8, 0.3)),
        "rapl-powercap",
        List.of("package-0"),
        "Test CPU 9000",
        512,
        Instant.parse("2025-01-02T03:04:05Z"),
        null);
  }

  @Test
  void writeThenReadGivesTheSameModel() throws Exception {
    Path file = dir.resolve("sub").resolve("power-model.json");
    PowerModelFile written = validModel().write(file);

    assertThat(PowerModelFile.read(file)).isEqualTo(written);
    assertThat(written.file()).isEqualTo(file.toAbsolutePath());
    try (var listing = Files.list(file.getParent())) {
      assertThat(listing).as("no temporary file left behind").containsExactly(file);
    }
  }

  @Test
  void aMissingFieldIsRejectedByName() throws Exception {
    Path file = dir.resolve("m.json");
    JsonObject json = validModel().toJson();
    json.remove("idle_watts");
    Files.writeString(file, json.encode());

    assertThatThrownBy(() -> PowerModelFile.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("power model file " + file + ": field 'idle_watts' is missing");
  }

  @Test
  void aWrongTypeOrValueIsRejectedByName() throws Exception {
    Path file = dir.resolve("m.json");
    Files.writeString(file, validModel().toJson().put("max_watts", "lots").encode());
    assertThatThrownBy(() -> PowerModelFile.read(file))
        .hasMessageContaining(file.toString())
        .hasMessageContaining("field 'max_watts' must be a finite number");

    JsonObject badPoint = validModel().toJson();
    badPoint.getJsonArray("points").getJsonObject(1).remove("watts");
    Files.writeString(file, badPoint.encode());
    assertThatThrownBy(() -> PowerModelFile.read(file))
        .hasMessageContaining("field 'points[1].watts' is missing");

    Files.writeString(file, validModel().toJson().put("kind", "something-else").encode());
    assertThatThrownBy(() -> PowerModelFile.read(file))
        .hasMessageContaining("field 'kind' is 'something-else'");

    Files.writeString(file, "{ not json");
    assertThatThrownBy(() -> PowerModelFile.read(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not a JSON object");
  }

  @Test
  void theMeterRefusesToOpenWithAMalformedFileEvenWhereRaplWouldMeasure() throws Exception {
    FakePowercap fake = FakePowercap.amd(dir.resolve("powercap"), 1);
    Path file = dir.resolve("m.json");
    Files.writeString(file, validModel().toJson().put("logical_cpus", 0).encode());
    PowerConfig config =
        PowerConfig.defaults()
            .withPowercapRoot(fake.root())
            .withHwmonRoot(dir.resolve("no-hwmon"))
            .withNvmlLibrary(null)
            .withModelFile(file);

    assertThatThrownBy(() -> EnergyMeter.open(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("power model file " + file + ": field 'logical_cpus' must be positive, is 0");
  }

  @Test
  void modelWattsAndAModelFileExcludeEachOther() {
    assertThatThrownBy(
            () ->
                PowerConfig.defaults()
                    .withModelWatts(5.0, 50.0)
                    .withModelFile(dir.resolve("m.json")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not both");
  }
}

package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meter against a fake powercap tree fed at known power. The feeder starts after the meter's
 * first read and is stopped (its last write on disk) before the meter's last read, so the meter
 * must see exactly the fed energy: the only tolerance is float rounding of microjoule sums.
 */
class EnergyMeterRaplTest {

  private static final double EXACT = 1e-6;

  @TempDir Path dir;

  private PowerConfig config(FakePowercap fake) {
    // No hwmon tree and no NVML, so a GPU on the test machine cannot add a scope to these exact
    // totals.
    return PowerConfig.defaults()
        .withPowercapRoot(fake.root())
        .withProcRoot(dir.resolve("no-proc"))
        .withHwmonRoot(dir.resolve("no-hwmon"))
        .withNvmlLibrary(null)
        .withPollIntervalMs(100);
  }

  private EnergyResult feedAndMeasure(
      EnergyMeter meter, FakePowercap.Feeder feeder, Map<String, Double> watts, long millis)
      throws InterruptedException {
    Measurement m = meter.start();
    feeder.start(watts);
    Thread.sleep(millis);
    feeder.stop();
    return m.stop();
  }

  @Test
  void intelPackageAndDramMatchFedEnergyAndCoreIsNotAdded() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake))) {
      assertThat(meter.provenance()).isEqualTo("measured");
      // core sits inside the package: fed too, as hardware would, and must not show up in the
      // total.
      EnergyResult r =
          feedAndMeasure(
              meter,
              feeder,
              Map.of("intel-rapl:0", 20.0, "intel-rapl:0:1", 5.0, "intel-rapl:0:0", 12.0),
              1500);

      double pkg = feeder.writtenJoules("intel-rapl:0");
      double dram = feeder.writtenJoules("intel-rapl:0:1");
      assertThat(r.zones()).containsExactly("package-0", "dram-0");
      assertThat(r.perZoneJoules().get("package-0")).isCloseTo(pkg, within(EXACT));
      assertThat(r.perZoneJoules().get("dram-0")).isCloseTo(dram, within(EXACT));
      assertThat(r.totalJoules()).isCloseTo(pkg + dram, within(EXACT));
      assertThat(r.perZoneJoules()).doesNotContainKey("core-0");
      // Timing: the window is a little longer than the feeding, so the average is a little under 25
      // W.
      assertThat(pkg + dram).isBetween(25.0 * 1.4, 25.0 * 2.0);
      assertThat(r.avgWatts()).isBetween(20.0, 26.0);
      assertThat(r.peakWatts()).isNotNull().isBetween(20.0, 32.0);
      assertThat(r.samples()).isGreaterThanOrEqualTo(10);
      assertThat(r.trace()).hasSizeGreaterThanOrEqualTo(10);
      assertThat(r.trace().get(0).tMs()).isZero();
      assertThat(r.model()).isNull();
    }
  }

  @Test
  void wrapDuringTheWindowIsCorrected() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    // A 10 J range wraps every 0.5 s at 20 W: several wraps, at most one per 100 ms poll interval.
    fake.setMaxEnergyRangeUj("intel-rapl:0", 10_000_000);
    fake.setNearWrap("intel-rapl:0", 0.5);
    fake.setNearWrap("intel-rapl:0:1", 1.0); // the real Intel range, crossed once near the start
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake))) {
      EnergyResult r =
          feedAndMeasure(meter, feeder, Map.of("intel-rapl:0", 20.0, "intel-rapl:0:1", 5.0), 1500);
      assertThat(feeder.writtenJoules("intel-rapl:0")).isGreaterThan(20.0);
      assertThat(fake.energyUj("intel-rapl:0:1")).isLessThan(10_000_000L); // it did wrap
      assertThat(r.perZoneJoules().get("package-0"))
          .isCloseTo(feeder.writtenJoules("intel-rapl:0"), within(EXACT));
      assertThat(r.perZoneJoules().get("dram-0"))
          .isCloseTo(feeder.writtenJoules("intel-rapl:0:1"), within(EXACT));
      assertThat(r.trace()).allSatisfy(p -> assertThat(p.watts()).isBetween(0.0, 40.0));
    }
  }

  @Test
  void twoSocketsAreSummed() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir, 2);
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake))) {
      EnergyResult r =
          feedAndMeasure(
              meter,
              feeder,
              Map.of(
                  "intel-rapl:0",
                  20.0,
                  "intel-rapl:0:1",
                  5.0,
                  "intel-rapl:1",
                  30.0,
                  "intel-rapl:1:1",
                  4.0),
              800);
      double fed =
          feeder.writtenJoules("intel-rapl:0")
              + feeder.writtenJoules("intel-rapl:0:1")
              + feeder.writtenJoules("intel-rapl:1")
              + feeder.writtenJoules("intel-rapl:1:1");
      assertThat(r.zones()).containsExactly("package-0", "dram-0", "package-1", "dram-1");
      assertThat(r.perZoneJoules().get("package-1"))
          .isCloseTo(feeder.writtenJoules("intel-rapl:1"), within(EXACT));
      assertThat(r.perZoneJoules().get("dram-1"))
          .isCloseTo(feeder.writtenJoules("intel-rapl:1:1"), within(EXACT));
      assertThat(r.totalJoules()).isCloseTo(fed, within(EXACT));
    }
  }

  @Test
  void amdWithoutDramWorks() throws Exception {
    FakePowercap fake = FakePowercap.amd(dir, 1);
    fake.setNearWrap("intel-rapl:0", 2.0);
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake))) {
      EnergyResult r = feedAndMeasure(meter, feeder, Map.of("intel-rapl:0", 40.0), 600);
      assertThat(r.zones()).containsExactly("package-0");
      assertThat(r.totalJoules()).isCloseTo(feeder.writtenJoules("intel-rapl:0"), within(EXACT));
    }
  }

  @Test
  void psysOnlyTreeWorks() throws Exception {
    FakePowercap fake = FakePowercap.psysOnly(dir);
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake))) {
      EnergyResult r = feedAndMeasure(meter, feeder, Map.of("intel-rapl:0", 15.0), 500);
      assertThat(r.zones()).containsExactly("psys");
      assertThat(r.totalJoules()).isCloseTo(feeder.writtenJoules("intel-rapl:0"), within(EXACT));
    }
  }

  @Test
  void currentWattsIsNullBeforeFirstPollThenTracksPower() throws Exception {
    FakePowercap fake = FakePowercap.amd(dir, 1);
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake).withPollIntervalMs(200))) {
      Measurement m = meter.start();
      assertThat(m.currentWatts()).isNull();
      feeder.start(Map.of("intel-rapl:0", 50.0));
      Thread.sleep(700);
      assertThat(m.currentWatts()).isNotNull().isBetween(35.0, 65.0);
      feeder.stop();
      EnergyResult first = m.stop();
      assertThat(m.stop()).isSameAs(first);
    }
  }

  @Test
  void windowShorterThanOneIntervalHasNoPeakRatherThanZero() {
    FakePowercap fake = FakePowercap.amd(dir, 1);
    try (EnergyMeter meter = EnergyMeter.open(config(fake).withPollIntervalMs(60_000))) {
      EnergyResult r = meter.start().stop();
      JsonObject json = r.toJson();
      assertThat(json.containsKey("peak_watts")).isTrue();
      assertThat(json.getValue("peak_watts")).isNull();
      assertThat(r.samples()).isEqualTo(2);
    }
  }

  @Test
  void jsonHasExactlyTheAgreedFields() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake))) {
      JsonObject json = feedAndMeasure(meter, feeder, Map.of("intel-rapl:0", 10.0), 350).toJson();
      // The original fields, plus "scopes" with the single cpu entry when there is no GPU.
      assertThat(json.fieldNames())
          .containsExactlyInAnyOrder(
              "provenance",
              "source",
              "zones",
              "per_zone_joules",
              "total_joules",
              "duration_ms",
              "avg_watts",
              "peak_watts",
              "samples",
              "trace",
              "scopes");
      assertThat(json.getJsonArray("scopes")).hasSize(1);
      JsonObject cpu = json.getJsonArray("scopes").getJsonObject(0);
      assertThat(cpu.fieldNames())
          .containsExactly("scope", "provenance", "source", "zones", "joules");
      assertThat(cpu.getString("scope")).isEqualTo("cpu");
      assertThat(cpu.getString("provenance")).isEqualTo("measured");
      assertThat(cpu.getString("source")).isEqualTo("rapl-powercap");
      assertThat(cpu.getJsonArray("zones").getList()).containsExactly("package-0", "dram-0");
      assertThat(cpu.getDouble("joules")).isEqualTo(json.getDouble("total_joules"));
      assertThat(json.getString("provenance")).isEqualTo("measured");
      assertThat(json.getString("source")).isEqualTo("rapl-powercap");
      assertThat(json.getJsonArray("zones").getList()).containsExactly("package-0", "dram-0");
      assertThat(json.getJsonObject("per_zone_joules").fieldNames())
          .containsExactly("package-0", "dram-0");
      assertThat(json.getJsonArray("trace").getJsonObject(0).fieldNames())
          .containsExactly("t_ms", "watts");
      assertThat(json.getDouble("avg_watts"))
          .isCloseTo(
              json.getDouble("total_joules") / (json.getLong("duration_ms") / 1000.0), within(0.1));
    }
  }

  @Test
  void idleBaselineAveragesPollIntervals() throws Exception {
    FakePowercap fake = FakePowercap.amd(dir, 1);
    FakePowercap.Feeder feeder = fake.feeder().start(Map.of("intel-rapl:0", 10.0));
    try (EnergyMeter meter = EnergyMeter.open(config(fake))) {
      IdleBaseline idle = meter.measureIdle(Duration.ofMillis(1000));
      assertThat(idle.avgWatts()).isCloseTo(10.0, within(1.0));
      assertThat(idle.stddevWatts()).isLessThan(2.0);
      assertThat(idle.samples()).isBetween(5, 10);
      assertThat(idle.durationMs()).isBetween(950L, 1500L);
      assertThat(idle.provenance()).isEqualTo("measured");
      assertThat(idle.source()).isEqualTo("rapl-powercap");
      assertThat(idle.toJson().fieldNames())
          .containsExactlyInAnyOrder(
              "avg_watts", "stddev_watts", "samples", "duration_ms", "provenance", "source");
    } finally {
      feeder.stop();
    }
  }

  @Test
  void pollThreadIsADaemonOwnedByTheMeterAndStopsOnClose() throws Exception {
    FakePowercap fake = FakePowercap.amd(dir, 1);
    EnergyMeter meter = EnergyMeter.open(config(fake));
    Measurement m = meter.start();
    Thread.sleep(250);
    assertThat(Thread.getAllStackTraces().keySet())
        .anyMatch(t -> t.getName().equals("ffrtmp-power-poll") && t.isDaemon());
    meter.close();
    // A window still open at close gives its result from the final read.
    assertThat(m.stop().samples()).isGreaterThanOrEqualTo(2);
  }
}

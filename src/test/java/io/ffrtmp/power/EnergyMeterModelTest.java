package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonObject;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnergyMeterModelTest {

  @TempDir Path dir;

  /**
   * Defaults without hwmon and NVML, so a GPU on the test machine cannot add a scope to these
   * figures.
   */
  private PowerConfig base() {
    return PowerConfig.defaults()
        .withNvmlLibrary(null)
        .withHwmonRoot(dir.resolve("no-hwmon"))
        .withPerfRoot(dir.resolve("no-perf"));
  }

  /**
   * Tests run as root, which reads a 0400 energy_uj; this reader answers like the kernel does for a
   * normal user.
   */
  private static final CounterReader DENY_ENERGY =
      file -> {
        if (file.getFileName().toString().equals("energy_uj")) {
          throw new AccessDeniedException(file.toString());
        }
        return CounterReader.FILES.read(file);
      };

  @Test
  void unreadableCounterGivesTheFixAndFallsBackToTheModel() {
    FakePowercap fake = FakePowercap.intel(dir.resolve("powercap"), 1);
    FakeProcStat stat = new FakeProcStat(dir.resolve("proc"), 4);
    PowerConfig config = base().withPowercapRoot(fake.root()).withProcRoot(stat.procRoot());
    try (EnergyMeter meter = EnergyMeter.open(config, DENY_ENERGY, TraceBuffer.DEFAULT_CAPACITY)) {
      assertThat(meter.provenance()).isEqualTo("estimated");
      assertThat(meter.source()).isEqualTo("cpu-utilisation-model");
      SourceStatus pkg =
          meter.sources().stream()
              .filter(s -> s.name().equals("package-0"))
              .findFirst()
              .orElseThrow();
      assertThat(pkg.usable()).isFalse();
      assertThat(pkg.detail())
          .contains("permission denied")
          .contains(fake.zoneDir("intel-rapl:0").resolve("energy_uj").toString());
      assertThat(pkg.fix())
          .contains("sudo chmod o+r " + fake.root() + "/intel-rapl:*/energy_uj")
          .contains("udev rule")
          .contains(
              "ACTION==\"add\", SUBSYSTEM==\"powercap\", RUN+=\"/bin/chmod o+r /sys%p/energy_uj\"")
          .contains("run the worker as root");
      assertThat(meter.sources())
          .anyMatch(s -> s.name().equals("cpu-utilisation-model") && s.usable());
      assertThat(pkg.toJson().fieldNames())
          .containsExactly("name", "path", "usable", "detail", "fix", "scope", "resolution");
      assertThat(pkg.scope()).isEqualTo("cpu");
    }
  }

  @Test
  void fixForTheRealTreeNamesSysClassPowercap() {
    assertThat(RaplDiscovery.permissionFix(PowerConfig.DEFAULT_POWERCAP_ROOT, "energy_uj"))
        .isEqualTo(
            "sudo chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj (resets at boot; make it"
                + " permanent with a udev rule: ACTION==\"add\", SUBSYSTEM==\"powercap\","
                + " RUN+=\"/bin/chmod o+r /sys%p/energy_uj\") or run the worker as root");
  }

  @Test
  void modelEnergyIsIdlePlusUtilisationShareOfTheRange() throws Exception {
    FakeProcStat stat = new FakeProcStat(dir.resolve("proc"), 4);
    stat.set(1_000, 9_000);
    // A long poll interval: only the start and stop reads, so the one interval sees exactly u = 600
    // / 1000.
    PowerConfig config =
        base()
            .withPowercapRoot(dir.resolve("absent"))
            .withProcRoot(stat.procRoot())
            .withPollIntervalMs(60_000);
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      Measurement m = meter.start();
      stat.advance(600, 400);
      Thread.sleep(300);
      EnergyResult r = m.stop();

      double idle = 0.74 * 4;
      double max = 3.5 * 4;
      double watts = idle + 0.6 * (max - idle);
      assertThat(r.provenance()).isEqualTo("estimated");
      assertThat(r.source()).isEqualTo("cpu-utilisation-model");
      assertThat(r.zones()).containsExactly("cpu-model");
      assertThat(r.avgWatts()).isCloseTo(watts, within(1e-9));
      // duration_ms is rounded to the millisecond; the energy is not.
      assertThat(r.totalJoules()).isCloseTo(watts * r.durationMs() / 1000.0, within(watts * 0.001));
      assertThat(r.durationMs()).isBetween(300L, 1000L);

      JsonObject json = r.toJson();
      assertThat(json.getJsonObject("per_zone_joules").getDouble("cpu-model"))
          .isEqualTo(r.totalJoules());
      JsonObject model = json.getJsonObject("model");
      assertThat(model.fieldNames())
          .containsExactlyInAnyOrder("name", "idle_watts", "max_watts", "logical_cpus", "basis");
      assertThat(model.getString("name")).isEqualTo("linear-cpu-utilisation");
      assertThat(model.getDouble("idle_watts")).isCloseTo(idle, within(1e-12));
      assertThat(model.getDouble("max_watts")).isCloseTo(max, within(1e-12));
      assertThat(model.getInteger("logical_cpus")).isEqualTo(4);
      assertThat(model.getString("basis")).contains("Cloud Carbon Footprint");
    }
  }

  @Test
  void modelIntegratesOverPollIntervalsWithConfiguredWatts() throws Exception {
    FakeProcStat stat = new FakeProcStat(dir.resolve("proc"), 2);
    PowerConfig config =
        base()
            .withPowercapRoot(dir.resolve("absent"))
            .withProcRoot(stat.procRoot())
            .withPollIntervalMs(100)
            .withModelWatts(10.0, 50.0);
    AtomicBoolean running = new AtomicBoolean(true);
    // Jiffies advance every 10 ms at a constant 25 % busy share, so every poll interval sees u =
    // 0.25.
    Thread ticker =
        new Thread(
            () -> {
              while (running.get()) {
                stat.advance(1, 3);
                try {
                  Thread.sleep(10);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    ticker.setDaemon(true);
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      stat.advance(1, 3);
      Measurement m = meter.start();
      ticker.start();
      Thread.sleep(800);
      EnergyResult r = m.stop();
      double watts = 10.0 + 0.25 * (50.0 - 10.0);
      assertThat(r.avgWatts()).isCloseTo(watts, within(1e-9));
      assertThat(r.peakWatts()).isCloseTo(watts, within(1e-9));
      assertThat(r.samples()).isGreaterThanOrEqualTo(6);
      assertThat(r.trace()).allSatisfy(p -> assertThat(p.watts()).isCloseTo(watts, within(1e-9)));
      assertThat(r.model().basis()).isEqualTo("configured");
      assertThat(r.model().logicalCpus()).isEqualTo(2);
    } finally {
      running.set(false);
      ticker.join();
    }
  }

  @Test
  void idleBaselineFromTheModelIsTheIdleEndWhenNothingRuns() {
    FakeProcStat stat = new FakeProcStat(dir.resolve("proc"), 8);
    PowerConfig config =
        base()
            .withPowercapRoot(dir.resolve("absent"))
            .withProcRoot(stat.procRoot())
            .withPollIntervalMs(100);
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      IdleBaseline idle = meter.measureIdle(Duration.ofMillis(500));
      assertThat(idle.avgWatts()).isCloseTo(0.74 * 8, within(1e-9));
      assertThat(idle.stddevWatts()).isCloseTo(0.0, within(1e-9));
      assertThat(idle.provenance()).isEqualTo("estimated");
      assertThat(idle.source()).isEqualTo("cpu-utilisation-model");
    }
  }

  @Test
  void idleShorterThanOnePollIntervalIsRejected() {
    FakeProcStat stat = new FakeProcStat(dir.resolve("proc"), 1);
    PowerConfig config =
        base().withPowercapRoot(dir.resolve("absent")).withProcRoot(stat.procRoot());
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      assertThatThrownBy(() -> meter.measureIdle(Duration.ofMillis(10)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void noSourceAtAllIsAnErrorNotZeroWatts() {
    PowerConfig config =
        base()
            .withPowercapRoot(dir.resolve("absent"))
            .withProcRoot(dir.resolve("no-proc"))
            .withHwmonRoot(dir.resolve("no-hwmon"));
    assertThatThrownBy(() -> EnergyMeter.open(config))
        .isInstanceOf(PowerUnavailableException.class)
        .satisfies(
            e ->
                assertThat(((PowerUnavailableException) e).sources())
                    .extracting(SourceStatus::name)
                    .containsExactly(
                        "rapl-powercap", "rapl-perf", "cpu-utilisation-model", "hwmon"));
  }

  @Test
  void realProcOfThisMachineDrivesTheModel() throws Exception {
    // The powercap root is forced absent so this test takes the model path even on a machine with
    // RAPL.
    PowerConfig config = base().withPowercapRoot(dir.resolve("absent")).withPollIntervalMs(100);
    try (EnergyMeter meter = EnergyMeter.open(config)) {
      assertThat(meter.provenance()).isEqualTo("estimated");
      Measurement m = meter.start();
      long until = System.nanoTime() + 400_000_000L;
      long spin = 0;
      while (System.nanoTime() < until) {
        spin += Long.numberOfTrailingZeros(spin + 1);
      }
      EnergyResult r = m.stop();
      ModelParams model = r.model();
      assertThat(model.logicalCpus())
          .isEqualTo(
              Files.readAllLines(Path.of("/proc/stat")).stream()
                  .filter(l -> l.matches("cpu\\d+ .*"))
                  .count());
      assertThat(r.totalJoules()).isPositive();
      // At full load (other jobs on this 2-core machine) the average is max_watts up to float
      // rounding.
      assertThat(r.avgWatts()).isBetween(model.idleWatts() - 1e-9, model.maxWatts() + 1e-9);
      assertThat(r.samples()).isGreaterThanOrEqualTo(3);
      assertThat(spin).isNotNegative();
    }
  }

  @Test
  void defaultConfigOpensOnThisMachine() {
    // Measured where RAPL is readable, estimated elsewhere.
    try (EnergyMeter meter = EnergyMeter.open(PowerConfig.defaults())) {
      assertThat(meter.provenance()).isIn("measured", "estimated");
      assertThat(meter.sources()).isNotEmpty();
      // RAPL comes through powercap or, where that is absent, the perf power PMU.
      if (!Files.exists(PowerConfig.DEFAULT_POWERCAP_ROOT)
          && !Files.exists(PowerConfig.DEFAULT_PERF_ROOT)) {
        assertThat(meter.provenance()).isEqualTo("estimated");
        assertThat(meter.sources().get(0).usable()).isFalse();
      }
    }
  }
}

package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The always-on node meter against a fake powercap tree fed at known power: its energy per zone is
 * the fed energy with wraps unwrapped, its watts the fed watts, a window opened meanwhile is an
 * integral of the same reads, and a counter that stops reading leaves the zone without series and
 * the source down, never at 0 W.
 */
class NodeMeterTest {

  @TempDir Path dir;

  private PowerConfig config(FakePowercap fake, long pollMs) {
    return PowerConfig.defaults()
        .withPowercapRoot(fake.root())
        .withProcRoot(dir.resolve("no-proc"))
        .withHwmonRoot(dir.resolve("no-hwmon"))
        // This machine's own perf power PMU (where it has one) must not stand in for the fakes.
        .withPerfRoot(dir.resolve("no-perf"))
        .withNvmlLibrary(null)
        .withPollIntervalMs(pollMs);
  }

  private static NodeReading.Zone zone(NodeReading r, String name) {
    return r.zones().stream().filter(z -> z.zone().equals(name)).findFirst().orElse(null);
  }

  @Test
  void nodeEnergyIsTheFedEnergyAcrossWrapsAndWindowsShareTheReads() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    // A 10 J range at 20 W wraps every 0.5 s: several wraps, at most one per 100 ms read.
    fake.setMaxEnergyRangeUj("intel-rapl:0", 10_000_000L);
    fake.setNearWrap("intel-rapl:0", 0.5);
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake, 100))) {
      NodeReading before = meter.reading();
      assertThat(before.zones()).extracting(NodeReading.Zone::zone).contains("package-0");
      double pkg0 = zone(before, "package-0").joules();
      feeder.start(Map.of("intel-rapl:0", 20.0, "intel-rapl:0:1", 5.0));
      Thread.sleep(600);
      Measurement window = meter.start();
      Thread.sleep(900);
      feeder.stop();
      EnergyResult job = window.stop();
      Thread.sleep(250); // a tick after the feeder's last write
      NodeReading after = meter.reading();

      double fed = feeder.writtenJoules("intel-rapl:0");
      assertThat(fed).isGreaterThan(20.0); // four wraps or more
      assertThat(zone(after, "package-0").joules() - pkg0).isCloseTo(fed, within(1e-6));
      assertThat(zone(after, "dram-0").joules())
          .isCloseTo(feeder.writtenJoules("intel-rapl:0:1"), within(1e-6));
      assertThat(zone(after, "package-0").source()).isEqualTo("rapl-powercap");
      assertThat(zone(after, "package-0").provenance()).isEqualTo("measured");
      assertThat(zone(after, "package-0").scope()).isEqualTo("cpu");
      // The window saw a part of the node's reads, never more energy than the node.
      assertThat(job.perZoneJoules().get("package-0")).isBetween(12.0, fed);
      assertThat(after.reads()).isGreaterThan(before.reads() + 10);
      assertThat(after.readFailures()).isZero();
      assertThat(after.estimated()).isFalse();
      assertThat(after.sources())
          .filteredOn(s -> s.source().equals("rapl-powercap"))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.state()).isEqualTo(NodeReading.State.USED);
                assertThat(s.up()).isTrue();
              });
    }
  }

  @Test
  void wattsAreTheFedPowerOverATick() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    FakePowercap.Feeder feeder = fake.feeder();
    try (EnergyMeter meter = EnergyMeter.open(config(fake, 200))) {
      assertThat(zone(meter.reading(), "package-0").watts()).isNull(); // no tick interval yet
      feeder.start(Map.of("intel-rapl:0", 30.0, "intel-rapl:0:1", 4.0));
      Thread.sleep(1200);
      NodeReading r = meter.reading();
      feeder.stop();
      // The feeder writes in steps; over a 200 ms tick its rate is within a few per cent.
      assertThat(zone(r, "package-0").watts()).isCloseTo(30.0, within(3.0));
      assertThat(zone(r, "dram-0").watts()).isCloseTo(4.0, within(0.5));
    }
  }

  @Test
  void aCounterThatStopsReadingHasNoSeriesAndItsSourceIsDown() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    try (EnergyMeter meter = EnergyMeter.open(config(fake, 100))) {
      Path energy = fake.zoneDir("intel-rapl:0").resolve("energy_uj");
      Files.move(energy, energy.resolveSibling("energy_uj.gone"));
      Thread.sleep(400);
      NodeReading r = meter.reading();
      assertThat(r.zones()).isEmpty();
      assertThat(r.readFailures()).isPositive();
      assertThat(r.sources())
          .filteredOn(s -> s.source().equals("rapl-powercap"))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.state()).isEqualTo(NodeReading.State.DOWN);
                assertThat(s.up()).isFalse();
                assertThat(s.reason()).isEqualTo(NodeReading.Reason.NOT_FOUND);
              });

      Files.move(energy.resolveSibling("energy_uj.gone"), energy);
      Thread.sleep(400);
      assertThat(meter.reading().zones()).extracting(NodeReading.Zone::zone).contains("package-0");
    }
  }

  @Test
  void unreadableRaplAtStartIsDownBesideTheModelThatStandsIn() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    // energy_uj is root-only on current kernels; the tests may run as root, so the reader denies.
    CounterReader deny =
        file -> {
          if (file.getFileName().toString().equals("energy_uj")) {
            throw new java.nio.file.AccessDeniedException(file.toString());
          }
          return CounterReader.FILES.read(file);
        };
    FakeProcStat stat = new FakeProcStat(dir.resolve("proc"), 4);
    stat.set(1_000, 9_000);
    PowerConfig config = config(fake, 100).withProcRoot(stat.procRoot());
    try (EnergyMeter meter = EnergyMeter.open(config, deny, TraceBuffer.DEFAULT_CAPACITY)) {
      NodeReading r = meter.reading();
      assertThat(r.estimated()).isTrue();
      assertThat(r.zones())
          .extracting(NodeReading.Zone::source, NodeReading.Zone::provenance)
          .containsOnly(org.assertj.core.groups.Tuple.tuple("cpu-utilisation-model", "estimated"));
      assertThat(r.sources())
          .filteredOn(s -> s.source().equals("rapl-powercap"))
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.state()).isEqualTo(NodeReading.State.DOWN);
                assertThat(s.up()).isFalse();
                assertThat(s.reason()).isEqualTo(NodeReading.Reason.PERMISSION_DENIED);
              });
    }
  }

  @Test
  void cpuUtilisationIsTheBusyShareBetweenTicks() throws Exception {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    FakeProcStat stat = new FakeProcStat(dir.resolve("proc"), 4);
    stat.set(1_000, 9_000);
    try (EnergyMeter meter = EnergyMeter.open(config(fake, 100).withProcRoot(stat.procRoot()))) {
      assertThat(meter.reading().cpuUtilisation()).isNull(); // one read: no interval yet
      stat.advance(300, 700);
      Thread.sleep(450);
      // Later ticks see no jiffy tick (a frozen fake) and keep the last figure.
      assertThat(meter.reading().cpuUtilisation()).isCloseTo(0.3, within(1e-9));
      assertThat(meter.reading().reads()).isGreaterThan(2);
    }
  }
}

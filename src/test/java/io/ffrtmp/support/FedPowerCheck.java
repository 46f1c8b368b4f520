package io.ffrtmp.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ffrtmp.power.FakePowercap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What a node's scrape must say about a fake powercap tree a test feeds at known power, with wraps:
 * the energy counter's increase is the fed energy, the power gauge the fed watts, and a counter
 * that cannot be read leaves its zones without series and the source's {@code up} at 0. The same
 * check runs against a standalone node and a worker of a cluster.
 */
public final class FedPowerCheck {

  /**
   * Package power fed; a 30 J counter range at 20 W wraps every 1.5 s, once per 1 s read at most.
   */
  public static final double PACKAGE_WATTS = 20.0;

  public static final double DRAM_WATTS = 4.0;
  public static final long RANGE_UJ = 30_000_000L;

  private FedPowerCheck() {}

  /** An Intel tree whose package counter wraps every 1.5 s at the fed power. */
  public static FakePowercap tree(Path root) {
    FakePowercap fake = FakePowercap.intel(root, 1);
    fake.setMaxEnergyRangeUj("intel-rapl:0", RANGE_UJ);
    fake.setNearWrap("intel-rapl:0", 2.0);
    return fake;
  }

  public static void run(FakePowercap fake, Callable<Scrape> scrape, Path tmp) throws Exception {
    Scrape s0 =
        until(
            scrape,
            s -> s.value("ffrtmp_node_energy_joules_total", "zone", "package-0") != null,
            "the node's energy counter for package-0");
    double pkg0 = s0.value("ffrtmp_node_energy_joules_total", "zone", "package-0");
    double dram0 = s0.value("ffrtmp_node_energy_joules_total", "zone", "dram-0");

    FakePowercap.Feeder feeder = fake.feeder();
    feeder.start(Map.of("intel-rapl:0", PACKAGE_WATTS, "intel-rapl:0:1", DRAM_WATTS));
    Thread.sleep(3500);
    Scrape during = scrape.call();
    Thread.sleep(3000);
    feeder.stop();
    Thread.sleep(2500); // two reads after the last write: the counters are final
    Scrape after = scrape.call();

    double fedPkg = feeder.writtenJoules("intel-rapl:0");
    assertThat(fedPkg).as("the package counter wrapped").isGreaterThan(RANGE_UJ / 1e6 * 3);
    String[] pkg = {"scope", "cpu", "zone", "package-0", "source", "rapl-powercap"};
    assertThat(after.value("ffrtmp_node_energy_joules_total", pkg) - pkg0)
        .as("package energy over the window against the fed %.3f J", fedPkg)
        .isCloseTo(fedPkg, within(fedPkg * 0.01));
    double fedDram = feeder.writtenJoules("intel-rapl:0:1");
    assertThat(after.value("ffrtmp_node_energy_joules_total", "zone", "dram-0") - dram0)
        .isCloseTo(fedDram, within(fedDram * 0.01));
    assertThat(during.value("ffrtmp_node_power_watts", pkg))
        .isCloseTo(PACKAGE_WATTS, within(PACKAGE_WATTS * 0.05));
    assertThat(during.value("ffrtmp_node_power_watts", "zone", "dram-0"))
        .isCloseTo(DRAM_WATTS, within(DRAM_WATTS * 0.05));
    assertThat(after.samples("ffrtmp_node_power_watts", "provenance", "measured")).hasSize(2);
    assertThat(after.value("ffrtmp_power_source_up", "scope", "cpu", "source", "rapl-powercap"))
        .isEqualTo(1.0);
    assertThat(after.value("ffrtmp_node_power_estimated")).isEqualTo(0.0);
    assertThat(after.samples("ffrtmp_node_info")).hasSize(1);
    after.assertBoundedLabels();
    after.assertPromtoolPasses(Files.createDirectories(tmp.resolve("scrape-fed")));

    // The package counter becomes unreadable (a directory where the file was).
    Path energy = fake.zoneDir("intel-rapl:0").resolve("energy_uj");
    Files.move(energy, energy.resolveSibling("energy_uj.moved"));
    Files.createDirectory(energy);
    Scrape down =
        until(
            scrape,
            s ->
                Double.valueOf(0)
                    .equals(
                        s.value(
                            "ffrtmp_power_source_up", "scope", "cpu", "source", "rapl-powercap")),
            "rapl-powercap reported down");
    assertThat(down.samples("ffrtmp_node_power_watts", "source", "rapl-powercap")).isEmpty();
    assertThat(down.samples("ffrtmp_node_energy_joules_total", "source", "rapl-powercap"))
        .isEmpty();
    assertThat(down.samples("ffrtmp_power_source_info", "source", "rapl-powercap", "state", "down"))
        .hasSize(1);
    assertThat(down.value("ffrtmp_node_meter_read_failures_total")).isPositive();
    down.assertPromtoolPasses(Files.createDirectories(tmp.resolve("scrape-down")));
  }

  private static Scrape until(
      Callable<Scrape> scrape, java.util.function.Predicate<Scrape> ok, String what)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Scrape last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = scrape.call();
      } catch (java.io.IOException e) {
        Thread.sleep(250); // the node is not serving yet
        continue;
      }
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "waited 60 s for " + what + "; last scrape:\n" + (last == null ? "none" : last.text));
  }
}

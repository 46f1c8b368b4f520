package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaplDiscoveryTest {

  @TempDir Path dir;

  private static List<String> labels(RaplDiscovery.Probe probe) {
    return probe.scope().stream().map(RaplZone::label).toList();
  }

  private static SourceStatus status(RaplDiscovery.Probe probe, String name) {
    return probe.statuses().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void intelScopeIsPackagePlusDramAndCoreIsNotSummed() {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    fake.addUncore(0);
    RaplDiscovery.Probe probe = RaplDiscovery.probe(fake.root(), CounterReader.FILES);
    assertThat(labels(probe)).containsExactly("package-0", "dram-0");
    assertThat(status(probe, "core-0").usable()).isTrue();
    assertThat(status(probe, "core-0").detail())
        .contains("inside package-0")
        .contains("never summed");
    assertThat(status(probe, "uncore-0").detail()).contains("never summed");
    assertThat(status(probe, "package-0").detail()).contains("summed into total");
  }

  @Test
  void twoSocketsGetUniqueLabels() {
    FakePowercap fake = FakePowercap.intel(dir, 2);
    RaplDiscovery.Probe probe = RaplDiscovery.probe(fake.root(), CounterReader.FILES);
    assertThat(labels(probe)).containsExactly("package-0", "dram-0", "package-1", "dram-1");
    assertThat(probe.statuses()).extracting(SourceStatus::name).doesNotHaveDuplicates();
  }

  @Test
  void amdHasPackagesOnly() {
    FakePowercap fake = FakePowercap.amd(dir, 2);
    assertThat(labels(RaplDiscovery.probe(fake.root(), CounterReader.FILES)))
        .containsExactly("package-0", "package-1");
  }

  @Test
  void psysIsReportedButNotSummedWhenPackagesExist() {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    fake.addPsys();
    RaplDiscovery.Probe probe = RaplDiscovery.probe(fake.root(), CounterReader.FILES);
    assertThat(labels(probe)).containsExactly("package-0", "dram-0");
    assertThat(status(probe, "psys").detail()).contains("not summed");
  }

  @Test
  void psysAloneIsUsedWhenItIsTheOnlyZone() {
    FakePowercap fake = FakePowercap.psysOnly(dir);
    assertThat(labels(RaplDiscovery.probe(fake.root(), CounterReader.FILES)))
        .containsExactly("psys");
  }

  @Test
  void mmioPackageDoesNotDoubleCountTheMsrPackage() {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    fake.addMmioPackage();
    RaplDiscovery.Probe probe = RaplDiscovery.probe(fake.root(), CounterReader.FILES);
    assertThat(labels(probe)).containsExactly("package-0", "dram-0");
    assertThat(probe.scope().get(0).dir()).isEqualTo(fake.zoneDir("intel-rapl:0"));
    assertThat(probe.statuses())
        .anyMatch(s -> s.path().endsWith("intel-rapl-mmio:0") && s.detail().contains("duplicates"));
  }

  @Test
  void mmioPackageIsUsedWhenTheMsrPackageIsUnreadable() {
    FakePowercap fake = FakePowercap.intel(dir, 1);
    fake.addMmioPackage();
    Path msrEnergy = fake.zoneDir("intel-rapl:0").resolve("energy_uj");
    CounterReader denyMsr =
        file -> {
          if (file.equals(msrEnergy)) {
            throw new AccessDeniedException(file.toString());
          }
          return CounterReader.FILES.read(file);
        };
    RaplDiscovery.Probe probe = RaplDiscovery.probe(fake.root(), denyMsr);
    assertThat(labels(probe)).containsExactly("dram-0", "package-0");
    assertThat(probe.scope()).anyMatch(z -> z.dir().equals(fake.zoneDir("intel-rapl-mmio:0")));
  }

  @Test
  void missingPowercapDirectoryIsUnusableWithAReason() {
    RaplDiscovery.Probe probe = RaplDiscovery.probe(dir.resolve("absent"), CounterReader.FILES);
    assertThat(probe.scope()).isEmpty();
    assertThat(probe.statuses())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.usable()).isFalse();
              assertThat(s.detail()).contains("no powercap directory");
              assertThat(s.fix()).contains("modprobe intel_rapl_msr");
            });
  }

  @Test
  void zeroMaxRangeMakesAZoneUnusable() {
    FakePowercap fake = FakePowercap.amd(dir, 1);
    fake.setMaxEnergyRangeUj("intel-rapl:0", 0);
    RaplDiscovery.Probe probe = RaplDiscovery.probe(fake.root(), CounterReader.FILES);
    assertThat(probe.scope()).isEmpty();
    assertThat(status(probe, "package-0").detail()).contains("wraps cannot be corrected");
  }
}

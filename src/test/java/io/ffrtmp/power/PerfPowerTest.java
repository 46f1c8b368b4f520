package io.ffrtmp.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerfPowerTest {

  @TempDir Path dir;

  @Test
  void discoveryPicksPkgAndRamOnTheFirstCpuOfEachPackageAndNeverCoresOrGpu() {
    // cpus 0,1 and 4,5 on package 0; 2,3 on package 1 (numbering need not be contiguous per
    // package)
    FakePerfPower fake = new FakePerfPower(dir, 23, 0, 0, 1, 1, 0, 0);
    PerfPowerDiscovery.Probe p =
        PerfPowerDiscovery.probe(fake.perfRoot, fake.cpuRoot, CounterReader.FILES);
    assertThat(p.type()).isEqualTo(23);
    assertThat(p.status().usable()).isTrue();
    assertThat(p.events())
        .extracting(PerfPowerDiscovery.Event::label)
        .containsExactly("package-0", "package-1", "dram-0", "dram-1");
    assertThat(p.events())
        .extracting(PerfPowerDiscovery.Event::eventName)
        .containsOnly("energy-pkg", "energy-ram");
    assertThat(p.events())
        .extracting(PerfPowerDiscovery.Event::config)
        .containsExactly(2L, 2L, 3L, 3L);
    assertThat(p.events()).extracting(PerfPowerDiscovery.Event::cpu).containsExactly(0, 2, 0, 2);
    assertThat(p.events()).allSatisfy(e -> assertThat(e.scale()).isEqualTo(FakePerfPower.SCALE));
  }

  @Test
  void psysIsUsedOnlyAloneAndCoresNeverStandsIn() throws Exception {
    FakePerfPower fake = new FakePerfPower(dir, 23, 0, 1);
    fake.remove("energy-pkg");
    fake.remove("energy-ram");
    PerfPowerDiscovery.Probe p =
        PerfPowerDiscovery.probe(fake.perfRoot, fake.cpuRoot, CounterReader.FILES);
    assertThat(p.events()).extracting(PerfPowerDiscovery.Event::label).containsExactly("psys");
    assertThat(p.events().get(0).config()).isEqualTo(5L);

    fake.remove("energy-psys");
    p = PerfPowerDiscovery.probe(fake.perfRoot, fake.cpuRoot, CounterReader.FILES);
    assertThat(p.events()).isEmpty();
    assertThat(p.status().usable()).isFalse();
  }

  @Test
  void absentPmuIsUnusableWithTheFix() {
    PerfPowerDiscovery.Probe p =
        PerfPowerDiscovery.probe(dir.resolve("none"), dir.resolve("cpu"), CounterReader.FILES);
    assertThat(p.events()).isEmpty();
    assertThat(p.status().name()).isEqualTo("rapl-perf");
    assertThat(p.status().usable()).isFalse();
    assertThat(p.status().detail()).isEqualTo("no power PMU under " + dir.resolve("none"));
    assertThat(p.status().fix()).contains("powercap and the perf power PMU are both absent");
  }

  @Test
  void eventEncodingIsParsed() throws Exception {
    assertThat(PerfPowerDiscovery.parseEvent("event=0x02\n")).isEqualTo(2L);
    assertThat(PerfPowerDiscovery.parseEvent("event=0x1f")).isEqualTo(31L);
    assertThat(PerfPowerDiscovery.parseEvent("event=7")).isEqualTo(7L);
  }

  @Test
  void energyIsCountDeltaTimesScalePerZone() throws Exception {
    FakePerfPower fake = new FakePerfPower(dir, 23, 0, 1);
    fake.counter(2, 0).set(1_000_000_000L); // a count from long before the window
    PerfPowerDiscovery.Probe p =
        PerfPowerDiscovery.probe(fake.perfRoot, fake.cpuRoot, CounterReader.FILES);
    PerfPowerSource.Opened opened = PerfPowerSource.open(p, fake);
    assertThat(opened.status().usable()).isTrue();
    try (PerfPowerSource s = opened.source()) {
      assertThat(s.sourceName()).isEqualTo("rapl-perf");
      assertThat(s.provenance()).isEqualTo("measured");
      assertThat(s.zones()).containsExactly("package-0", "package-1", "dram-0", "dram-1");
      PowerSource.Snapshot a = s.read();
      fake.add(2, 0, 30.0);
      fake.add(2, 1, 20.0);
      fake.add(3, 0, 4.0);
      fake.add(3, 1, 2.5);
      PowerSource.Snapshot b = s.read();
      double[] j = s.newIntegrator().joules(a, b);
      assertThat(j[0]).isCloseTo(30.0, within(1e-9));
      assertThat(j[1]).isCloseTo(20.0, within(1e-9));
      assertThat(j[2]).isCloseTo(4.0, within(1e-9));
      assertThat(j[3]).isCloseTo(2.5, within(1e-9));
      assertThat(fake.opened).containsExactly("23:2@0", "23:2@1", "23:3@0", "23:3@1");
    }
    assertThat(fake.closed).isEqualTo(4);
  }

  /**
   * A PMU that is exposed but never counts (this project's development VM has one: energy-psys
   * stands at 0) is refused after the liveness wait, so the model stands in instead of 0 W.
   */
  @Test
  void countersThatNeverMoveAreRefusedRatherThanRead() {
    FakePerfPower fake = new FakePerfPower(dir, 23, 0, 1);
    PerfPowerDiscovery.Probe p =
        PerfPowerDiscovery.probe(fake.perfRoot, fake.cpuRoot, CounterReader.FILES);
    PerfPowerSource.Opened still = PerfPowerSource.open(p, fake, java.time.Duration.ofMillis(60));
    assertThat(still.source()).isNull();
    assertThat(still.status().usable()).isFalse();
    assertThat(still.status().detail())
        .contains("did not move in 60 ms")
        .contains("would read 0 W");
    assertThat(fake.closed).isEqualTo(4);

    // A counter that moves, as a real package does even at idle, passes.
    PerfCounters moving =
        (type, config, cpu) -> {
          PerfCounters.Counter c = fake.open(type, config, cpu);
          return new PerfCounters.Counter() {
            @Override
            public long count() throws java.io.IOException {
              fake.add(config, cpu, 0.001);
              return c.count();
            }

            @Override
            public void close() {
              c.close();
            }
          };
        };
    PerfPowerSource.Opened live = PerfPowerSource.open(p, moving, java.time.Duration.ofMillis(60));
    assertThat(live.status().usable()).isTrue();
    live.source().close();
  }

  @Test
  void countDeltaIsUnsigned64Bit() {
    assertThat(PerfPowerSource.deltaCount(10, 25)).isEqualTo(15.0);
    // across 2^64: from 2^64 - 5 to 10 is 15 counts
    assertThat(PerfPowerSource.deltaCount(-5L, 10L)).isEqualTo(15.0);
    // more than 2^63 counts between two reads is still positive
    assertThat(PerfPowerSource.deltaCount(0L, Long.MIN_VALUE)).isEqualTo(0x1p63);
  }

  @Test
  void permissionRefusalGivesTheSysctlFixAndClosesWhatWasOpened() {
    FakePerfPower fake = new FakePerfPower(dir, 23, 0, 1);
    int[] calls = {0};
    PerfCounters denySecond =
        (type, config, cpu) -> {
          if (calls[0]++ == 1) {
            throw new PerfCounter.OpenException(
                "perf_event_open failed: errno 13 (EACCES)", PerfCounter.EACCES);
          }
          return fake.open(type, config, cpu);
        };
    PerfPowerDiscovery.Probe p =
        PerfPowerDiscovery.probe(fake.perfRoot, fake.cpuRoot, CounterReader.FILES);
    PerfPowerSource.Opened opened = PerfPowerSource.open(p, denySecond);
    assertThat(opened.source()).isNull();
    assertThat(opened.status().usable()).isFalse();
    assertThat(opened.status().detail()).contains("EACCES").contains("package-1");
    assertThat(opened.status().fix())
        .contains("sudo sysctl kernel.perf_event_paranoid=0")
        .contains("CAP_PERFMON")
        .contains("root");
    assertThat(fake.closed).isEqualTo(1);
  }

  @Test
  void syscallNumberByArchitecture() {
    assertThat(PerfCounter.syscallNumber("amd64")).isEqualTo(298);
    assertThat(PerfCounter.syscallNumber("x86_64")).isEqualTo(298);
    assertThat(PerfCounter.syscallNumber("aarch64")).isEqualTo(241);
    assertThat(PerfCounter.syscallNumber("riscv64")).isEqualTo(-1);
  }

  /**
   * The real perf_event_open path, on the software PMU every Linux kernel has (type 1,
   * PERF_COUNT_SW_CPU_CLOCK, nanoseconds), system-wide on cpu 0 like the power PMU is opened. Tests
   * run as root.
   */
  @Test
  void realPerfCounterCountsSoftwareCpuClock() throws Exception {
    try (PerfCounter c = PerfCounter.open(1, 0, 0)) {
      long a = c.count();
      long wallStart = System.nanoTime();
      long x = 0;
      while (System.nanoTime() - wallStart < 50_000_000L) {
        x += x * 31 + 7;
      }
      long b = c.count();
      long wall = System.nanoTime() - wallStart;
      assertThat(x).isNotEqualTo(42);
      // A cpu-wide cpu-clock event is scheduled in all the time (idle included), so it advances
      // with wall time: the
      // 50 ms loop must show up as tens of milliseconds, and never more than the wall time plus
      // read slack.
      assertThat(b).isGreaterThanOrEqualTo(a);
      assertThat(b - a).isGreaterThan(wall / 2).isLessThanOrEqualTo(wall + 5_000_000L);
    }
  }

  @Test
  void refusedOpenCarriesErrno() {
    // cpu -1 with pid -1 is invalid for every PMU: EINVAL, through the real syscall and
    // Native.getLastError.
    try {
      PerfCounter.open(1, 0, -1).close();
      throw new AssertionError("perf_event_open(pid -1, cpu -1) succeeded");
    } catch (PerfCounter.OpenException e) {
      assertThat(e.errno()).isEqualTo(PerfCounter.EINVAL);
      assertThat(e.getMessage()).contains("EINVAL");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}

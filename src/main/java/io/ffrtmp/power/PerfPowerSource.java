package io.ffrtmp.power;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * RAPL energy through the perf {@code power} PMU: one system-wide counter per event and package,
 * kept open. The kernel accumulates each into 64 bits, so a difference never needs wrap correction;
 * energy = Δcount × scale.
 */
final class PerfPowerSource extends MeasuredSource implements AutoCloseable {

  static final String NAME = "rapl-perf";
  static final String PERMISSION_FIX =
      "allow system-wide perf events: sudo sysctl kernel.perf_event_paranoid=0, or give the worker"
          + " CAP_PERFMON (Linux 5.8+; CAP_SYS_ADMIN before), or run the worker as root";

  private final List<PerfPowerDiscovery.Event> events;
  private final List<PerfCounters.Counter> counters;

  private PerfPowerSource(
      List<PerfPowerDiscovery.Event> events, List<PerfCounters.Counter> counters) {
    super(events.stream().map(PerfPowerDiscovery.Event::label).toList());
    this.events = List.copyOf(events);
    this.counters = List.copyOf(counters);
  }

  /** A source, or the status saying why the counters could not be opened. */
  record Opened(PerfPowerSource source, SourceStatus status) {}

  /**
   * Opens every event of a usable probe and reads each once. On any failure the counters opened so
   * far are closed and the status says why; a partial scope would silently drop a package.
   */
  static Opened open(PerfPowerDiscovery.Probe probe, PerfCounters perf) {
    return open(probe, perf, Duration.ZERO);
  }

  /**
   * How long the counters may stand still after opening before they are judged dead: real RAPL
   * counters move about every millisecond, and an idle package still draws watts.
   */
  static final Duration LIVENESS = Duration.ofMillis(300);

  /**
   * As {@link #open(PerfPowerDiscovery.Probe, PerfCounters)}, and then, for a non-zero {@code
   * liveness}, waits up to that long for any counter to move: one that never does (a virtual
   * machine can expose the PMU without counting) would report 0 W as a measurement, so the source
   * is refused and the model stands in, with the reason.
   */
  static Opened open(PerfPowerDiscovery.Probe probe, PerfCounters perf, Duration liveness) {
    Opened opened = openCounters(probe, perf);
    if (opened.source() == null || liveness.isZero() || opened.source().moves(liveness)) {
      return opened;
    }
    opened.source().close();
    SourceStatus found = opened.status();
    return new Opened(
        null,
        new SourceStatus(
            NAME,
            found.path(),
            false,
            "the counters ("
                + String.join(
                    ", ", probe.events().stream().map(PerfPowerDiscovery.Event::label).toList())
                + ") did not move in "
                + liveness.toMillis()
                + " ms: the PMU is exposed but does not count (a virtual machine), so it would"
                + " read 0 W",
            "none on this machine: a hypervisor that passes RAPL through, or bare metal, measures;"
                + " here the CPU model estimates",
            Scopes.CPU,
            null));
  }

  /** Whether any counter's count changes within {@code within}. */
  boolean moves(Duration within) {
    try {
      long[] first = new long[counters.size()];
      for (int i = 0; i < first.length; i++) {
        first[i] = counters.get(i).count();
      }
      long deadline = System.nanoTime() + within.toNanos();
      do {
        Thread.sleep(10);
        for (int i = 0; i < first.length; i++) {
          if (counters.get(i).count() != first[i]) {
            return true;
          }
        }
      } while (System.nanoTime() < deadline);
      return false;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Opened openCounters(PerfPowerDiscovery.Probe probe, PerfCounters perf) {
    SourceStatus found = probe.status();
    if (probe.events().isEmpty()) {
      return new Opened(null, found);
    }
    List<PerfCounters.Counter> opened = new ArrayList<>();
    for (PerfPowerDiscovery.Event e : probe.events()) {
      try {
        PerfCounters.Counter c = perf.open(probe.type(), e.config(), e.cpu());
        opened.add(c);
        c.count();
      } catch (IOException ex) {
        opened.forEach(PerfCounters.Counter::close);
        String fix = null;
        if (ex instanceof PerfCounter.OpenException oe) {
          if (oe.permission()) {
            fix = PERMISSION_FIX;
          } else if (oe.errno() == PerfCounter.ENOENT
              || oe.errno() == PerfCounter.EINVAL
              || oe.errno() == PerfCounter.ENODEV) {
            fix =
                "the kernel refused "
                    + e.eventName()
                    + " on cpu "
                    + e.cpu()
                    + "; check that the CPU is online "
                    + "and that perf stat -a -e power/"
                    + e.eventName()
                    + "/ works";
          }
        }
        return new Opened(
            null,
            new SourceStatus(
                NAME,
                found.path(),
                false,
                "cannot open " + e.eventName() + " (" + e.label() + "): " + ex.getMessage(),
                fix,
                Scopes.CPU,
                null));
      }
    }
    return new Opened(new PerfPowerSource(probe.events(), opened), found);
  }

  @Override
  public String sourceName() {
    return NAME;
  }

  @Override
  public Snapshot read() throws IOException {
    return Snapshot.readAll(counters.size(), i -> counters.get(i).count());
  }

  @Override
  public Integrator newIntegrator() {
    return (prev, cur) -> {
      double[] joules = new double[counters.size()];
      for (int i = 0; i < joules.length; i++) {
        joules[i] = deltaCount(prev.values()[i], cur.values()[i]) * events.get(i).scale();
      }
      return joules;
    };
  }

  /**
   * Unsigned 64-bit difference. At 2^-32 J per count the count passes 2^64 after 2^32 J (about 124
   * days at 400 W), so the modular difference is what keeps a long-lived meter right across that
   * one wrap.
   */
  static double deltaCount(long prev, long cur) {
    long d = cur - prev; // modular, right for an unsigned counter
    return d >= 0 ? d : d + 0x1p64;
  }

  @Override
  public void close() {
    counters.forEach(PerfCounters.Counter::close);
  }
}

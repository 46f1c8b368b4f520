package io.ffrtmp.power;

import java.io.IOException;

/**
 * Opens system-wide perf counters. A seam: the real one is {@link PerfCounter} (perf_event_open
 * through JNA); tests feed counts through a fake, since a machine without a power PMU cannot open
 * one.
 */
@FunctionalInterface
interface PerfCounters {

  PerfCounters SYSTEM = PerfCounter::open;

  /**
   * Opens one counting event of PMU {@code type} with {@code config} on {@code cpu} for every task
   * (pid -1).
   *
   * @throws PerfCounter.OpenException with the errno when the kernel refuses
   */
  Counter open(int type, long config, int cpu) throws IOException;

  /** An open counter. */
  interface Counter extends AutoCloseable {
    /**
     * The 64-bit count accumulated by the kernel since the open, as an unsigned value in a long.
     */
    long count() throws IOException;

    @Override
    void close();
  }
}

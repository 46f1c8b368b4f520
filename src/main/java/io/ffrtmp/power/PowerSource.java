package io.ffrtmp.power;

import java.io.IOException;
import java.util.List;

/** Something that can be read repeatedly and turned into energy per zone between two reads. */
interface PowerSource {

  String MEASURED = "measured";
  String ESTIMATED = "estimated";

  /** "measured" or "estimated". */
  String provenance();

  /**
   * "rapl-powercap", "rapl-perf", "cpu-utilisation-model", "nvml-energy", "hwmon-energy" or
   * "hwmon-power-gauge".
   */
  String sourceName();

  /** Labels of the zones that make up the total, in the order of {@link Integrator#joules}. */
  List<String> zones();

  /** Model parameters, or null for a measured source. */
  ModelParams model();

  /** Reads every counter of the source now. */
  Snapshot read() throws IOException;

  /**
   * A fresh integrator per window: the model carries its last utilisation from one interval to the
   * next.
   */
  Integrator newIntegrator();

  /**
   * Counter values at one moment; the meaning of {@code values} belongs to the source that read
   * them. A source made of several sources keeps each one's own snapshot in {@code parts}, since
   * each was read at its own time.
   */
  record Snapshot(long nanoTime, long[] values, List<Snapshot> parts) {

    Snapshot(long nanoTime, long[] values) {
      this(nanoTime, values, List.of());
    }

    /**
     * Reads {@code count} counters one after another. The midpoint of the reads is the fairest
     * single timestamp for all of them.
     */
    static Snapshot readAll(int count, CounterRead read) throws IOException {
      long[] values = new long[count];
      long before = System.nanoTime();
      for (int i = 0; i < count; i++) {
        values[i] = read.at(i);
      }
      long after = System.nanoTime();
      return new Snapshot(before + (after - before) / 2, values);
    }
  }

  /** Reads the i-th counter of a source. */
  interface CounterRead {
    long at(int index) throws IOException;
  }

  interface Integrator {
    /** Joules per zone (same order as {@link #zones()}) between two consecutive snapshots. */
    double[] joules(Snapshot prev, Snapshot cur);
  }
}

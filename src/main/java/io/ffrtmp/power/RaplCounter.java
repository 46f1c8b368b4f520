package io.ffrtmp.power;

/**
 * Arithmetic of a RAPL energy counter that counts 0..max_energy_range_uj and then restarts at 0.
 */
final class RaplCounter {

  private RaplCounter() {}

  /**
   * Energy between two reads, assuming at most one wrap in between (polling guarantees that). The
   * {@code + 1} is exact: after max the counter shows 0, one step further; the result equals (cur -
   * prev) mod (max + 1).
   */
  static long deltaMicrojoules(long prevUj, long curUj, long maxEnergyRangeUj) {
    if (curUj >= prevUj) {
      return curUj - prevUj;
    }
    return (maxEnergyRangeUj - prevUj) + curUj + 1;
  }
}

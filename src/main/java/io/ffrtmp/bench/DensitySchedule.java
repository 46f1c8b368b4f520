package io.ffrtmp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * The density schedule "double-then-bisect": N = start, then doubling (the last doubling capped at
 * max) while every step holds; at the first step that fails, bisect between the largest N that held
 * (0 when none did) and the smallest that failed until they are adjacent. The answer is the largest
 * N that held. Ends at once when max holds. Pure: the caller runs each step and says whether it
 * held.
 */
final class DensitySchedule {

  record Tried(int n, boolean held) {}

  private final int start;
  private final int max;
  private final List<Tried> tried = new ArrayList<>();
  private int good;
  private Integer bad;

  DensitySchedule(int start, int max) {
    if (start < 1 || max < start) {
      throw new IllegalArgumentException("start " + start + ", max " + max);
    }
    this.start = start;
    this.max = max;
  }

  /** The next N to run, or empty when the schedule has its answer. */
  OptionalInt next() {
    if (tried.isEmpty()) {
      return OptionalInt.of(start);
    }
    if (bad == null) {
      if (good >= max) {
        return OptionalInt.empty();
      }
      return OptionalInt.of(Math.min(max, good * 2));
    }
    if (bad - good <= 1) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(good + (bad - good) / 2);
  }

  /** The result of running the step {@link #next} asked for. */
  void record(int n, boolean held) {
    tried.add(new Tried(n, held));
    if (held) {
      good = Math.max(good, n);
    } else {
      bad = bad == null ? n : Math.min(bad, n);
    }
  }

  /** The largest N that held (0 when none did). */
  int largest() {
    return good;
  }

  List<Tried> tried() {
    return List.copyOf(tried);
  }
}

package io.ffrtmp.power;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-interval power with bounded memory. When the buffer fills, neighbouring buckets are merged
 * pairwise and every later bucket spans twice as many poll intervals, so the trace always covers
 * the whole window at the finest resolution that fits. Merging adds joules and durations, so every
 * bucket's watts stay an exact energy average.
 */
final class TraceBuffer {

  static final int DEFAULT_CAPACITY = 3600;

  private final int capacity;
  private final List<Bucket> buckets = new ArrayList<>();
  private Bucket pending;
  private int pendingIntervals;
  private int intervalsPerBucket = 1;

  private static final class Bucket {
    final long startNanos;
    long durationNanos;
    double joules;

    Bucket(long startNanos, long durationNanos, double joules) {
      this.startNanos = startNanos;
      this.durationNanos = durationNanos;
      this.joules = joules;
    }

    void absorb(long moreNanos, double moreJoules) {
      durationNanos += moreNanos;
      joules += moreJoules;
    }
  }

  TraceBuffer(int capacity) {
    if (capacity < 2 || capacity % 2 != 0) {
      throw new IllegalArgumentException("capacity must be even and >= 2, got " + capacity);
    }
    this.capacity = capacity;
  }

  /** Adds one poll interval starting {@code startNanos} after the window's first read. */
  void add(long startNanos, long durationNanos, double joules) {
    if (pending == null) {
      pending = new Bucket(startNanos, durationNanos, joules);
    } else {
      pending.absorb(durationNanos, joules);
    }
    pendingIntervals++;
    if (pendingIntervals == intervalsPerBucket) {
      buckets.add(pending);
      pending = null;
      pendingIntervals = 0;
      if (buckets.size() == capacity) {
        halve();
      }
    }
  }

  /**
   * Folds a short interval (the tail before stop) into the latest bucket, where its noisy watts
   * cannot stand out.
   */
  void extendLast(long startNanos, long durationNanos, double joules) {
    if (pending != null) {
      pending.absorb(durationNanos, joules);
    } else if (!buckets.isEmpty()) {
      buckets.get(buckets.size() - 1).absorb(durationNanos, joules);
    } else {
      add(startNanos, durationNanos, joules);
    }
  }

  private void halve() {
    List<Bucket> merged = new ArrayList<>(capacity / 2);
    for (int i = 0; i < buckets.size(); i += 2) {
      Bucket a = buckets.get(i);
      a.absorb(buckets.get(i + 1).durationNanos, buckets.get(i + 1).joules);
      merged.add(a);
    }
    buckets.clear();
    buckets.addAll(merged);
    intervalsPerBucket *= 2;
  }

  /** At most {@code capacity} points; the last may cover fewer intervals than the others. */
  List<TracePoint> points() {
    List<TracePoint> points = new ArrayList<>(buckets.size() + 1);
    for (Bucket b : buckets) {
      points.add(point(b));
    }
    if (pending != null) {
      points.add(point(pending));
    }
    return points;
  }

  private static TracePoint point(Bucket b) {
    double watts = b.durationNanos > 0 ? b.joules / (b.durationNanos / 1e9) : 0.0;
    return new TracePoint(Math.round(b.startNanos / 1e6), watts);
  }
}

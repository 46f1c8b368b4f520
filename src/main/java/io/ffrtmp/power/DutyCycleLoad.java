package io.ffrtmp.power;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Busy-loop threads, one per logical CPU, each spinning for {@code levelPercent} of every 100 ms
 * period and sleeping for the rest, so the machine's utilisation follows the level. 100 ms is long
 * against the 10 ms jiffy and the scheduler's slice, and short against a calibration step, so each
 * step sees many whole periods.
 */
final class DutyCycleLoad implements AutoCloseable {

  static final long PERIOD_NANOS = 100_000_000L;

  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean running = true;

  /** Written by the spinning threads so the JIT cannot drop the loop as dead code. */
  private volatile long sink;

  private DutyCycleLoad(int threadCount, int levelPercent) {
    if (levelPercent < 0 || levelPercent > 100) {
      throw new IllegalArgumentException("load level must be 0..100 percent, got " + levelPercent);
    }
    long busyNanos = PERIOD_NANOS * levelPercent / 100;
    if (busyNanos == 0) {
      return;
    }
    for (int i = 0; i < threadCount; i++) {
      Thread t = new Thread(() -> spin(busyNanos), "ffrtmp-calibrate-load-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  static DutyCycleLoad start(int threadCount, int levelPercent) {
    return new DutyCycleLoad(threadCount, levelPercent);
  }

  private void spin(long busyNanos) {
    long periodStart = System.nanoTime();
    long x = 0;
    while (running) {
      long busyEnd = periodStart + busyNanos;
      while (running && System.nanoTime() < busyEnd) {
        x = x * 6364136223846793005L + 1442695040888963407L;
      }
      sink = x;
      long periodEnd = periodStart + PERIOD_NANOS;
      long rest = periodEnd - System.nanoTime();
      if (rest > 0 && busyNanos < PERIOD_NANOS) {
        LockSupport.parkNanos(rest);
      }
      // Periods follow the clock so oversleeping does not lower the duty cycle; after a long stall
      // (descheduled by
      // other load) restart instead of spinning whole periods to catch up.
      long now = System.nanoTime();
      periodStart = now - periodEnd > PERIOD_NANOS ? now : periodEnd;
    }
  }

  /** Stops the threads and waits for them, so the next step starts without leftover load. */
  @Override
  public void close() {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(1_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}

package io.ffrtmp.power;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Advances one fake RAPL counter at {@code idleWatts + slopeWatts x u}, with u the busy share of
 * the real {@code /proc/stat} over each 50 ms tick: a machine whose power law is known exactly,
 * whatever else runs on it.
 */
final class UtilisationFeeder implements AutoCloseable {

  static final long TICK_MS = 50;

  private final FakePowercap fake;
  private final String zone;
  private final double idleWatts;
  private final double slopeWatts;
  private final Thread thread;
  private volatile boolean running = true;

  UtilisationFeeder(FakePowercap fake, String zone, double idleWatts, double slopeWatts) {
    this.fake = fake;
    this.zone = zone;
    this.idleWatts = idleWatts;
    this.slopeWatts = slopeWatts;
    this.thread = new Thread(this::feed, "utilisation-feeder");
    thread.setDaemon(true);
    thread.start();
  }

  double wattsAt(double utilisation) {
    return idleWatts + slopeWatts * utilisation;
  }

  private void feed() {
    Path stat = Path.of("/proc/stat");
    ProcStat prev = read(stat);
    long prevNanos = System.nanoTime();
    double u = 0;
    double carryUj = 0;
    while (running) {
      try {
        Thread.sleep(TICK_MS);
      } catch (InterruptedException e) {
        return;
      }
      ProcStat cur = read(stat);
      long nowNanos = System.nanoTime();
      double share = cur.utilisationSince(prev);
      u = Double.isNaN(share) ? u : share;
      // Fractions of a microjoule are carried so the counter follows the law exactly over many
      // ticks.
      carryUj += wattsAt(u) * (nowNanos - prevNanos) / 1e3;
      long stepUj = (long) carryUj;
      carryUj -= stepUj;
      fake.setEnergyUj(
          zone, Math.floorMod(fake.energyUj(zone) + stepUj, fake.maxEnergyRangeUj(zone) + 1));
      prev = cur;
      prevNanos = nowNanos;
    }
  }

  private static ProcStat read(Path stat) {
    try {
      return ProcStat.read(stat, CounterReader.FILES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(2_000);
  }
}

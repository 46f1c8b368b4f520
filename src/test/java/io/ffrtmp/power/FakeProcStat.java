package io.ffrtmp.power;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A fake {@code <procRoot>/stat} with a known number of CPUs and known busy/idle jiffies, rewritten
 * atomically.
 */
final class FakeProcStat {

  private final Path procRoot;
  private final int cpus;
  private long busy;
  private long idle;

  FakeProcStat(Path procRoot, int cpus) {
    this.procRoot = procRoot;
    this.cpus = cpus;
    try {
      Files.createDirectories(procRoot);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    set(0, 0);
  }

  Path procRoot() {
    return procRoot;
  }

  /**
   * Busy jiffies are split over user, system and softirq; idle over idle and iowait, to exercise
   * every column.
   */
  synchronized void set(long busyJiffies, long idleJiffies) {
    this.busy = busyJiffies;
    this.idle = idleJiffies;
    long user = busyJiffies / 2;
    long system = busyJiffies / 4;
    long softirq = busyJiffies - user - system;
    long iowait = idleJiffies / 10;
    StringBuilder text = new StringBuilder();
    // guest (col 9) is already counted in user; a large value here proves it is not added twice.
    text.append(
        String.format(
            "cpu  %d 0 %d %d %d 0 %d 0 %d 0%n",
            user, system, idleJiffies - iowait, iowait, softirq, 999_999));
    for (int i = 0; i < cpus; i++) {
      text.append(String.format("cpu%d 0 0 0 0 0 0 0 0 0 0%n", i));
    }
    text.append("intr 0\nctxt 0\nbtime 0\n");
    try {
      Path tmp = procRoot.resolve(".stat.tmp");
      Files.writeString(tmp, text);
      Files.move(
          tmp,
          procRoot.resolve("stat"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized void advance(long busyJiffies, long idleJiffies) {
    set(busy + busyJiffies, idle + idleJiffies);
  }
}

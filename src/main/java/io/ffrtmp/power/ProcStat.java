package io.ffrtmp.power;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The aggregate "cpu" line of {@code /proc/stat}, in USER_HZ jiffies summed over all logical CPUs.
 *
 * @param busyJiffies user + nice + system + irq + softirq + steal (guest time is already inside
 *     user and nice)
 * @param idleJiffies idle + iowait
 * @param logicalCpus number of "cpuN" lines, i.e. online logical CPUs the aggregate line covers
 */
public record ProcStat(long busyJiffies, long idleJiffies, int logicalCpus) {

  /** USER_HZ: the unit of /proc/stat on every Linux architecture ffrtmp runs on. */
  public static final int USER_HZ = 100;

  /** Reads {@code <procRoot>/stat}. Blocking. */
  public static ProcStat read(Path procRoot) throws IOException {
    return read(procRoot.resolve("stat"), CounterReader.FILES);
  }

  /** Reads and parses one stat file; a file that does not parse is an IOException naming it. */
  static ProcStat read(Path statFile, CounterReader reader) throws IOException {
    String content = reader.read(statFile);
    try {
      return parse(content);
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot parse " + statFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * Busy share of the jiffies between two reads, 0..1; NaN when no jiffy ticked (or the counters
   * went backwards, as after CPU hotplug), so the caller decides what an interval without
   * information means.
   */
  static double busyShare(long busyDelta, long idleDelta) {
    long total = busyDelta + idleDelta;
    if (total <= 0 || busyDelta < 0 || idleDelta < 0) {
      return Double.NaN;
    }
    return (double) busyDelta / total;
  }

  /** Utilisation between an earlier read and this one; NaN when no jiffy ticked in between. */
  double utilisationSince(ProcStat earlier) {
    return busyShare(busyJiffies - earlier.busyJiffies, idleJiffies - earlier.idleJiffies);
  }

  public static ProcStat parse(String content) {
    long busy = -1;
    long idle = -1;
    int cpus = 0;
    for (String line : content.split("\n")) {
      if (line.startsWith("cpu ")) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 5) {
          throw new IllegalArgumentException("short cpu line in /proc/stat: '" + line + "'");
        }
        long user = field(f, 1);
        long nice = field(f, 2);
        long system = field(f, 3);
        idle = field(f, 4) + field(f, 5);
        busy = user + nice + system + field(f, 6) + field(f, 7) + field(f, 8);
      } else if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
        cpus++;
      }
    }
    if (busy < 0) {
      throw new IllegalArgumentException("no aggregate 'cpu ' line in /proc/stat");
    }
    return new ProcStat(busy, idle, cpus);
  }

  /**
   * Old kernels have fewer columns (iowait from 2.5.41, steal from 2.6.11); a missing one counts as
   * 0.
   */
  private static long field(String[] f, int index) {
    return index < f.length ? Long.parseLong(f[index]) : 0L;
  }
}

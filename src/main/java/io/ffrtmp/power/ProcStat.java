package io.ffrtmp.power;

/**
 * The aggregate "cpu" line of {@code /proc/stat}, in USER_HZ jiffies summed over all logical CPUs.
 *
 * @param busyJiffies user + nice + system + irq + softirq + steal (guest time is already inside user and nice)
 * @param idleJiffies idle + iowait
 * @param logicalCpus number of "cpuN" lines, i.e. online logical CPUs the aggregate line covers
 */
public record ProcStat(long busyJiffies, long idleJiffies, int logicalCpus) {

  /** USER_HZ: the unit of /proc/stat on every Linux architecture ffrtmp runs on. */
  public static final int USER_HZ = 100;

  /** Reads {@code <procRoot>/stat}. Blocking. */
  public static ProcStat read(java.nio.file.Path procRoot) throws java.io.IOException {
    return parse(java.nio.file.Files.readString(procRoot.resolve("stat")));
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

  /** Old kernels have fewer columns (iowait from 2.5.41, steal from 2.6.11); a missing one counts as 0. */
  private static long field(String[] f, int index) {
    return index < f.length ? Long.parseLong(f[index]) : 0L;
  }
}

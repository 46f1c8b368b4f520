package io.ffrtmp.power;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the perf {@code power} PMU (RAPL through perf_event_open) and the events and CPUs to open.
 * Reads files only; opening the counters is {@link PerfPowerSource#open}.
 *
 * <p>Scope: energy-pkg plus energy-ram, on one CPU per package, matching the powercap scope
 * "packages + dram". energy-cores and energy-gpu sit inside the package and are never added;
 * energy-psys contains the packages and is used alone only when neither pkg nor ram exists. The PMU
 * is system-wide per package, so each event is opened with pid -1 on the lowest-numbered CPU of its
 * package.
 */
final class PerfPowerDiscovery {

  static final String RESOLUTION =
      "counter, 64-bit kernel-accumulated count × scale (J), the hardware updates about "
          + "every 1 ms";
  static final String NO_PMU_FIX =
      "powercap and the perf power PMU are both absent: a VM or a kernel without RAPL support; on"
          + " bare-metal x86 use a kernel with CONFIG_PERF_EVENTS_INTEL_RAPL (AMD: 5.8+)";

  private static final Pattern EVENT = Pattern.compile("\\s*event=(0x[0-9a-fA-F]+|\\d+)\\s*");
  private static final Pattern CPU_DIR = Pattern.compile("cpu(\\d+)");

  private PerfPowerDiscovery() {}

  /** One event to open: its zone label, PMU config, CPU and joules per count. */
  record Event(String label, String eventName, long config, int cpu, double scale) {}

  /**
   * What was found. {@code events} is empty when the PMU cannot be used; {@code status} then says
   * why, and is otherwise a "found" line that the caller completes once it has opened (or declined
   * to open) the counters.
   */
  record Probe(int type, List<Event> events, SourceStatus status) {}

  static Probe probe(Path perfRoot, Path cpuRoot, CounterReader reader) {
    String root = perfRoot.toString();
    if (!Files.isDirectory(perfRoot)) {
      return unusable(root, "no power PMU under " + perfRoot, NO_PMU_FIX);
    }
    int type;
    try {
      type = Integer.parseInt(reader.read(perfRoot.resolve("type")).trim());
    } catch (IOException | NumberFormatException e) {
      return unusable(
          root, "cannot read the PMU type from " + perfRoot.resolve("type") + ": " + e, null);
    }
    Path events = perfRoot.resolve("events");
    List<String> names = new ArrayList<>();
    if (Files.isRegularFile(events.resolve("energy-pkg"))) {
      names.add("energy-pkg");
    }
    if (Files.isRegularFile(events.resolve("energy-ram"))) {
      names.add("energy-ram");
    }
    if (names.isEmpty() && Files.isRegularFile(events.resolve("energy-psys"))) {
      names.add("energy-psys");
    }
    if (names.isEmpty()) {
      return unusable(
          root,
          "the power PMU at " + perfRoot + " has no energy-pkg, energy-ram or energy-psys event",
          null);
    }
    Map<Integer, Integer> cpuByPackage;
    try {
      cpuByPackage = firstCpuPerPackage(cpuRoot, reader);
    } catch (IOException e) {
      return unusable(root, "cannot read CPU topology under " + cpuRoot + ": " + e, "set cpuRoot");
    }
    if (cpuByPackage.isEmpty()) {
      return unusable(root, "no cpuN/topology/physical_package_id under " + cpuRoot, "set cpuRoot");
    }
    List<Event> found = new ArrayList<>();
    for (String name : names) {
      long config;
      double scale;
      try {
        config = parseEvent(reader.read(events.resolve(name)));
        scale = Double.parseDouble(reader.read(events.resolve(name + ".scale")).trim());
        String unit = reader.read(events.resolve(name + ".unit")).trim();
        if (!unit.equals("Joules")) {
          return unusable(root, name + " counts in '" + unit + "', not Joules", null);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
          return unusable(root, name + ".scale is not a positive number: " + scale, null);
        }
      } catch (IOException | NumberFormatException e) {
        return unusable(root, "cannot read event " + name + " of " + perfRoot + ": " + e, null);
      }
      for (Map.Entry<Integer, Integer> pkg : cpuByPackage.entrySet()) {
        String label =
            switch (name) {
              case "energy-pkg" -> "package-" + pkg.getKey();
              case "energy-ram" -> "dram-" + pkg.getKey();
              default -> "psys";
            };
        found.add(new Event(label, name, config, pkg.getValue(), scale));
        if (name.equals("energy-psys")) {
          break; // one platform-wide counter
        }
      }
    }
    return new Probe(
        type,
        found,
        new SourceStatus(
            PerfPowerSource.NAME,
            root,
            true,
            "power PMU type "
                + type
                + ": "
                + String.join(" + ", names)
                + " on cpus "
                + cpuByPackage.values()
                + " (one per package); cores/gpu are inside the package and never added",
            null,
            Scopes.CPU,
            RESOLUTION));
  }

  /** The lowest-numbered CPU of each physical package, keyed by package id in order. */
  static Map<Integer, Integer> firstCpuPerPackage(Path cpuRoot, CounterReader reader)
      throws IOException {
    Map<Integer, Integer> first = new TreeMap<>();
    if (!Files.isDirectory(cpuRoot)) {
      return first;
    }
    try (Stream<Path> dirs = Files.list(cpuRoot)) {
      for (Path dir : dirs.toList()) {
        Matcher m = CPU_DIR.matcher(dir.getFileName().toString());
        Path id = dir.resolve("topology").resolve("physical_package_id");
        if (!m.matches() || !Files.isRegularFile(id)) {
          continue; // cpufreq, cpuidle, ... and offline CPUs, which have no topology
        }
        int cpu = Integer.parseInt(m.group(1));
        int pkg = (int) reader.readLong(id);
        first.merge(pkg, cpu, Math::min);
      }
    }
    return first;
  }

  /**
   * "event=0x02" → 2. Anything else (umask, other terms) is not what the RAPL PMU publishes and is
   * refused.
   */
  static long parseEvent(String text) throws IOException {
    Matcher m = EVENT.matcher(text);
    if (!m.matches()) {
      throw new IOException(
          "unexpected event encoding '" + text.trim() + "' (expected event=0xNN)");
    }
    String v = m.group(1);
    return v.startsWith("0x") || v.startsWith("0X")
        ? Long.parseLong(v.substring(2), 16)
        : Long.parseLong(v);
  }

  private static Probe unusable(String root, String detail, String fix) {
    return new Probe(
        -1,
        List.of(),
        new SourceStatus(PerfPowerSource.NAME, root, false, detail, fix, Scopes.CPU, null));
  }
}

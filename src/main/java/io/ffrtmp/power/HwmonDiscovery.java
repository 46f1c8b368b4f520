package io.ffrtmp.power;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds hwmon energy counters and power gauges (Linux Documentation/hwmon/sysfs-interface.rst:
 * energyN_input in µJ, powerN_input and powerN_average in µW) and picks one channel per device.
 *
 * <p>Within a device the lowest-numbered readable energy counter is chosen (drivers number the
 * whole device first: i915/xe energy1 is the card, which contains the package channel), except that
 * amd_energy's per-socket "Esocket" counters are all chosen and its per-core "Ecore" counters,
 * which sit inside them, are not. A device without a readable counter falls back to its
 * lowest-numbered gauge, powerN_average before powerN_input. Which scope a device covers follows
 * from its driver; unknown drivers with power files are whole-board meters and never summed.
 */
final class HwmonDiscovery {

  static final String STATUS_NAME = "hwmon";
  static final Set<String> CPU_DRIVERS = Set.of("amd_energy", "zenergy", "zenpower");
  static final Set<String> GPU_DRIVERS = Set.of("amdgpu", "i915", "xe", "nouveau");
  private static final Pattern DEVICE_DIR = Pattern.compile("hwmon(\\d+)");
  private static final Pattern CHANNEL = Pattern.compile("(energy|power)(\\d+)_(input|average)");

  private HwmonDiscovery() {}

  /** Every energy/power channel found, and statuses for what could not even be listed. */
  record Probe(List<HwmonChannel> channels, List<SourceStatus> statuses) {

    List<HwmonChannel> preferred(String scope) {
      return channels.stream().filter(c -> c.preferred() && c.scope().equals(scope)).toList();
    }
  }

  static Probe probe(Path root, CounterReader reader) {
    if (!Files.isDirectory(root)) {
      return new Probe(
          List.of(),
          List.of(
              new SourceStatus(
                  STATUS_NAME,
                  root.toString(),
                  false,
                  "no hwmon directory at "
                      + root
                      + " (no hardware-monitoring drivers, or a container without /sys)",
                  null,
                  null,
                  null)));
    }
    List<Path> devices = new ArrayList<>();
    try (Stream<Path> entries = Files.list(root)) {
      entries
          .filter(p -> DEVICE_DIR.matcher(p.getFileName().toString()).matches())
          .forEach(devices::add);
    } catch (IOException e) {
      return new Probe(
          List.of(),
          List.of(
              new SourceStatus(
                  STATUS_NAME,
                  root.toString(),
                  false,
                  "cannot list " + root + ": " + e,
                  null,
                  null,
                  null)));
    }
    devices.sort(Comparator.comparingInt(HwmonDiscovery::deviceNumber));
    List<HwmonChannel> channels = new ArrayList<>();
    List<SourceStatus> statuses = new ArrayList<>();
    for (Path dir : devices) {
      inspect(dir, reader, channels, statuses);
    }
    return new Probe(channels, statuses);
  }

  private static int deviceNumber(Path dir) {
    Matcher m = DEVICE_DIR.matcher(dir.getFileName().toString());
    return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
  }

  private record Found(Path file, boolean counter, int number, boolean average) {}

  private static void inspect(
      Path dir, CounterReader reader, List<HwmonChannel> out, List<SourceStatus> statuses) {
    String device = dir.getFileName().toString();
    List<Found> found = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f -> {
            Matcher m = CHANNEL.matcher(f.getFileName().toString());
            boolean energy = m.matches() && m.group(1).equals("energy");
            // energyN_average is not a sysfs attribute; only energyN_input is a counter.
            if (m.matches() && !(energy && m.group(3).equals("average"))) {
              found.add(
                  new Found(f, energy, Integer.parseInt(m.group(2)), m.group(3).equals("average")));
            }
          });
    } catch (IOException e) {
      statuses.add(
          new SourceStatus(
              device, dir.toString(), false, "cannot list " + dir + ": " + e, null, null, null));
      return;
    }
    if (found.isEmpty()) {
      return; // temperature, fan or voltage sensors only: nothing to do with energy, not worth a
      // status line
    }
    String driver;
    try {
      driver = reader.read(dir.resolve("name")).trim();
    } catch (IOException e) {
      statuses.add(
          new SourceStatus(
              device,
              dir.toString(),
              false,
              "cannot read "
                  + dir.resolve("name")
                  + ": "
                  + e
                  + "; without the driver name the device cannot be given a scope",
              null,
              null,
              null));
      return;
    }
    String scope =
        CPU_DRIVERS.contains(driver)
            ? Scopes.CPU
            : GPU_DRIVERS.contains(driver) ? Scopes.GPU : Scopes.PLATFORM;
    // Counters before gauges, low channel numbers first, averages before instantaneous gauges.
    found.sort(
        Comparator.comparing((Found f) -> !f.counter())
            .thenComparingInt(Found::number)
            .thenComparing(f -> !f.average()));
    List<HwmonChannel> channels = new ArrayList<>();
    for (Found f : found) {
      channels.add(read(device, driver, scope, f, reader));
    }
    choose(channels, reader);
    boolean several = channels.stream().filter(HwmonChannel::preferred).count() > 1;
    for (HwmonChannel c : channels) {
      String base = driver + "-" + device;
      String zone =
          !c.preferred()
              ? base + "-" + c.file().getFileName()
              : several ? base + "-" + channelLabel(c, reader) : base;
      out.add(c.withZone(zone));
    }
  }

  private static HwmonChannel read(
      String device, String driver, String scope, Found f, CounterReader reader) {
    String fileName = f.file().getFileName().toString();
    String what = f.counter() ? "energy counter" : "power gauge";
    try {
      long value = reader.readLong(f.file());
      String resolution =
          f.counter()
              ? "counter, µJ (" + fileName + ")"
              : "gauge, µW ("
                  + fileName
                  + ")"
                  + averagingInterval(f, reader)
                  + ", integrated by the trapezoid rule at every poll; less accurate than a"
                  + " counter";
      String detail =
          driver + " " + what + " " + fileName + " = " + value + (f.counter() ? " µJ" : " µW");
      return new HwmonChannel(
          fileName,
          device,
          driver,
          scope,
          f.file(),
          f.counter(),
          true,
          false,
          detail,
          null,
          resolution);
    } catch (AccessDeniedException e) {
      return new HwmonChannel(
          fileName,
          device,
          driver,
          scope,
          f.file(),
          f.counter(),
          false,
          false,
          "permission denied reading " + f.file(),
          "sudo chmod o+r "
              + f.file()
              + " (resets at boot; use a udev rule to keep it) or run the worker as root",
          null);
    } catch (IOException e) {
      // Drivers answer some reads with an error, e.g. ENODATA while the device is powered down.
      return new HwmonChannel(
          fileName,
          device,
          driver,
          scope,
          f.file(),
          f.counter(),
          false,
          false,
          "cannot read "
              + f.file()
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage()),
          null,
          null);
    }
  }

  private static String averagingInterval(Found f, CounterReader reader) {
    if (!f.average()) {
      return ", instantaneous";
    }
    Path interval = f.file().resolveSibling("power" + f.number() + "_average_interval");
    try {
      return ", averaged by the driver over " + reader.readLong(interval) + " ms";
    } catch (IOException e) {
      return ", averaged by the driver over an unstated interval";
    }
  }

  private static void choose(List<HwmonChannel> channels, CounterReader reader) {
    List<Integer> sockets = new ArrayList<>();
    for (int i = 0; i < channels.size(); i++) {
      HwmonChannel c = channels.get(i);
      if (c.readable() && c.counter() && channelLabel(c, reader).startsWith("Esocket")) {
        sockets.add(i);
      }
    }
    if (!sockets.isEmpty()) {
      sockets.forEach(i -> channels.set(i, channels.get(i).asPreferred()));
      return;
    }
    for (int i = 0; i < channels.size(); i++) {
      if (channels.get(i).readable()) {
        channels.set(i, channels.get(i).asPreferred());
        return;
      }
    }
  }

  /**
   * The channel's label file ("PPT", "Esocket0") where the driver has one, else the file's base
   * ("energy1").
   */
  private static String channelLabel(HwmonChannel c, CounterReader reader) {
    String fileName = c.file().getFileName().toString();
    String base = fileName.substring(0, fileName.indexOf('_'));
    try {
      String label = reader.read(c.file().resolveSibling(base + "_label")).trim();
      return label.isEmpty() ? base : label.replace(' ', '_');
    } catch (IOException e) {
      return base;
    }
  }

  /** Why a readable channel that is not preferred within its device is left out. */
  static String notPreferredReason(HwmonChannel c) {
    return c.counter()
        ? "another energy counter of the same device is used (channels inside it would double"
            + " count)"
        : "the device's energy counter or another of its gauges is used";
  }
}

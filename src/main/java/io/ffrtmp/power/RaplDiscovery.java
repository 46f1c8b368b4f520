package io.ffrtmp.power;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds powercap RAPL zones and picks the scope that is summed.
 *
 * <p>Scope: every package zone plus every dram zone. psys contains the packages and core/uncore sit
 * inside their package, so adding any of them to a package would double count. Packages + dram is
 * chosen because every RAPL machine has packages, while psys exists only on some client Intel
 * parts; psys is used alone only when no package or dram zone is readable. {@code intel-rapl-mmio}
 * duplicates the MSR package zone, so an MMIO package is used only when the MSR zone of the same
 * name is not readable.
 */
final class RaplDiscovery {

  private static final Pattern ZONE_DIR =
      Pattern.compile("(intel-rapl(?:-mmio)?):(\\d+)(?::(\\d+))?");
  private static final Pattern PACKAGE_NAME = Pattern.compile("package-(\\d+)");
  private static final String SCOPE = "scope: packages + dram";

  private RaplDiscovery() {}

  /** Result of a probe: the zones to sum, and a status line for everything looked at. */
  record Probe(List<RaplZone> scope, List<SourceStatus> statuses) {}

  private enum Role {
    PACKAGE,
    DRAM,
    PSYS,
    INSIDE_PACKAGE,
    UNKNOWN
  }

  /** A zone directory and what was learned by reading it. */
  private static final class Candidate {
    final String id;
    final boolean mmio;
    final int top;
    final Integer sub;
    final Path dir;
    String name;
    String label;
    Role role;
    long maxEnergyRangeUj;
    boolean readable;
    String failure;
    String fix;

    Candidate(String id, boolean mmio, int top, Integer sub, Path dir) {
      this.id = id;
      this.mmio = mmio;
      this.top = top;
      this.sub = sub;
      this.dir = dir;
    }
  }

  static final String RESOLUTION =
      "counter, µJ (energy_uj), updated by the hardware about every 1 ms";

  static Probe probe(Path root, CounterReader reader) {
    Probe raw = probeUnscoped(root, reader);
    return new Probe(
        raw.scope(),
        raw.statuses().stream()
            .map(s -> s.in(Scopes.CPU, s.usable() ? RESOLUTION : null))
            .toList());
  }

  private static Probe probeUnscoped(Path root, CounterReader reader) {
    List<SourceStatus> statuses = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      statuses.add(
          new SourceStatus(
              RaplSource.NAME,
              root.toString(),
              false,
              "no powercap directory at "
                  + root
                  + " (no RAPL driver loaded, a virtual machine, or not x86)",
              "on bare-metal x86 Linux load the driver: sudo modprobe intel_rapl_msr (AMD needs"
                  + " kernel 5.8+, family 19h 5.11+); virtual machines expose no RAPL, so the CPU"
                  + " model is used there"));
      return new Probe(List.of(), statuses);
    }
    List<Candidate> candidates = list(root);
    if (candidates.isEmpty()) {
      statuses.add(
          new SourceStatus(
              RaplSource.NAME,
              root.toString(),
              false,
              "no intel-rapl zones under " + root,
              "load the RAPL driver: sudo modprobe intel_rapl_msr (Intel, AMD) or intel_rapl_tpmi"
                  + " (recent Xeon)"));
      return new Probe(List.of(), statuses);
    }
    for (Candidate c : candidates) {
      inspect(c, candidates, reader, root);
    }
    uniquifyLabels(candidates);
    List<RaplZone> scope = chooseScope(candidates);
    Set<String> inScope = new HashSet<>();
    scope.forEach(z -> inScope.add(z.dir().toString()));
    for (Candidate c : candidates) {
      statuses.add(status(c, inScope, candidates));
    }
    return new Probe(scope, statuses);
  }

  private static List<Candidate> list(Path root) {
    List<Candidate> found = new ArrayList<>();
    try (Stream<Path> entries = Files.list(root)) {
      entries.forEach(
          p -> {
            String id = p.getFileName().toString();
            Matcher m = ZONE_DIR.matcher(id);
            // The control-type directories ("intel-rapl") have no colon and are skipped by the
            // pattern.
            if (m.matches() && Files.isDirectory(p)) {
              found.add(
                  new Candidate(
                      id,
                      m.group(1).endsWith("mmio"),
                      Integer.parseInt(m.group(2)),
                      m.group(3) == null ? null : Integer.valueOf(m.group(3)),
                      p));
            }
          });
    } catch (IOException e) {
      return found;
    }
    // MSR zones before MMIO ones, parents before children: labels and duplicate checks depend on
    // this order.
    found.sort(
        Comparator.<Candidate>comparingInt(c -> c.mmio ? 1 : 0)
            .thenComparingInt(c -> c.top)
            .thenComparingInt(c -> c.sub == null ? -1 : c.sub));
    return found;
  }

  private static void inspect(Candidate c, List<Candidate> all, CounterReader reader, Path root) {
    try {
      c.name = reader.read(c.dir.resolve("name")).trim();
    } catch (IOException e) {
      c.name = "unknown";
      c.role = Role.UNKNOWN;
      c.label = c.id;
      c.failure = "cannot read " + c.dir.resolve("name") + ": " + describe(e);
      return;
    }
    if (c.sub == null) {
      Matcher pkg = PACKAGE_NAME.matcher(c.name);
      if (pkg.matches()) {
        c.role = Role.PACKAGE;
        c.label = c.name;
      } else if (c.name.equals("psys")) {
        c.role = Role.PSYS;
        c.label = "psys";
      } else if (c.name.equals("dram")) {
        c.role = Role.DRAM;
        c.label = "dram-" + c.top;
      } else {
        c.role = Role.UNKNOWN;
        c.label = c.name + "-" + c.top;
      }
    } else {
      int packageIndex = parentPackageIndex(c, all);
      c.role = c.name.equals("dram") ? Role.DRAM : Role.INSIDE_PACKAGE;
      c.label = c.name + "-" + packageIndex;
    }
    Path energy = c.dir.resolve("energy_uj");
    Path range = c.dir.resolve("max_energy_range_uj");
    Path current = energy;
    try {
      reader.readLong(energy);
      current = range;
      c.maxEnergyRangeUj = reader.readLong(range);
      if (c.maxEnergyRangeUj <= 0) {
        c.failure = range + " is " + c.maxEnergyRangeUj + ", so counter wraps cannot be corrected";
        return;
      }
      c.readable = true;
    } catch (AccessDeniedException e) {
      c.failure =
          "permission denied reading "
              + current
              + " (root-only since Linux 5.10, commit 949dd0104c49, CVE-2020-8694)";
      c.fix = permissionFix(root, current.getFileName().toString());
    } catch (NoSuchFileException e) {
      c.failure = "no " + current.getFileName() + " in " + c.dir;
    } catch (IOException e) {
      c.failure = "cannot read " + current + ": " + describe(e);
    }
  }

  private static int parentPackageIndex(Candidate child, List<Candidate> all) {
    for (Candidate c : all) {
      if (c.mmio == child.mmio && c.top == child.top && c.sub == null && c.name != null) {
        Matcher pkg = PACKAGE_NAME.matcher(c.name);
        if (pkg.matches()) {
          return Integer.parseInt(pkg.group(1));
        }
      }
    }
    return child.top;
  }

  /**
   * Two sockets' subzones get their package number; anything still clashing (e.g. two psys) gets
   * its directory id.
   */
  private static void uniquifyLabels(List<Candidate> candidates) {
    Set<String> seen = new HashSet<>();
    for (Candidate c : candidates) {
      if (c.mmio) {
        continue;
      }
      if (!seen.add(c.label)) {
        c.label = c.label + "@" + c.id;
        seen.add(c.label);
      }
    }
  }

  private static List<RaplZone> chooseScope(List<Candidate> candidates) {
    List<RaplZone> scope = new ArrayList<>();
    Set<String> labels = new HashSet<>();
    for (Candidate c : candidates) {
      if (c.readable && (c.role == Role.PACKAGE || c.role == Role.DRAM)) {
        // MSR zones come first, so a readable MMIO package whose MSR twin is readable is skipped
        // here.
        if (labels.add(c.label)) {
          scope.add(new RaplZone(c.label, c.dir, c.maxEnergyRangeUj));
        }
      }
    }
    if (scope.isEmpty()) {
      for (Candidate c : candidates) {
        if (c.readable && c.role == Role.PSYS && labels.add(c.label)) {
          scope.add(new RaplZone(c.label, c.dir, c.maxEnergyRangeUj));
        }
      }
    }
    return scope;
  }

  private static SourceStatus status(Candidate c, Set<String> inScope, List<Candidate> all) {
    String path = c.dir.toString();
    if (!c.readable) {
      return new SourceStatus(c.label, path, false, c.failure, c.fix);
    }
    if (inScope.contains(path)) {
      String why =
          c.role == Role.PSYS
              ? "summed (psys alone: no readable package or dram zone)"
              : "summed into total (" + SCOPE + ")";
      return new SourceStatus(c.label, path, true, why, null);
    }
    String why =
        switch (c.role) {
          case INSIDE_PACKAGE -> "inside " + parentLabel(c, all) + "; never summed with it";
          case PSYS -> "platform zone contains the packages; not summed (" + SCOPE + ")";
          case PACKAGE, DRAM -> "duplicates the intel-rapl zone " + c.label + "; not summed";
          case UNKNOWN -> "zone type '" + c.name + "' is not part of the " + SCOPE + "; not summed";
        };
    return new SourceStatus(c.label, path, true, why, null);
  }

  private static String parentLabel(Candidate child, List<Candidate> all) {
    for (Candidate c : all) {
      if (c.mmio == child.mmio && c.top == child.top && c.sub == null) {
        return c.label;
      }
    }
    return "its package";
  }

  static String permissionFix(Path root, String fileName) {
    return "sudo chmod o+r "
        + root
        + "/intel-rapl:*/"
        + fileName
        + " (resets at boot; make it permanent with a udev rule: ACTION==\"add\","
        + " SUBSYSTEM==\"powercap\", RUN+=\"/bin/chmod o+r /sys%p/"
        + fileName
        + "\") or run the worker as root";
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }
}

package io.ffrtmp.hardware;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What this machine offers for transcoding: CPU facts and GPUs from procfs, sysfs and /dev (cheap
 * file reads; which encoders really work is {@code worker.engine.EncoderProbe}'s). Every root is
 * configurable so tests can point the probe at fake trees. Blocking: never call on an event loop.
 */
public final class HardwareProbe {

  private final Path procRoot;
  private final Path sysRoot;
  private final Path devRoot;

  public HardwareProbe(Path procRoot, Path sysRoot, Path devRoot) {
    this.procRoot = procRoot;
    this.sysRoot = sysRoot;
    this.devRoot = devRoot;
  }

  /**
   * CPU facts from procfs alone (no governor, no GPUs): what the power model needs to name the CPU
   * it models.
   */
  public static HardwareProbe procOnly(Path procRoot) {
    return new HardwareProbe(procRoot, null, null);
  }

  /** The real machine: /proc, /sys and /dev. */
  public static HardwareProbe system() {
    return new HardwareProbe(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));
  }

  public CpuFacts cpu() {
    List<String> lines = readLines(procRoot.resolve("cpuinfo"));
    String model = CpuFacts.UNKNOWN;
    Set<String> sockets = new HashSet<>();
    Set<String> cores = new HashSet<>();
    int threads = 0;
    String physicalId = null;
    String coreId = null;
    // A trailing blank line closes the last processor block even when the file has none.
    List<String> all = new ArrayList<>(lines);
    all.add("");
    for (String line : all) {
      if (line.isBlank()) {
        if (coreId != null) {
          cores.add((physicalId == null ? "0" : physicalId) + ":" + coreId);
        }
        physicalId = null;
        coreId = null;
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "processor" -> threads++;
        case "physical id" -> {
          physicalId = value;
          sockets.add(value);
        }
        case "core id" -> coreId = value;
        case "model name", "Model", "Hardware" -> {
          if (CpuFacts.UNKNOWN.equals(model) && !value.isEmpty()) {
            model = value;
          }
        }
        default -> {}
      }
    }
    if (threads == 0) {
      threads = Runtime.getRuntime().availableProcessors();
    }
    int physicalCores = cores.isEmpty() ? threads : cores.size();
    String governor =
        sysRoot == null
            ? CpuFacts.UNKNOWN
            : readFirstLine(sysRoot.resolve("devices/system/cpu/cpu0/cpufreq/scaling_governor"))
                .orElse(CpuFacts.UNKNOWN);
    return new CpuFacts(
        model,
        Math.max(1, sockets.size()),
        physicalCores,
        threads,
        governor,
        memoryMb().orElse(null));
  }

  private Optional<Long> memoryMb() {
    return readLines(procRoot.resolve("meminfo")).stream()
        .filter(l -> l.startsWith("MemTotal:"))
        .map(l -> l.replaceAll("\\D+", ""))
        .filter(s -> !s.isEmpty())
        .map(s -> Long.parseLong(s) / 1024)
        .findFirst();
  }

  /**
   * NVIDIA GPUs (driver's /proc entries or /dev/nvidia0), then every /dev/dri render node with its
   * PCI vendor.
   */
  public List<GpuDevice> gpus() {
    List<GpuDevice> found = new ArrayList<>();
    if (devRoot == null || sysRoot == null) {
      return List.of();
    }
    Path nvidia0 = devRoot.resolve("nvidia0");
    boolean nvidiaDevice = Files.exists(nvidia0);
    List<String> nvidiaModels = new ArrayList<>();
    for (Path gpu : list(procRoot.resolve("driver/nvidia/gpus"), "*")) {
      nvidiaModels.add(
          readLines(gpu.resolve("information")).stream()
              .filter(l -> l.startsWith("Model:"))
              .map(l -> l.substring("Model:".length()).trim())
              .findFirst()
              .orElse(CpuFacts.UNKNOWN));
    }
    if (nvidiaModels.isEmpty() && nvidiaDevice) {
      // The device node without the driver's /proc entries: typical of a container given the GPU.
      nvidiaModels.add(CpuFacts.UNKNOWN);
    }
    for (int i = 0; i < nvidiaModels.size(); i++) {
      Path dev = devRoot.resolve("nvidia" + i);
      boolean present = Files.exists(dev);
      found.add(
          new GpuDevice(
              "NVIDIA", nvidiaModels.get(i), dev.toString(), present, present && openable(dev)));
    }
    for (Path node : list(devRoot.resolve("dri"), "renderD*")) {
      Path pci =
          sysRoot.resolve("class/drm").resolve(node.getFileName().toString()).resolve("device");
      String vendorId = readFirstLine(pci.resolve("vendor")).orElse(null);
      String deviceId = readFirstLine(pci.resolve("device")).orElse(null);
      String model =
          vendorId == null
              ? CpuFacts.UNKNOWN
              : "PCI " + vendorId + (deviceId == null ? "" : ":" + deviceId);
      found.add(new GpuDevice(vendorName(vendorId), model, node.toString(), true, openable(node)));
    }
    return List.copyOf(found);
  }

  static String vendorName(String pciVendorId) {
    if (pciVendorId == null) {
      return CpuFacts.UNKNOWN;
    }
    return switch (pciVendorId.toLowerCase(Locale.ROOT)) {
      case "0x8086" -> "Intel";
      case "0x1002" -> "AMD";
      case "0x10de" -> "NVIDIA";
      default -> "unknown (" + pciVendorId + ")";
    };
  }

  /**
   * Encoders open their device read-write; both permissions are needed, and the render group grants
   * both.
   */
  private static boolean openable(Path device) {
    return Files.isReadable(device) && Files.isWritable(device);
  }

  private static List<String> readLines(Path p) {
    try {
      return Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static Optional<String> readFirstLine(Path p) {
    return readLines(p).stream().findFirst().map(String::trim).filter(s -> !s.isEmpty());
  }

  private static List<Path> list(Path dir, String glob) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, glob)) {
      ds.forEach(out::add);
    } catch (IOException e) {
      return List.of();
    }
    out.sort(null);
    return out;
  }
}

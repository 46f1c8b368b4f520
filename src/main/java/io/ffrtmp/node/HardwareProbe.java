package io.ffrtmp.node;

import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.worker.engine.FfmpegCommand;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this machine offers for transcoding: CPU facts and GPUs from procfs, sysfs and /dev (cheap file reads), and —
 * on request — which encoders really work and whether VMAF does (FFmpeg probe runs). Every root is configurable so
 * tests can point the probe at fake trees. Blocking: never call on an event loop.
 */
public final class HardwareProbe {

  /** Probe encodes run side by side, but no more than two, so a probe never swamps a small node. */
  static final int PARALLEL_PROBES = 2;
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  /** Small enough to be quick, above every hardware encoder's minimum frame size (NVENC needs width ≥ 145). */
  static final String PROBE_RESOLUTION = "320x240";
  static final String VMAF_MODEL = "vmaf_v0.6.1";

  private static final Pattern COMPONENT_TAG = Pattern.compile("^\\[([^\\]@]+?)\\s*@\\s*0x[0-9a-fA-F]+\\]\\s*");

  private final Path procRoot;
  private final Path sysRoot;
  private final Path devRoot;

  public HardwareProbe(Path procRoot, Path sysRoot, Path devRoot) {
    this.procRoot = procRoot;
    this.sysRoot = sysRoot;
    this.devRoot = devRoot;
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
        default -> {
        }
      }
    }
    if (threads == 0) {
      threads = Runtime.getRuntime().availableProcessors();
    }
    int physicalCores = cores.isEmpty() ? threads : cores.size();
    String governor = readFirstLine(sysRoot.resolve("devices/system/cpu/cpu0/cpufreq/scaling_governor"))
      .orElse(CpuFacts.UNKNOWN);
    return new CpuFacts(model, Math.max(1, sockets.size()), physicalCores, threads, governor, memoryMb().orElse(null));
  }

  private Optional<Long> memoryMb() {
    return readLines(procRoot.resolve("meminfo")).stream()
      .filter(l -> l.startsWith("MemTotal:"))
      .map(l -> l.replaceAll("\\D+", ""))
      .filter(s -> !s.isEmpty())
      .map(s -> Long.parseLong(s) / 1024)
      .findFirst();
  }

  /** NVIDIA GPUs (driver's /proc entries or /dev/nvidia0), then every /dev/dri render node with its PCI vendor. */
  public List<GpuDevice> gpus() {
    List<GpuDevice> found = new ArrayList<>();
    Path nvidia0 = devRoot.resolve("nvidia0");
    boolean nvidiaDevice = Files.exists(nvidia0);
    List<String> nvidiaModels = new ArrayList<>();
    for (Path gpu : list(procRoot.resolve("driver/nvidia/gpus"), "*")) {
      nvidiaModels.add(readLines(gpu.resolve("information")).stream()
        .filter(l -> l.startsWith("Model:"))
        .map(l -> l.substring("Model:".length()).trim())
        .findFirst().orElse(CpuFacts.UNKNOWN));
    }
    if (nvidiaModels.isEmpty() && nvidiaDevice) {
      // The device node without the driver's /proc entries: typical of a container given the GPU.
      nvidiaModels.add(CpuFacts.UNKNOWN);
    }
    for (int i = 0; i < nvidiaModels.size(); i++) {
      Path dev = devRoot.resolve("nvidia" + i);
      boolean present = Files.exists(dev);
      found.add(new GpuDevice("NVIDIA", nvidiaModels.get(i), dev.toString(), present, present && openable(dev)));
    }
    for (Path node : list(devRoot.resolve("dri"), "renderD*")) {
      Path pci = sysRoot.resolve("class/drm").resolve(node.getFileName().toString()).resolve("device");
      String vendorId = readFirstLine(pci.resolve("vendor")).orElse(null);
      String deviceId = readFirstLine(pci.resolve("device")).orElse(null);
      String model = vendorId == null ? CpuFacts.UNKNOWN
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

  /** Encoders open their device read-write; both permissions are needed, and the render group grants both. */
  private static boolean openable(Path device) {
    return Files.isReadable(device) && Files.isWritable(device);
  }

  /**
   * For every encoder ffrtmp drives: is it listed, and does a one-frame encode with the job's own command line work?
   * At most {@link #PARALLEL_PROBES} probes at a time, each killed after {@link #PROBE_TIMEOUT}.
   */
  public static List<EncoderCheck> encoders(FfmpegInfo ffmpeg) {
    return encoders(ffmpeg, List.of(Encoder.values()));
  }

  /** As {@link #encoders(FfmpegInfo)}, for the given encoders only (a worker probes just the hardware ones). */
  public static List<EncoderCheck> encoders(FfmpegInfo ffmpeg, List<Encoder> which) {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL_PROBES, r -> {
      Thread t = new Thread(r, "ffrtmp-encoder-probe");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<EncoderCheck>> pending = new ArrayList<>();
      for (Encoder e : which) {
        pending.add(pool.submit(() -> ffmpeg.has(e) ? probeEncoder(ffmpeg.binary(), e)
          : new EncoderCheck(e, false, false, "not listed by 'ffmpeg -encoders': this FFmpeg build lacks it")));
      }
      List<EncoderCheck> checks = new ArrayList<>();
      for (Future<EncoderCheck> f : pending) {
        checks.add(f.get());
      }
      return List.copyOf(checks);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while probing encoders", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("encoder probe failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  static EncoderCheck probeEncoder(String ffmpeg, Encoder encoder) {
    ProbeRun run = ProbeRun.of(probeCommand(ffmpeg, encoder), PROBE_TIMEOUT);
    return new EncoderCheck(encoder, true, run.succeeded(), run.succeeded() ? null : run.reason());
  }

  /**
   * The command a job with this encoder would run (device flags, upload filters, encoder arguments all from
   * {@link FfmpegCommand}), cut to one small frame written nowhere and without progress reports, so "works" means
   * "a job with this encoder would start".
   */
  static List<String> probeCommand(String ffmpeg, Encoder encoder) {
    JobSpec spec = JobSpec.fromJson(new JsonObject()
      .put("video", new JsonObject().put("encoder", encoder.ffmpegName()).put("resolution", PROBE_RESOLUTION))
      .put("input", new JsonObject().put("duration_s", 1))
      .put("measure", new JsonObject().put("quality", new JsonArray())));
    Path unused = Path.of("ffrtmp-probe.mkv");
    List<String> cmd = new ArrayList<>(FfmpegCommand.encode(ffmpeg, spec, unused));
    int n = cmd.size();
    if (n < 3 || !cmd.get(n - 3).equals("-f") || !cmd.get(n - 2).equals("matroska") || !cmd.get(n - 1).equals(unused.toString())) {
      throw new IllegalStateException("FfmpegCommand.encode no longer ends with '-f matroska FILE': " + cmd);
    }
    cmd.subList(n - 3, n).clear();
    cmd.addAll(List.of("-frames:v", "1", "-f", "null", "-"));
    // Progress and -benchmark lines would land in the probe log after the error that explains a failure.
    int progress = cmd.indexOf("-progress");
    if (progress >= 0) {
      cmd.subList(progress, progress + 2).clear();
    }
    cmd.remove("-benchmark");
    return cmd;
  }

  /** libvmaf listed by {@code ffmpeg -filters}, then two frames of testsrc2 compared with the vmaf_v0.6.1 model. */
  public static VmafCheck vmaf(String ffmpeg) {
    ProbeRun filters = ProbeRun.of(List.of(ffmpeg, "-hide_banner", "-filters"), PROBE_TIMEOUT);
    if (!filters.succeeded()) {
      return new VmafCheck(false, false, "'" + ffmpeg + " -filters' failed: " + filters.reason());
    }
    boolean listed = filters.output().stream().map(l -> l.trim().split("\\s+"))
      .anyMatch(p -> p.length >= 2 && p[1].equals("libvmaf"));
    if (!listed) {
      return new VmafCheck(false, false, "libvmaf is not among 'ffmpeg -filters' (FFmpeg built without --enable-libvmaf)");
    }
    String source = "testsrc2=size=64x64:rate=2:duration=1";
    ProbeRun run = ProbeRun.of(List.of(ffmpeg, "-hide_banner", "-nostdin", "-f", "lavfi", "-i", source, "-f", "lavfi", "-i",
      source, "-lavfi", "[0:v][1:v]libvmaf=model=version=" + VMAF_MODEL, "-f", "null", "-"), PROBE_TIMEOUT);
    return new VmafCheck(true, run.succeeded(), run.succeeded() ? null : run.reason());
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

  /**
   * One short FFmpeg run with its output in a temporary file (no pipe to drain, so a chatty or hung child cannot block
   * us), killed with its children when it outlives the timeout.
   */
  record ProbeRun(boolean succeeded, List<String> output, String reason) {

    static ProbeRun of(List<String> cmd, Duration timeout) {
      Path log = null;
      try {
        log = Files.createTempFile("ffrtmp-probe", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(2, TimeUnit.SECONDS);
          return new ProbeRun(false, List.of(), "no answer within " + timeout.toMillis() + " ms (killed)");
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .map(String::strip).filter(l -> !l.isEmpty()).toList();
        boolean ok = p.exitValue() == 0;
        return new ProbeRun(ok, lines, ok ? null : reason(lines, p.exitValue()));
      } catch (IOException e) {
        return new ProbeRun(false, List.of(), "cannot run '" + cmd.get(0) + "': " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new ProbeRun(false, List.of(), "interrupted");
      } finally {
        if (log != null) {
          try {
            Files.deleteIfExists(log);
          } catch (IOException ignored) {
            // A leftover probe log in the temp directory is harmless.
          }
        }
      }
    }

    /**
     * FFmpeg's last line is often generic ("Conversion failed!"); the last line a component logged ("[h264_nvenc @
     * 0x..] Cannot load libcuda.so.1") says why, so both are kept when they differ.
     */
    static String reason(List<String> lines, int exit) {
      if (lines.isEmpty()) {
        return "exit " + exit + " with no output";
      }
      String last = lines.get(lines.size() - 1);
      for (int i = lines.size() - 1; i >= 0; i--) {
        Matcher m = COMPONENT_TAG.matcher(lines.get(i));
        if (m.find()) {
          String tagged = m.group(1).trim() + ": " + lines.get(i).substring(m.end());
          return i == lines.size() - 1 ? tagged : tagged + " / " + last;
        }
      }
      // Untagged errors ("Failed to set value 'qsv=hw' ..." then "Error parsing global options: ...") need both lines.
      return lines.size() == 1 ? last : lines.get(lines.size() - 2) + " / " + last;
    }
  }
}

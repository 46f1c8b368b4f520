package io.ffrtmp.worker.engine;

import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which encoders of this FFmpeg really work on this machine, and whether VMAF does: short FFmpeg
 * probe runs with the job's own command line. Blocking: never call on an event loop.
 */
public final class EncoderProbe {

  /** Probe encodes run side by side, but no more than two, so a probe never swamps a small node. */
  static final int PARALLEL_PROBES = 2;

  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Small enough to be quick, above every hardware encoder's minimum frame size (NVENC needs width
   * ≥ 145).
   */
  static final String PROBE_RESOLUTION = "320x240";

  static final String VMAF_MODEL = "vmaf_v0.6.1";

  private static final Pattern COMPONENT_TAG =
      Pattern.compile("^\\[([^\\]@]+?)\\s*@\\s*0x[0-9a-fA-F]+\\]\\s*");

  private EncoderProbe() {}

  /**
   * For every encoder ffrtmp drives: is it listed, and does a one-frame encode with the job's own
   * command line work? At most {@link #PARALLEL_PROBES} probes at a time, each killed after {@link
   * #PROBE_TIMEOUT}.
   */
  public static List<EncoderCheck> encoders(FfmpegInfo ffmpeg) {
    return encoders(ffmpeg, List.of(Encoder.values()));
  }

  /**
   * As {@link #encoders(FfmpegInfo)}, for the given encoders only (a worker probes just the
   * hardware ones).
   */
  public static List<EncoderCheck> encoders(FfmpegInfo ffmpeg, List<Encoder> which) {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            PARALLEL_PROBES,
            r -> {
              Thread t = new Thread(r, "ffrtmp-encoder-probe");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<EncoderCheck>> pending = new ArrayList<>();
      for (Encoder e : which) {
        pending.add(
            pool.submit(
                () ->
                    ffmpeg.has(e)
                        ? probeEncoder(ffmpeg.binary(), e)
                        : new EncoderCheck(
                            e,
                            false,
                            false,
                            "not listed by 'ffmpeg -encoders': this FFmpeg build lacks it")));
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
   * The command a job with this encoder would run (device flags, upload filters, encoder arguments
   * all from {@link FfmpegCommand}), cut to one small frame written nowhere and without progress
   * reports, so "works" means "a job with this encoder would start".
   */
  static List<String> probeCommand(String ffmpeg, Encoder encoder) {
    JobSpec spec =
        JobSpec.fromJson(
            new JsonObject()
                .put(
                    "video",
                    new JsonObject()
                        .put("encoder", encoder.ffmpegName())
                        .put("resolution", PROBE_RESOLUTION))
                .put("input", new JsonObject().put("duration_s", 1))
                .put("measure", new JsonObject().put("quality", new JsonArray())));
    Path unused = Path.of("ffrtmp-probe.mkv");
    List<String> cmd = new ArrayList<>(FfmpegCommand.encode(ffmpeg, spec, unused));
    int n = cmd.size();
    if (n < 3
        || !cmd.get(n - 3).equals("-f")
        || !cmd.get(n - 2).equals("matroska")
        || !cmd.get(n - 1).equals(unused.toString())) {
      throw new IllegalStateException(
          "FfmpegCommand.encode no longer ends with '-f matroska FILE': " + cmd);
    }
    cmd.subList(n - 3, n).clear();
    cmd.addAll(List.of("-frames:v", "1", "-f", "null", "-"));
    // Progress and -benchmark lines would land in the probe log after the error that explains a
    // failure.
    int progress = cmd.indexOf("-progress");
    if (progress >= 0) {
      cmd.subList(progress, progress + 2).clear();
    }
    cmd.remove("-benchmark");
    return cmd;
  }

  /**
   * libvmaf listed by {@code ffmpeg -filters}, then two frames of testsrc2 compared with the
   * vmaf_v0.6.1 model.
   */
  public static VmafCheck vmaf(String ffmpeg) {
    return vmaf(ffmpeg, "model=version=" + VMAF_MODEL);
  }

  /**
   * Whether this FFmpeg's libvmaf filter takes {@code model=} (libvmaf 2.x) rather than only {@code
   * model_path=} (1.x builds, which need a model file).
   */
  public static boolean vmafTakesModel(String ffmpeg) {
    ProbeRun help =
        ProbeRun.of(List.of(ffmpeg, "-hide_banner", "-h", "filter=libvmaf"), PROBE_TIMEOUT);
    return help.output().stream().anyMatch(l -> l.startsWith("model ") || l.startsWith("model\t"));
  }

  /**
   * As {@link #vmaf(String)} with these libvmaf model options ({@code model=version=...}, {@code
   * model=path=...}, {@code model_path=...}, or none for the build's default).
   */
  public static VmafCheck vmaf(String ffmpeg, String modelOptions) {
    ProbeRun filters = ProbeRun.of(List.of(ffmpeg, "-hide_banner", "-filters"), PROBE_TIMEOUT);
    if (!filters.succeeded()) {
      return new VmafCheck(false, false, "'" + ffmpeg + " -filters' failed: " + filters.reason());
    }
    boolean listed =
        filters.output().stream()
            .map(l -> l.trim().split("\\s+"))
            .anyMatch(p -> p.length >= 2 && p[1].equals("libvmaf"));
    if (!listed) {
      return new VmafCheck(
          false,
          false,
          "libvmaf is not among 'ffmpeg -filters' (FFmpeg built without --enable-libvmaf)");
    }
    String source = "testsrc2=size=64x64:rate=2:duration=1";
    ProbeRun run =
        ProbeRun.of(
            List.of(
                ffmpeg,
                "-hide_banner",
                "-nostdin",
                "-f",
                "lavfi",
                "-i",
                source,
                "-f",
                "lavfi",
                "-i",
                source,
                "-lavfi",
                "[0:v][1:v]libvmaf" + (modelOptions.isEmpty() ? "" : "=" + modelOptions),
                "-f",
                "null",
                "-"),
            PROBE_TIMEOUT);
    return new VmafCheck(true, run.succeeded(), run.succeeded() ? null : run.reason());
  }

  /**
   * One short FFmpeg run with its output in a temporary file (no pipe to drain, so a chatty or hung
   * child cannot block us), killed with its children when it outlives the timeout.
   */
  record ProbeRun(boolean succeeded, List<String> output, String reason) {

    static ProbeRun of(List<String> cmd, Duration timeout) {
      Path log = null;
      try {
        log = Files.createTempFile("ffrtmp-probe", ".log");
        Process p =
            new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          p.waitFor(2, TimeUnit.SECONDS);
          return new ProbeRun(
              false, List.of(), "no answer within " + timeout.toMillis() + " ms (killed)");
        }
        List<String> lines =
            Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .map(String::strip)
                .filter(l -> !l.isEmpty())
                .toList();
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
     * FFmpeg's last line is often generic ("Conversion failed!"); the last line a component logged
     * ("[h264_nvenc @ 0x..] Cannot load libcuda.so.1") says why, so both are kept when they differ.
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
      // Untagged errors ("Failed to set value 'qsv=hw' ..." then "Error parsing global options:
      // ...") need both lines.
      return lines.size() == 1 ? last : lines.get(lines.size() - 2) + " / " + last;
    }
  }
}

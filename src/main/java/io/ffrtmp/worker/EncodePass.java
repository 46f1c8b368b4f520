package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.worker.engine.ChildProcess;
import io.ffrtmp.worker.engine.FfmpegCommand;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.ffrtmp.worker.engine.GstCommand;
import io.ffrtmp.worker.engine.GstInfo;
import io.ffrtmp.worker.engine.GstProgressParser;
import io.ffrtmp.worker.engine.PacketCount;
import io.ffrtmp.worker.engine.Progress;
import io.ffrtmp.worker.engine.ProgressParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The encode with the job's engine (FFmpeg, or a GStreamer pipeline): the job's command, the child
 * run inside a fresh energy window under the spec's time limit, its progress parsed (FFmpeg's
 * {@code -progress}, or the pipeline's own per-frame messages) and published with the window's live
 * watts, and what happened returned as one record. Judging it is the caller's.
 */
final class EncodePass {

  /**
   * What one encode did: the ended child (kill reason, stderr), its exit code and wall time, its
   * own CPU account from {@code -benchmark} ({@code cpu_seconds}, {@code max_rss_kb}, where FFmpeg
   * printed them), its last progress block and frame count, and the energy window's figures.
   */
  record Encoded(
      ChildProcess child,
      int exitCode,
      long wallMs,
      JsonObject rusage,
      Progress last,
      long frames,
      EncodeWindow.Figures window,
      LadderReport.Account ladder) {}

  private static final Pattern BENCH_TIME =
      Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s");
  private static final Pattern BENCH_RSS = Pattern.compile("bench: maxrss=(\\d+)kB");

  private final Vertx vertx;
  private final FfmpegInfo ffmpeg;
  private final GstInfo gst;
  private final EnergyMeter meter;
  private final EnergyWindows windows;
  private final Path procRoot;

  EncodePass(
      Vertx vertx,
      FfmpegInfo ffmpeg,
      GstInfo gst,
      EnergyMeter meter,
      EnergyWindows windows,
      Path procRoot) {
    this.vertx = vertx;
    this.ffmpeg = ffmpeg;
    this.gst = gst;
    this.meter = meter;
    this.windows = windows;
    this.procRoot = procRoot;
  }

  /**
   * The engine's command for the job, recorded in the result before anything waits or runs; a
   * GStreamer pipeline is an argument list like FFmpeg's. Throws {@link GstCommand.Unsupported}
   * when GStreamer cannot express the spec.
   */
  List<String> command(JobContext job) {
    List<String> cmd =
        job.gstreamer()
            ? GstCommand.encode(gst.launch(), job.spec(), job.source(), job.encoded())
            : FfmpegCommand.encode(ffmpeg.binary(), job.spec(), job.source(), job.encoded());
    job.result().put("command", new JsonArray(cmd));
    return cmd;
  }

  /**
   * Runs the command in its own energy window. Fails when the work directory or the window cannot
   * be made or FFmpeg cannot start; an encode that ran completes, however it ended.
   */
  Future<Encoded> run(JobContext job, List<String> command) {
    return vertx
        .executeBlocking(() -> Files.createDirectories(job.workDir()))
        .compose(dir -> EncodeWindow.open(vertx, meter, windows, procRoot))
        .compose(window -> encode(job, command, window));
  }

  private record Exit(ChildProcess child, int code, long wallMs, CpuSampler cpu) {}

  /** How often a GStreamer process's CPU time is read while it runs. */
  static final long CPU_SAMPLE_MS = 500;

  /**
   * GStreamer prints no CPU account (FFmpeg's {@code -benchmark}): the process's CPU time is read
   * from {@code /proc} every {@value #CPU_SAMPLE_MS} ms and once more when the stream ends, and the
   * largest reading is its {@code cpu_seconds}. What it spends tearing down after the end of stream
   * is not seen.
   */
  private final class CpuSampler {
    private ChildProcess child;
    private long timer = -1;
    private double seconds = -1;

    void start(ChildProcess c) {
      child = c;
      timer = vertx.setPeriodic(CPU_SAMPLE_MS, t -> sample());
    }

    void sample() {
      ChildProcess c = child;
      if (c == null) {
        return;
      }
      vertx
          .executeBlocking(c::cpuSeconds, false)
          .onSuccess(s -> s.ifPresent(v -> seconds = Math.max(seconds, v)));
    }

    void stop() {
      vertx.cancelTimer(timer);
    }

    JsonObject rusage() {
      return seconds < 0
          ? new JsonObject()
          : new JsonObject()
              .put("cpu_seconds", round(seconds, 3))
              .put(
                  "cpu_seconds_source",
                  "proc, sampled every " + CPU_SAMPLE_MS + " ms and at the end of stream");
    }
  }

  private Future<Encoded> encode(JobContext job, List<String> command, EncodeWindow window) {
    job.window(window.measurement());
    ProgressTrail trail = new ProgressTrail(job);
    GstProgressParser gstParser =
        job.gstreamer() ? new GstProgressParser(trail, job.spec().video().fps()) : null;
    Consumer<String> parser = gstParser != null ? gstParser : new ProgressParser(trail)::accept;
    CpuSampler cpu = job.gstreamer() ? new CpuSampler() : null;
    Consumer<String> stdout =
        line -> {
          job.active();
          parser.accept(line);
          if (cpu != null && line.startsWith(GstProgressParser.EOS)) {
            cpu.sample(); // the stream has ended: all but the teardown is counted now
          }
        };
    long startNs = System.nanoTime();
    return ChildProcess.start(vertx, command, job.workDir(), stdout)
        .compose(
            child -> {
              if (cpu != null) {
                cpu.start(child);
              }
              return exit(job, child, window)
                  .andThen(
                      ar -> {
                        if (cpu != null) {
                          cpu.stop();
                        }
                      })
                  .map(
                      code ->
                          new Exit(child, code, (System.nanoTime() - startNs) / 1_000_000, cpu));
            })
        .eventually(window::close)
        .andThen(ar -> job.running(null))
        .compose(
            exit ->
                fileFrames(job, exit)
                    .map(counted -> encoded(job, exit, trail, window, gstParser, counted)));
  }

  private static Encoded encoded(
      JobContext job,
      Exit exit,
      ProgressTrail trail,
      EncodeWindow window,
      GstProgressParser gstParser,
      Map<Integer, Long> counted) {
    LadderReport.Account ladder = null;
    if (job.spec().isLadder()) {
      ladder =
          gstParser != null
              ? LadderReport.account(gstParser.outputs()).withFrames(counted)
              : LadderReport.account(exit.child().stderrLines());
    }
    long frames = counted.getOrDefault(0, trail.frames);
    return new Encoded(
        exit.child(),
        exit.code(),
        exit.wallMs(),
        exit.cpu() != null ? exit.cpu().rusage() : cpuFromBench(exit.child().stderrLines()),
        trail.last,
        frames,
        window.figures(),
        ladder);
  }

  /**
   * A GStreamer encode that ended well: the frames in each file it wrote, by output index (see
   * {@link PacketCount}); empty for FFmpeg, whose own account is exact, and for streams.
   */
  private Future<Map<Integer, Long>> fileFrames(JobContext job, Exit exit) {
    if (!job.gstreamer() || exit.code() != 0 || exit.child().killReason() != null) {
      return Future.succeededFuture(Map.of());
    }
    JobSpec spec = job.spec();
    Map<Integer, Path> files = new TreeMap<>();
    if (spec.isLadder()) {
      for (int i = 0; i < spec.renditions().size(); i++) {
        JobSpec.Rendition r = spec.renditions().get(i);
        if (!r.output().isStream()) {
          files.put(i, job.encoded(r.name()));
        }
      }
    } else if (!spec.output().isStream()) {
      files.put(0, job.encoded());
    }
    if (files.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return vertx.executeBlocking(
        () -> {
          Map<Integer, Long> counts = new TreeMap<>();
          for (Map.Entry<Integer, Path> f : files.entrySet()) {
            if (Files.exists(f.getValue())) {
              counts.put(f.getKey(), PacketCount.of(ffmpeg.binary(), f.getValue()));
            }
          }
          return counts;
        },
        false);
  }

  /**
   * Waits for the child's exit under the spec's time limit; a cancel already asked for stops it at
   * once.
   */
  private Future<Integer> exit(JobContext job, ChildProcess child, EncodeWindow window) {
    job.running(child);
    job.encodeStarted(child);
    // NVML's per-process GPU utilisation is looked up by this pid (setsid execs FFmpeg in place).
    window.track(child.pid());
    if (job.canceled()) {
      child.kill(job.cancelReason(), JobContext.KILL_GRACE_MS);
    }
    int limitS = job.spec().timeoutS();
    long timer =
        vertx.setTimer(
            limitS * 1000L,
            t -> child.kill("time limit of " + limitS + " s exceeded", JobContext.KILL_GRACE_MS));
    return child.exit().andThen(ar -> vertx.cancelTimer(timer));
  }

  /**
   * The CPU time and peak memory FFmpeg's {@code -benchmark} printed, in the order it printed them.
   */
  static JsonObject cpuFromBench(List<String> stderr) {
    JsonObject rusage = new JsonObject();
    for (String line : stderr) {
      Matcher t = BENCH_TIME.matcher(line);
      if (t.find()) {
        rusage.put(
            "cpu_seconds",
            round(Double.parseDouble(t.group(1)) + Double.parseDouble(t.group(2)), 3));
      }
      Matcher r = BENCH_RSS.matcher(line);
      if (r.find()) {
        rusage.put("max_rss_kb", Long.parseLong(r.group(1)));
      }
    }
    return rusage;
  }

  /**
   * Keeps the last progress block and frame count (lines arrive on the worker's context, in order)
   * and publishes each block with the frame target and the window's live watts.
   */
  private final class ProgressTrail implements Consumer<Progress> {

    private final JobContext job;
    private final long frameTarget;
    private Progress last;
    private long frames;

    ProgressTrail(JobContext job) {
      this.job = job;
      this.frameTarget = Math.round(job.source().durationS() * job.spec().video().fps());
    }

    @Override
    public void accept(Progress p) {
      last = p;
      if (p.frame() != null) {
        frames = p.frame();
      }
      job.encodeProgress(p);
      job.progress(
          p.toJson()
              .put("job_id", job.lease().jobId().toString())
              .put(
                  "campaign_id",
                  job.lease().campaignId() == null ? null : job.lease().campaignId().toString())
              .put("config_key", job.lease().configKey())
              .put("frames_total", frameTarget)
              .put("watts", job.currentWatts())
              .put("energy_provenance", meter.provenance()));
    }
  }
}

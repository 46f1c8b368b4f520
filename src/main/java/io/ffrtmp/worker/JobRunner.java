package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobLease;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.Measurement;
import io.ffrtmp.power.ProcStat;
import io.ffrtmp.quality.QualityScores;
import io.ffrtmp.worker.engine.ChildProcess;
import io.ffrtmp.worker.engine.FfmpegCommand;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.ffrtmp.job.MediaRoots;
import io.ffrtmp.worker.engine.SourceInfo;
import io.ffrtmp.worker.engine.Progress;
import io.ffrtmp.worker.engine.ProgressParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs one leased job: energy window around the encode only, then the quality pass outside it (its own cost recorded
 * separately), then the result object. Runs on the worker verticle's context; blocking bits go through executeBlocking.
 */
public final class JobRunner {

  /** How the job ended, with the result object to store. */
  public record Outcome(String state, JsonObject result, String error, boolean retryable) {
  }

  private static final Pattern BENCH_TIME = Pattern.compile("bench: utime=([0-9.]+)s stime=([0-9.]+)s");
  private static final Pattern BENCH_RSS = Pattern.compile("bench: maxrss=(\\d+)kB");
  private static final long KILL_GRACE_MS = 2000;

  private final Vertx vertx;
  private final WorkerConfig config;
  private final EnergyMeter meter;
  private final FfmpegInfo ffmpeg;
  private final JsonObject node;
  private volatile ChildProcess current;
  private volatile String cancelReason;
  /** Grows with every sign of life (a progress block, a quality-pass line, a settle sample): heartbeats carry it. */
  private final java.util.concurrent.atomic.AtomicLong activity = new java.util.concurrent.atomic.AtomicLong();
  /** The running job's energy window (for live watts in progress) and, once closed, its figures. */
  private volatile Measurement measurement;
  private volatile JsonObject energy;

  private final EnergyWindows windows;
  private EnergyWindows.Window window;
  private ProcStat cpuAtStart;
  private ProcStat cpuAtEnd;

  /** One runner per job: it holds that job's process, window and figures. */
  private final java.util.Set<Encoder> workingHardware;

  public JobRunner(Vertx vertx, WorkerConfig config, EnergyMeter meter, FfmpegInfo ffmpeg, JsonObject node,
                   EnergyWindows windows, java.util.Set<Encoder> workingHardware) {
    this.windows = windows;
    this.workingHardware = workingHardware;
    this.vertx = vertx;
    this.config = config;
    this.meter = meter;
    this.ffmpeg = ffmpeg;
    this.node = node;
  }

  /** Stops the running FFmpeg (and its children) within a second; the job then ends as canceled. */
  public void cancel(String reason) {
    cancelReason = reason;
    ChildProcess p = current;
    if (p != null) {
      p.kill(reason, KILL_GRACE_MS);
    }
  }

  /** The node's power as this job's energy window sees it now; null outside the window or when unknown. */
  public Double currentWatts() {
    Measurement m = measurement;
    return m == null ? null : m.currentWatts();
  }

  /** The job's activity counter: it grows while anything of the job makes progress. */
  public long activity() {
    return activity.get();
  }

  public Future<Outcome> run(JobLease lease, JsonObject idleBaseline, Consumer<JsonObject> progress) {
    cancelReason = null;
    measurement = null;
    energy = null;
    JobSpec asSpecified = lease.spec();
    JobSpec spec = asSpecified.forNode(workingHardware);
    JsonObject result = base(lease, spec);
    if (asSpecified.video().encoderAuto()) {
      result.put("encoder_choice", new JsonObject()
        .put("requested", "auto")
        .put("chosen", spec.video().encoder().ffmpegName())
        .put("why", spec.video().encoder().hardware() != Encoder.Hardware.NONE
          ? "this node has a working " + spec.video().encoder().hardware().name() + " encoder for " + spec.video().codec().id()
          : "no working hardware encoder for " + spec.video().codec().id() + " on this node (see node.hardware_encoders)"
            + (asSpecified.video().preset() != null && !asSpecified.video().preset().equals(asSpecified.video().encoder().defaultPreset())
              ? ", or a software preset was named" : "")));
    }
    Encoder encoder = spec.video().encoder();
    if (!ffmpeg.has(encoder)) {
      return Future.succeededFuture(failed(result, "encoder " + encoder.ffmpegName() + " is not available in this FFmpeg build ("
        + ffmpeg.version() + "); this node has: " + String.join(", ", ffmpeg.encoders()), false));
    }
    return source(spec).compose(source -> {
      result.put("source", new JsonObject().put("description", source.description())
        .put("resolution", source.resolution().toString()).put("fps", source.fps()).put("duration_s", source.durationS()));
      return encodeAndMeasure(lease, spec, source, result, idleBaseline, progress);
    }, err -> Future.succeededFuture(failed(result, err.getMessage(), false)));
  }

  /** The source to encode: known from the spec when synthetic; a file is resolved in a media root and probed. */
  private Future<SourceInfo> source(JobSpec spec) {
    if (!spec.input().isFile()) {
      return Future.succeededFuture(SourceInfo.synthetic(spec.input()));
    }
    return vertx.executeBlocking(() -> {
      Path file = MediaRoots.resolve(config.mediaRoots(), spec.input().path());
      try {
        return SourceInfo.file(ffmpeg.binary(), file, spec.input().durationS());
      } catch (IOException e) {
        throw new MediaRoots.RejectedException("input.path: " + e.getMessage());
      }
    }, false);
  }

  private Future<Outcome> encodeAndMeasure(JobLease lease, JobSpec spec, SourceInfo source, JsonObject result,
                                           JsonObject idleBaseline, Consumer<JsonObject> progress) {
    Path workDir = config.workDir().resolve(lease.jobId().toString());
    Path encoded = workDir.resolve("encoded.mkv");
    List<String> cmd = FfmpegCommand.encode(ffmpeg.binary(), spec, source, encoded);
    result.put("command", new JsonArray(cmd));

    long[] lastFrame = {0};
    Progress[] last = {null};
    long frameTarget = Math.round(source.durationS() * spec.video().fps());
    ProgressParser parser = new ProgressParser(p -> {
      last[0] = p;
      if (p.frame() != null) {
        lastFrame[0] = p.frame();
      }
      progress.accept(progressJson(lease, p, frameTarget));
    });

    return settle(spec, idleBaseline, result).compose(v -> vertx.executeBlocking(() -> {
      Files.createDirectories(workDir);
      cpuAtStart = ProcStat.read(config.power().procRoot());
      return meter.start();
    })).compose(measurement -> {
      window = windows.open();
      long startNs = System.nanoTime();
      this.measurement = measurement;
      return ChildProcess.start(vertx, cmd, workDir, line -> {
        activity.incrementAndGet();
        parser.accept(line);
      })
        .compose(child -> {
          current = child;
          // NVML's per-process GPU utilisation is looked up by this pid (setsid execs FFmpeg in place).
          measurement.trackProcess(child.pid());
          if (cancelReason != null) {
            child.kill(cancelReason, KILL_GRACE_MS);
          }
          long timer = vertx.setTimer(spec.timeoutS() * 1000L,
            t -> child.kill("time limit of " + spec.timeoutS() + " s exceeded", KILL_GRACE_MS));
          return child.exit().eventually(() -> {
            vertx.cancelTimer(timer);
            return Future.succeededFuture();
          }).map(code -> new Encode(child, code, (System.nanoTime() - startNs) / 1_000_000));
        })
        .eventually(() -> vertx.executeBlocking(() -> {
          this.energy = measurement.stop().toJson();
          cpuAtEnd = ProcStat.read(config.power().procRoot());
          return null;
        }))
        .onComplete(ar -> {
          current = null;
          windows.close(window);
        });
    }).compose(enc -> finishEncode(lease, spec, source, result, enc, last[0], lastFrame[0], idleBaseline, workDir, encoded))
      .recover(err -> Future.succeededFuture(failed(result, "could not run FFmpeg: " + err.getMessage(), true)))
      .compose(outcome -> cleanUp(workDir).map(outcome));
  }

  private record Encode(ChildProcess child, int exitCode, long wallMs) {
  }

  /**
   * Waits, one-second reading at a time, until the node's power is within the spec's margin of the idle baseline or
   * the spec's limit has passed; records what happened. The job runs either way.
   */
  private Future<Void> settle(JobSpec spec, JsonObject idleBaseline, JsonObject result) {
    double maxS = spec.measure().settleMaxS();
    if (maxS <= 0) {
      return Future.succeededFuture();
    }
    if (idleBaseline == null || idleBaseline.getDouble("avg_watts") == null) {
      result.put("settle", new JsonObject().put("settled", false).put("reason", "no idle baseline measured on this node"));
      return Future.succeededFuture();
    }
    double limitW = idleBaseline.getDouble("avg_watts") * (1 + spec.measure().settleWithin());
    long startNs = System.nanoTime();
    return vertx.executeBlocking(() -> {
      double watts;
      do {
        watts = meter.measureIdle(Duration.ofMillis(Math.max(1000, meter.config().pollIntervalMs()))).avgWatts();
        activity.incrementAndGet();
      } while (watts > limitW && (System.nanoTime() - startNs) / 1e9 < maxS && cancelReason == null);
      return watts;
    }, false).map(watts -> {
      result.put("settle", new JsonObject()
        .put("settled", watts <= limitW)
        .put("waited_s", round((System.nanoTime() - startNs) / 1e9, 2))
        .put("last_watts", round(watts, 3))
        .put("limit_watts", round(limitW, 3)));
      return null;
    });
  }

  private Future<Outcome> finishEncode(JobLease lease, JobSpec spec, SourceInfo source, JsonObject result, Encode enc,
                                       Progress last, long frames, JsonObject idleBaseline, Path workDir, Path encoded) {
    ChildProcess child = enc.child();
    result.put("exit_code", enc.exitCode())
      .put("wall_s", enc.wallMs() / 1000.0)
      .put("stderr_tail", child.stderrTail());
    cpuFromBench(child.stderrLines(), result);
    if (child.killReason() != null || cancelReason != null) {
      boolean canceled = cancelReason != null;
      String why = canceled ? "canceled: " + cancelReason : child.killReason();
      return Future.succeededFuture(canceled ? new Outcome("canceled", result, why, false) : failed(result, why, true));
    }
    if (enc.exitCode() != 0) {
      return Future.succeededFuture(failed(result, "FFmpeg exited with " + enc.exitCode() + ": " + lastLine(child.stderrTail()),
        false));
    }
    if (energy == null) {
      return Future.succeededFuture(failed(result, "the energy window could not be closed (see the worker log); "
        + "no figure is reported rather than a wrong one", true));
    }
    double durationS = last != null && last.outTimeUs() != null ? last.outTimeUs() / 1e6 : source.durationS();
    // out_time is the last frame's timestamp; the content lasts one frame longer than that.
    durationS = Math.max(durationS, frames / spec.video().fps());
    double wallS = enc.wallMs() / 1000.0;
    long bytes;
    try {
      bytes = Files.size(encoded);
    } catch (IOException e) {
      return Future.succeededFuture(failed(result, "FFmpeg wrote no output: " + e.getMessage(), false));
    }
    result.put("frames", frames)
      .put("duration_s", round(durationS, 3))
      .put("speed", round(durationS / wallS, 3))
      .put("fps", round(frames / wallS, 2))
      .put("bytes", bytes)
      .put("bitrate_kbps", round(bytes * 8 / durationS / 1000, 1))
      .put("dropped_frames", last == null ? null : last.dropFrames())
      .put("duplicated_frames", last == null ? null : last.dupFrames())
      .put("energy", EnergyFigures.of(attributed(result), frames, durationS, idleBaseline));
    return qualityPass(spec, source, workDir, encoded, result).compose(v -> keepOutput(lease, spec, encoded, result))
      .map(v -> new Outcome("succeeded", result, null, false));
  }

  private JsonObject attributed(JsonObject result) {
    return EnergyWindows.attribute(energy, window != null && window.shared(), result.getDouble("cpu_seconds"),
      EnergyFigures.nodeBusyCpuS(cpuAtStart, cpuAtEnd), config.slots());
  }

  private Future<Void> qualityPass(JobSpec spec, SourceInfo source, Path workDir, Path encoded, JsonObject result) {
    List<JobSpec.QualityMetric> wanted = spec.measure().quality();
    if (wanted.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonObject quality = new JsonObject();
    List<JobSpec.QualityMetric> metrics = wanted;
    if (wanted.contains(JobSpec.QualityMetric.VMAF) && !ffmpeg.libvmaf()) {
      // Said plainly rather than left out: the job still gets PSNR/SSIM.
      quality.put("vmaf", new JsonObject().put("available", false).put("reason", "this FFmpeg has no libvmaf filter "
        + "(FFmpeg must be built with --enable-libvmaf; Debian's build is not); PSNR and SSIM are still computed"));
      metrics = wanted.stream().filter(m -> m != JobSpec.QualityMetric.VMAF).toList();
      if (metrics.isEmpty()) {
        result.put("quality", quality);
        return Future.succeededFuture();
      }
    }
    List<JobSpec.QualityMetric> scored = metrics;
    int vmafThreads = Runtime.getRuntime().availableProcessors();
    List<String> cmd = FfmpegCommand.quality(ffmpeg.binary(), source, encoded, scored, vmafThreads);
    long startNs = System.nanoTime();
    return vertx.executeBlocking(meter::start).compose(m -> ChildProcess.start(vertx, cmd, workDir, line -> activity.incrementAndGet())
      .compose(child -> {
        current = child;
        return child.exit().map(code -> {
          current = null;
          return code == 0 ? null : "quality pass failed (exit " + code + "): " + lastLine(child.stderrTail());
        });
      })
      .compose(problem -> vertx.executeBlocking(() -> {
        JsonObject passEnergy = m.stop().toJson();
        if (problem != null) {
          quality.put("error", problem);
        } else {
          for (JobSpec.QualityMetric metric : scored) {
            String name = metric.name().toLowerCase(Locale.ROOT);
            quality.put(name, switch (metric) {
              case PSNR -> QualityScores.psnr(workDir.resolve("psnr.log"));
              case SSIM -> QualityScores.ssim(workDir.resolve("ssim.log"));
              case VMAF -> QualityScores.vmaf(workDir.resolve("vmaf.json"), FfmpegCommand.VMAF_MODEL, vmafThreads);
            });
          }
        }
        quality.put("reference", source.description())
          .put("pass", new JsonObject()
            .put("wall_s", round((System.nanoTime() - startNs) / 1e9, 3))
            .put("energy_joules", passEnergy.getDouble("total_joules"))
            .put("provenance", passEnergy.getString("provenance"))
            .put("note", "measured outside the job's energy window; not included in its J/frame"));
        result.put("quality", quality);
        return null;
      })));
  }

  private Future<Void> keepOutput(JobLease lease, JobSpec spec, Path encoded, JsonObject result) {
    if (!spec.output().keep()) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      Files.createDirectories(config.outputDir());
      Path target = config.outputDir().resolve(lease.jobId() + ".mkv");
      Files.move(encoded, target, StandardCopyOption.REPLACE_EXISTING);
      result.put("output_file", target.toString());
      return null;
    });
  }

  private Future<Void> cleanUp(Path workDir) {
    return vertx.executeBlocking(() -> {
      if (Files.exists(workDir)) {
        try (Stream<Path> files = Files.walk(workDir)) {
          for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
      return null;
    });
  }

  private JsonObject base(JobLease lease, JobSpec spec) {
    JsonObject r = new JsonObject()
      .put("job_id", lease.jobId().toString())
      .put("campaign_id", lease.campaignId() == null ? null : lease.campaignId().toString())
      .put("config_key", lease.configKey())
      .put("repetition", lease.repetition())
      .put("attempt", lease.attempt())
      .put("node_id", config.nodeId())
      .put("ffmpeg_version", ffmpeg.version())
      .put("node", node);
    if (spec != null) {
      r.put("config", spec.configJson()).put("spec", spec.toJson());
    }
    return r;
  }

  private static Outcome failed(JsonObject result, String reason, boolean retryable) {
    result.put("error", reason);
    return new Outcome("failed", result, reason, retryable);
  }

  private JsonObject progressJson(JobLease lease, Progress p, long frameTarget) {
    Measurement m = measurement;
    Double watts = m == null ? null : m.currentWatts();
    return p.toJson()
      .put("job_id", lease.jobId().toString())
      .put("campaign_id", lease.campaignId() == null ? null : lease.campaignId().toString())
      .put("config_key", lease.configKey())
      .put("frames_total", frameTarget)
      .put("watts", watts)
      .put("energy_provenance", meter.provenance());
  }

  static void cpuFromBench(List<String> stderr, JsonObject result) {
    for (String line : stderr) {
      Matcher t = BENCH_TIME.matcher(line);
      if (t.find()) {
        result.put("cpu_seconds", round(Double.parseDouble(t.group(1)) + Double.parseDouble(t.group(2)), 3));
      }
      Matcher r = BENCH_RSS.matcher(line);
      if (r.find()) {
        result.put("max_rss_kb", Long.parseLong(r.group(1)));
      }
    }
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines.length == 0 ? "" : lines[lines.length - 1];
  }
}

package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.ffrtmp.job.Encoder;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobSpec.QualityMetric;
import io.ffrtmp.job.JobSpec.RateControl;
import io.ffrtmp.job.JobSpec.Target;
import io.ffrtmp.quality.QualityScores;
import io.ffrtmp.worker.engine.ChildProcess;
import io.ffrtmp.worker.engine.FfmpegCommand;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.ffrtmp.worker.engine.Scorer;
import io.ffrtmp.worker.engine.SourceInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ObjIntConsumer;

/**
 * A quality target's search, before the measured encode and outside any energy window: probe
 * encodes of the job (or of its first {@code sample_s} seconds), each scored with the target's
 * metric, the next value from {@link TargetSearch}, until it stops. On success the job's spec
 * becomes the one at the chosen CRF or bitrate; the probes, their wall and CPU time go into the
 * result's {@code target_search}. A target the encoder's range cannot reach ends the job, not
 * retryably, with the probes recorded. {@link #verify} compares the final encode's own score with
 * the target once the quality pass has run.
 */
final class SearchPass {

  /** The bitrates a cbr/vbr search may choose: those a spec accepts. */
  static final int MIN_KBPS = 32;

  static final int MAX_KBPS = 500_000;

  static final String UNREACHABLE = "target_unreachable";

  /** The model named in a probe's VMAF record; the final quality pass records the scorer's own. */
  private static final String VMAF_MODEL_NAME = FfmpegCommand.VMAF_MODEL;

  private final Vertx vertx;
  private final FfmpegInfo ffmpeg;

  /** Scores VMAF probes (the node's own FFmpeg, or {@code --quality-ffmpeg}); PSNR/SSIM: ffmpeg. */
  private final Scorer scorer;

  /** The worker's earlier probes, which place a later search's first probe. */
  private final SearchMemory memory;

  SearchPass(Vertx vertx, FfmpegInfo ffmpeg, Scorer scorer, SearchMemory memory) {
    this.vertx = vertx;
    this.ffmpeg = ffmpeg;
    this.scorer = scorer;
    this.memory = memory;
  }

  /** A probe's FFmpeg that did not finish: killed (retryable) or exited with an error (not). */
  static final class ProbeFailed extends RuntimeException {
    private final boolean retryable;

    ProbeFailed(String message, boolean retryable) {
      super(message);
      this.retryable = retryable;
    }

    boolean retryable() {
      return retryable;
    }
  }

  /** One probe: its score and what it cost. */
  private record Scored(double score, double wallS, double cpuS) {}

  /** How the search is going: the probes so far and their cost. */
  private static final class Account {
    final JsonArray probes = new JsonArray();
    final long startNs = System.nanoTime();
    double cpuS;
  }

  /**
   * Runs the search of a job with a target; completes empty when the job goes on (at the chosen
   * value), with the outcome when the search ended it. A job without a target passes through.
   */
  Future<Optional<JobRunner.Outcome>> run(JobContext job) {
    JobSpec spec = job.spec();
    Target target = spec.video().target();
    if (target == null) {
      return Future.succeededFuture(Optional.empty());
    }
    if (target.metric() == QualityMetric.VMAF && !scorer.vmaf().works()) {
      return Future.succeededFuture(
          Optional.of(
              job.failed(
                  "video.target: a vmaf target needs a scorer that can compute VMAF ("
                      + scorer.vmaf().reason()
                      + "); accepted here: psnr or ssim, or --quality-ffmpeg PATH with libvmaf",
                  false)));
    }
    boolean crf = spec.video().rateControl() == RateControl.CRF;
    Encoder encoder = spec.video().encoder();
    TargetSearch search =
        crf
            ? TargetSearch.crf(
                encoder.crfMin(),
                encoder.crfMax(),
                encoder.defaultCrf(),
                target.metric(),
                target.value(),
                target.tolerance(),
                TargetSearch.Strategy.INTERPOLATE)
            : TargetSearch.bitrate(
                MIN_KBPS,
                MAX_KBPS,
                startKbps(spec.video()),
                target.metric(),
                target.value(),
                target.tolerance(),
                TargetSearch.Strategy.INTERPOLATE);
    SourceInfo full = job.source();
    boolean sampled = target.sampleS() != null && target.sampleS() < full.durationS();
    SourceInfo probeSource = sampled ? sample(spec, full, target.sampleS()) : full;
    JobSpec probeSpec = sampled ? spec.sampled(target.sampleS()) : spec;
    String curve = SearchMemory.curve(probeSpec, target.metric(), probeSource.description());
    String family = SearchMemory.family(probeSpec, target.metric(), probeSource.description());
    SearchMemory.Hints hints = memory.hints(curve, family);
    search.hinted(
        hints.probes(),
        hints.source() == SearchMemory.Source.SAME_CURVE
            ? "earlier probes of this curve on this worker"
            : "earlier probes of another preset on this input on this worker");
    JsonObject report =
        target
            .toJson()
            .put("target", target.value())
            .put("parameter", Target.parameter(spec.video().rateControl()))
            .put(
                "range",
                crf
                    ? new JsonArray().add(encoder.crfMin()).add(encoder.crfMax())
                    : new JsonArray().add(MIN_KBPS).add(MAX_KBPS))
            .put("sampled", sampled)
            .put("algorithm", TargetSearch.ALGORITHM)
            .put("stopping_rule", TargetSearch.STOPPING_RULE)
            .put("first_probe", search.start())
            .put("hints", hints.probes().size());
    report.remove("value");
    job.result().put("target_search", report);
    Account account = new Account();
    return vertx
        .executeBlocking(() -> Files.createDirectories(job.workDir()))
        .compose(
            dir ->
                probeUntilDone(
                    job,
                    search,
                    probeSpec,
                    probeSource,
                    sampled,
                    account,
                    (score, value) -> memory.remember(curve, family, value, score)))
        .map(
            outcome -> {
              report
                  .put("probes", account.probes)
                  .put("probe_count", account.probes.size())
                  .put("search_wall_s", round((System.nanoTime() - account.startNs) / 1e9, 3))
                  .put("search_cpu_seconds", round(account.cpuS, 3))
                  .put(
                      "note",
                      "probe encodes run before the measured encode, outside its energy window;"
                          + " their time is the search's cost, not part of the J/frame");
              if (outcome == null) {
                return Optional.of(job.canceled("canceled: " + job.cancelReason()));
              }
              report
                  .put("stop", outcome.stop().name().toLowerCase(java.util.Locale.ROOT))
                  .put("chosen", outcome.chosen())
                  .put("chosen_score", outcome.chosenScore())
                  .put("reached", outcome.reached());
              if (!outcome.reached()) {
                job.result().put("error_code", UNREACHABLE);
                return Optional.of(job.failed(unreachable(target, report, outcome), false));
              }
              job.searched(spec.searched(outcome.chosen()), target);
              return Optional.<JobRunner.Outcome>empty();
            });
  }

  /**
   * After the quality pass: the final encode's own score against the target; a miss is said, and
   * more plainly when the search ran on a sample.
   */
  static void verify(JobContext job) {
    Target target = job.target();
    JsonObject report = job.result().getJsonObject("target_search");
    if (target == null || report == null) {
      return;
    }
    JsonObject q = job.result().getJsonObject("quality", new JsonObject());
    Double score = q.getJsonObject(target.metricId(), new JsonObject()).getDouble("mean");
    report.put("final_score", score);
    if (score == null) {
      report
          .put("reached", (Object) null)
          .put("verdict", "the final encode has no " + target.metricId() + " score to verify");
      return;
    }
    boolean reached = score >= target.value() - target.tolerance();
    report.put("reached", reached);
    String value = report.getValue("chosen") + "";
    String at = report.getString("parameter").equals("crf") ? "crf " + value : value + " kbit/s";
    report.put(
        "verdict",
        reached
            ? "the final encode at "
                + at
                + " scores "
                + fmt(score)
                + ", within "
                + fmt(target.tolerance())
                + " of the target "
                + fmt(target.value())
                + " or above it"
            : (report.getBoolean("sampled", false)
                    ? "the search's sample reached the target, but the full encode at "
                    : "the final encode at ")
                + at
                + " scores "
                + fmt(score)
                + ": it misses the target "
                + fmt(target.value())
                + " by more than the tolerance "
                + fmt(target.tolerance()));
  }

  /** Probes until the search stops; completes with null when the job was canceled. */
  private Future<TargetSearch.Outcome> probeUntilDone(
      JobContext job,
      TargetSearch search,
      JobSpec probeSpec,
      SourceInfo source,
      boolean sampled,
      Account account,
      ObjIntConsumer<Double> remember) {
    Integer value = search.next();
    if (value == null) {
      return Future.succeededFuture(search.outcome());
    }
    if (job.canceled()) {
      return Future.succeededFuture(null);
    }
    return probe(job, probeSpec.searched(value), source, value)
        .compose(
            scored -> {
              if (scored == null) {
                return Future.succeededFuture(null);
              }
              search.record(value, scored.score());
              remember.accept(scored.score(), value);
              account.cpuS += scored.cpuS();
              account.probes.add(
                  new JsonObject()
                      .put("value", value)
                      .put("score", round(scored.score(), 4))
                      .put("sample", sampled)
                      .put("wall_s", round(scored.wallS(), 3))
                      .put("cpu_seconds", round(scored.cpuS(), 3)));
              return probeUntilDone(job, search, probeSpec, source, sampled, account, remember);
            });
  }

  /** One probe: the encode at {@code value}, then its score; null when canceled on the way. */
  private Future<Scored> probe(JobContext job, JobSpec at, SourceInfo source, int value) {
    Path file = job.workDir().resolve("probe.mkv");
    QualityMetric metric = job.spec().video().target().metric();
    int threads = Runtime.getRuntime().availableProcessors();
    List<String> encode = FfmpegCommand.encode(ffmpeg.binary(), at, source, file);
    // VMAF goes to the scorer (a lavfi source it draws itself may differ from the encoder's by a
    // few hundredths of a dB in PSNR, nothing to a VMAF probe; the final score is the quality
    // pass's, on the exact reference).
    List<String> score =
        new ArrayList<>(
            metric == QualityMetric.VMAF
                ? FfmpegCommand.quality(
                    scorer.binary(),
                    source,
                    file,
                    List.of(metric),
                    threads,
                    scorer.vmafModelOptions())
                : FfmpegCommand.quality(ffmpeg.binary(), source, file, List.of(metric), threads));
    score.add(1, "-benchmark"); // its CPU time, as the encode's -benchmark gives
    long startNs = System.nanoTime();
    String what = "the probe encode at " + label(at, value);
    return child(job, encode, what)
        .compose(
            encodeCpu ->
                encodeCpu == null
                    ? Future.succeededFuture((Scored) null)
                    : child(job, score, "scoring " + what)
                        .compose(
                            scoreCpu ->
                                scoreCpu == null
                                    ? Future.succeededFuture((Scored) null)
                                    : vertx.executeBlocking(
                                        () ->
                                            new Scored(
                                                read(job.workDir(), metric, threads),
                                                (System.nanoTime() - startNs) / 1e9,
                                                encodeCpu + scoreCpu),
                                        false)));
  }

  /**
   * Runs one FFmpeg of the search under the spec's time limit; completes with its CPU seconds, null
   * when the job was canceled, and fails when it exits non-zero.
   */
  private Future<Double> child(JobContext job, List<String> cmd, String what) {
    return ChildProcess.start(vertx, cmd, job.workDir(), line -> job.active())
        .compose(
            child -> {
              job.running(child);
              if (job.canceled()) {
                child.kill(job.cancelReason(), JobContext.KILL_GRACE_MS);
              }
              int limitS = job.spec().timeoutS();
              long timer =
                  vertx.setTimer(
                      limitS * 1000L,
                      t ->
                          child.kill(
                              "time limit of " + limitS + " s exceeded", JobContext.KILL_GRACE_MS));
              return child
                  .exit()
                  .andThen(ar -> vertx.cancelTimer(timer))
                  .compose(
                      code -> {
                        job.running(null);
                        if (job.canceled()) {
                          return Future.succeededFuture(null);
                        }
                        if (child.killReason() != null) {
                          return Future.failedFuture(
                              new ProbeFailed(what + ": " + child.killReason(), true));
                        }
                        if (code != 0) {
                          return Future.failedFuture(
                              new ProbeFailed(
                                  what + " failed (exit " + code + "): " + child.stderrLastLine(),
                                  false));
                        }
                        Double cpu =
                            EncodePass.cpuFromBench(child.stderrLines()).getDouble("cpu_seconds");
                        return Future.succeededFuture(cpu == null ? 0.0 : cpu);
                      });
            });
  }

  /** The probe's mean score, read from the stats file its scoring run wrote. Blocking. */
  private static double read(Path workDir, QualityMetric metric, int threads) throws Exception {
    JsonObject s =
        switch (metric) {
          case PSNR -> QualityScores.psnr(workDir.resolve("psnr.log"));
          case SSIM -> QualityScores.ssim(workDir.resolve("ssim.log"));
          case VMAF -> QualityScores.vmaf(workDir.resolve("vmaf.json"), VMAF_MODEL_NAME, threads);
        };
    return s.getDouble("mean");
  }

  /** The first {@code seconds} of the source: the same frames, fewer of them. */
  private static SourceInfo sample(JobSpec spec, SourceInfo full, double seconds) {
    if (!spec.input().isFile()) {
      return SourceInfo.synthetic(spec.sampled(seconds).input());
    }
    return new SourceInfo(
        List.of("-t", fmt(seconds), "-i", full.file().toString()),
        full.resolution(),
        full.fps(),
        seconds,
        full.description() + ", its first " + fmt(seconds) + " s",
        full.file());
  }

  /** A first bitrate to probe: 0.1 bit per pixel per frame, within the accepted range. */
  static int startKbps(JobSpec.Video v) {
    double kbps = 0.1 * v.resolution().width() * v.resolution().height() * v.fps() / 1000;
    return (int) Math.max(MIN_KBPS, Math.min(MAX_KBPS, Math.round(kbps)));
  }

  private static String unreachable(
      Target target, JsonObject report, TargetSearch.Outcome outcome) {
    TargetSearch.Probe best = outcome.best();
    String unit = target.metric() == QualityMetric.PSNR ? " dB" : "";
    String at =
        report.getString("parameter").equals("crf")
            ? "crf " + best.value()
            : best.value() + " kbit/s";
    String why =
        outcome.stop() == TargetSearch.Stop.PROBE_LIMIT
            ? " (the search stopped after " + TargetSearch.MAX_PROBES + " probes)"
            : " (the best end of the encoder's range)";
    return "cannot reach "
        + target.metricId()
        + " "
        + fmt(target.value())
        + unit
        + ": best is "
        + fmt(round(best.score(), 2))
        + unit
        + " at "
        + at
        + why;
  }

  private static String label(JobSpec at, int value) {
    return at.video().rateControl() == RateControl.CRF ? "crf " + value : value + " kbit/s";
  }

  private static String fmt(double v) {
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}

package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.quality.QualityScores;
import io.ffrtmp.worker.engine.ChildProcess;
import io.ffrtmp.worker.engine.FfmpegCommand;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.ffrtmp.worker.engine.GstCommand;
import io.ffrtmp.worker.engine.GstInfo;
import io.ffrtmp.worker.engine.Scorer;
import io.ffrtmp.worker.engine.SourceInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The quality pass after the encode: the metrics the spec asks for, scored against the source,
 * outside the job's energy window; its own cost is measured and recorded beside the scores. A
 * failed pass is recorded as the quality's error and the job still succeeds.
 */
final class QualityPass {

  private final Vertx vertx;
  private final String encodingFfmpeg;
  private final Scorer scorer;
  private final GstInfo gst;
  private final EnergyMeter meter;

  QualityPass(Vertx vertx, FfmpegInfo ffmpeg, GstInfo gst, EnergyMeter meter) {
    this(vertx, ffmpeg, Scorer.same(ffmpeg), gst, meter);
  }

  /** {@code scorer}: the FFmpeg that scores (the node's own, or {@code --quality-ffmpeg}). */
  QualityPass(Vertx vertx, FfmpegInfo ffmpeg, Scorer scorer, GstInfo gst, EnergyMeter meter) {
    this.vertx = vertx;
    this.encodingFfmpeg = ffmpeg.binary();
    this.scorer = scorer;
    this.gst = gst;
    this.meter = meter;
  }

  Future<Void> run(JobContext job) {
    List<JobSpec.QualityMetric> wanted = job.spec().measure().quality();
    if (wanted.isEmpty()) {
      return Future.succeededFuture();
    }
    JsonObject quality = new JsonObject().put("scorer", scorer.toJson());
    List<JobSpec.QualityMetric> metrics = wanted;
    if (wanted.contains(JobSpec.QualityMetric.VMAF) && !scorer.vmaf().works()) {
      // Said plainly rather than left out, and never a 0: the job still gets PSNR/SSIM.
      quality.put(
          "vmaf",
          new JsonObject()
              .put("available", false)
              .put("reason", scorer.vmaf().reason())
              .put("scorer_version", scorer.ffmpeg().version()));
      metrics = wanted.stream().filter(m -> m != JobSpec.QualityMetric.VMAF).toList();
      if (metrics.isEmpty()) {
        job.result().put("quality", quality);
        return Future.succeededFuture();
      }
    }
    return score(job, metrics, quality);
  }

  /**
   * One energy window around every scoring run of the job: the GStreamer reference (if any), then
   * one FFmpeg pass per encoded file (the job's, or each rendition's in order: a ladder's rungs are
   * each scaled up to the source's size and scored against it). Each pass's scores are read before
   * the next overwrites its files.
   */
  private Future<Void> score(
      JobContext job, List<JobSpec.QualityMetric> scored, JsonObject quality) {
    int vmafThreads = Runtime.getRuntime().availableProcessors();
    // A pre-rendered pattern is its own reference, whichever engine read it.
    boolean gstReference =
        job.gstreamer() && !job.spec().input().isFile() && job.source().file() == null;
    // A separate scorer would draw a lavfi pattern itself, and builds differ in their pixels
    // (testsrc2 of FFmpeg 4.1 and 5.1 are not the same frames): the encoding FFmpeg renders the
    // reference once more, losslessly, and the scorer reads that.
    boolean encoderReference =
        !gstReference
            && scorer.separate()
            && job.spec().input().isPattern()
            && job.source().file() == null
            && job.source().url() == null;
    SourceInfo reference =
        gstReference ? gstReference(job) : encoderReference ? encoderReference(job) : job.source();
    List<Path> encoded =
        job.spec().isLadder()
            ? job.spec().renditions().stream().map(r -> job.encoded(r.name())).toList()
            : List.of(job.encoded());
    List<JsonObject> perFile = new ArrayList<>();
    for (int i = 0; i < encoded.size(); i++) {
      perFile.add(quality.copy());
    }
    long startNs = System.nanoTime();
    return vertx
        .executeBlocking(meter::start)
        .compose(
            m ->
                (gstReference
                        ? pass(
                                job,
                                GstCommand.reference(
                                    gst.launch(), job.spec().input(), referenceFile(job)))
                            .map(
                                problem ->
                                    problem == null
                                        ? null
                                        : "the GStreamer reference could not be rendered: "
                                            + problem)
                        : encoderReference
                            ? pass(job, encoderReferenceCommand(job))
                                .map(
                                    problem ->
                                        problem == null
                                            ? null
                                            : "the reference could not be rendered for the"
                                                + " separate scorer: "
                                                + problem)
                            : Future.<String>succeededFuture(null))
                    .compose(
                        problem ->
                            problem != null
                                ? Future.succeededFuture(problem)
                                : scoreEach(
                                    job, reference, encoded, scored, vmafThreads, perFile, 0))
                    // A pass that could not start still closes its window; the meter would
                    // otherwise poll it until the worker stops.
                    .recover(
                        err ->
                            vertx
                                .executeBlocking(m::stop)
                                .transform(stopped -> Future.<String>failedFuture(err)))
                    .compose(
                        problem ->
                            vertx.executeBlocking(
                                () -> {
                                  JsonObject passEnergy = m.stop().toJson();
                                  JsonObject pass =
                                      new JsonObject()
                                          .put(
                                              "wall_s",
                                              round((System.nanoTime() - startNs) / 1e9, 3))
                                          .put(
                                              "energy_joules", passEnergy.getDouble("total_joules"))
                                          .put("provenance", passEnergy.getString("provenance"))
                                          .put(
                                              "note",
                                              "measured outside the job's energy window; not"
                                                  + " included in its J/frame");
                                  if (!job.spec().isLadder()) {
                                    JsonObject q = perFile.get(0);
                                    if (problem != null) {
                                      q.put("error", problem);
                                    }
                                    q.put("reference", reference.description()).put("pass", pass);
                                    job.result().put("quality", q);
                                    return null;
                                  }
                                  JsonArray rungs = job.result().getJsonArray("renditions");
                                  for (int i = 0; i < perFile.size(); i++) {
                                    JsonObject q = perFile.get(i);
                                    if (problem != null
                                        && !q.containsKey("psnr")
                                        && !q.containsKey("ssim")) {
                                      q.put("error", problem);
                                    }
                                    if (rungs != null && i < rungs.size()) {
                                      rungs.getJsonObject(i).put("quality", q);
                                    }
                                  }
                                  JsonObject summary =
                                      new JsonObject()
                                          .put("per_rendition", true)
                                          .put(
                                              "note",
                                              "each rendition is scaled up to the source's size"
                                                  + " and scored against it: see"
                                                  + " renditions[].quality")
                                          .put("reference", reference.description())
                                          .put("pass", pass);
                                  if (problem != null) {
                                    summary.put("error", problem);
                                  }
                                  job.result().put("quality", summary);
                                  return null;
                                })));
  }

  /** The passes from file {@code i} on, one after another; completes with the first problem. */
  private Future<String> scoreEach(
      JobContext job,
      SourceInfo reference,
      List<Path> encoded,
      List<JobSpec.QualityMetric> scored,
      int vmafThreads,
      List<JsonObject> perFile,
      int i) {
    if (i == encoded.size()) {
      return Future.succeededFuture(null);
    }
    List<String> cmd =
        FfmpegCommand.quality(
            scorer.binary(),
            reference,
            encoded.get(i),
            scored,
            vmafThreads,
            scorer.vmafModelOptions());
    return pass(job, cmd)
        .compose(
            problem ->
                problem != null
                    ? Future.succeededFuture(problem)
                    : vertx
                        .executeBlocking(
                            () -> {
                              scores(
                                  job.workDir(),
                                  scored,
                                  vmafThreads,
                                  scorer.vmafModelName(),
                                  perFile.get(i));
                              return (Void) null;
                            },
                            false)
                        .compose(
                            v ->
                                scoreEach(
                                    job, reference, encoded, scored, vmafThreads, perFile, i + 1)));
  }

  private static Path referenceFile(JobContext job) {
    return job.workDir().resolve("reference.mkv");
  }

  /** The job's lavfi frames as the encoding FFmpeg draws them, raw in Matroska. */
  private List<String> encoderReferenceCommand(JobContext job) {
    List<String> cmd =
        new ArrayList<>(
            List.of(encodingFfmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "error"));
    cmd.addAll(job.source().inputArgs());
    cmd.addAll(
        List.of(
            "-pix_fmt",
            "yuv420p",
            "-c:v",
            "rawvideo",
            "-an",
            "-y",
            "-f",
            "matroska",
            referenceFile(job).toString()));
    return cmd;
  }

  /** What {@link #encoderReferenceCommand} wrote, as the scorer's reference. */
  private static SourceInfo encoderReference(JobContext job) {
    SourceInfo s = job.source();
    return new SourceInfo(
        List.of("-i", referenceFile(job).toString()),
        s.resolution(),
        s.fps(),
        s.durationS(),
        s.description() + ", rendered losslessly by the encoding FFmpeg for the separate scorer");
  }

  /** GStreamer's synthetic frames as the quality pass reads them back (FFV1, lossless). */
  private static SourceInfo gstReference(JobContext job) {
    JobSpec.Input in = job.spec().input();
    return new SourceInfo(
        List.of("-i", referenceFile(job).toString()),
        in.resolution(),
        in.fps(),
        in.durationS(),
        "the same synthetic frames as GStreamer made them (videotestsrc pattern "
            + GstCommand.PATTERNS.get(in.pattern())
            + " standing in for "
            + in.pattern()
            + ", rendered again losslessly)");
  }

  /** Runs the scoring FFmpeg; completes with what went wrong, or null when it exited 0. */
  private Future<String> pass(JobContext job, List<String> cmd) {
    return ChildProcess.start(vertx, cmd, job.workDir(), line -> job.active())
        .compose(
            child -> {
              job.running(child);
              return child
                  .exit()
                  .map(
                      code -> {
                        job.running(null);
                        return code == 0
                            ? null
                            : "quality pass failed (exit " + code + "): " + child.stderrLastLine();
                      });
            });
  }

  /** Reads the scores FFmpeg's filters wrote into the work directory. Blocking. */
  private static void scores(
      Path workDir,
      List<JobSpec.QualityMetric> scored,
      int vmafThreads,
      String vmafModel,
      JsonObject quality)
      throws IOException {
    for (JobSpec.QualityMetric metric : scored) {
      String name = metric.name().toLowerCase(Locale.ROOT);
      quality.put(
          name,
          switch (metric) {
            case PSNR -> QualityScores.psnr(workDir.resolve("psnr.log"));
            case SSIM -> QualityScores.ssim(workDir.resolve("ssim.log"));
            case VMAF -> QualityScores.vmaf(workDir.resolve("vmaf.json"), vmafModel, vmafThreads);
          });
    }
  }
}

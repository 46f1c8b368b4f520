package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.worker.engine.Progress;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What an encode puts into the result: the process's own account always; then, when the encode
 * counts (it ended on its own, exited 0 and its energy window closed), the output's size and rates
 * and the job's energy figures. The output's size is read on a worker thread.
 */
final class EncodeReport {

  private final Vertx vertx;
  private final int workerSlots;

  EncodeReport(Vertx vertx, int workerSlots) {
    this.vertx = vertx;
    this.workerSlots = workerSlots;
  }

  /**
   * Completes with how the job ended when the encode does not count; empty when it does and the job
   * goes on.
   */
  Future<Optional<JobRunner.Outcome>> record(JobContext job, EncodePass.Encoded enc) {
    job.result()
        .put("exit_code", enc.exitCode())
        .put("wall_s", enc.wallMs() / 1000.0)
        .put("stderr_tail", enc.child().stderrTail())
        .mergeIn(enc.rusage());
    JobRunner.Outcome refused = refusal(job, enc);
    if (refused != null) {
      return Future.succeededFuture(Optional.of(refused));
    }
    if (job.spec().isLadder()) {
      return ladder(job, enc);
    }
    if (job.spec().output().isStream()) {
      // A stream leaves no file: its size is what FFmpeg says it sent.
      Progress last = enc.last();
      long sent = last == null || last.totalSizeBytes() == null ? 0 : last.totalSizeBytes();
      figures(job, enc, sent);
      return Future.succeededFuture(Optional.empty());
    }
    return vertx
        .executeBlocking(() -> Files.size(job.encoded()), false)
        .compose(
            bytes -> {
              figures(job, enc, bytes);
              return Future.succeededFuture(Optional.<JobRunner.Outcome>empty());
            },
            err ->
                err instanceof IOException
                    ? Future.succeededFuture(
                        Optional.of(
                            job.failed(
                                (job.gstreamer() ? "GStreamer" : "FFmpeg")
                                    + " wrote no output: "
                                    + err.getMessage(),
                                false)))
                    : Future.failedFuture(err));
  }

  /**
   * A ladder: each rendition's file size (or, for streams, what FFmpeg muxed to it), the job's
   * figures over all of them, and the {@code renditions} and {@code ladder} blocks.
   */
  private Future<Optional<JobRunner.Outcome>> ladder(JobContext job, EncodePass.Encoded enc) {
    LadderReport.Account account = enc.ladder();
    return vertx
        .executeBlocking(
            () -> {
              Map<String, Long> sizes = new HashMap<>();
              for (JobSpec.Rendition r : job.spec().renditions()) {
                if (r.output().url() == null) {
                  sizes.put(r.name(), Files.size(job.encoded(r.name())));
                }
              }
              return sizes;
            },
            false)
        .compose(
            sizes -> {
              long bytes = 0;
              for (int i = 0; i < job.spec().renditions().size(); i++) {
                String name = job.spec().renditions().get(i).name();
                LadderReport.Muxed m = account.outputs().get(i);
                bytes += sizes.containsKey(name) ? sizes.get(name) : m == null ? 0 : m.bytes();
              }
              long inputFrames = account.inputFrames() > 0 ? account.inputFrames() : enc.frames();
              double durationS = figures(job, enc, bytes, inputFrames);
              JsonObject result = job.result();
              result
                  .put("renditions", LadderReport.renditions(job.spec(), account, sizes, durationS))
                  .put(
                      "ladder",
                      LadderReport.energy(result.getJsonObject("energy"), account, enc.frames()));
              return Future.succeededFuture(Optional.<JobRunner.Outcome>empty());
            },
            err ->
                err instanceof IOException
                    ? Future.succeededFuture(
                        Optional.of(
                            job.failed(
                                (job.gstreamer() ? "GStreamer" : "FFmpeg")
                                    + " wrote no output: "
                                    + err.getMessage(),
                                false)))
                    : Future.failedFuture(err));
  }

  /**
   * Why the encode gives no figure: killed, canceled, failed, or its window left open; null when it
   * counts.
   */
  private static JobRunner.Outcome refusal(JobContext job, EncodePass.Encoded enc) {
    String killReason = enc.child().killReason();
    if (killReason != null || job.canceled()) {
      return job.canceled()
          ? job.canceled("canceled: " + job.cancelReason())
          : job.failed(killReason, true);
    }
    if (enc.exitCode() != 0) {
      return job.failed(
          (job.gstreamer() ? "gst-launch-1.0" : "FFmpeg")
              + " exited with "
              + enc.exitCode()
              + ": "
              + enc.child().stderrLastLine(),
          false);
    }
    if (enc.window().energy() == null) {
      return job.failed(
          "the energy window could not be closed (see the worker log); "
              + "no figure is reported rather than a wrong one",
          true);
    }
    return null;
  }

  private void figures(JobContext job, EncodePass.Encoded enc, long bytes) {
    figures(job, enc, bytes, enc.frames());
  }

  /**
   * The job's figures; {@code energyFrames}: the frames its energy is divided by (a ladder's input
   * frames). Returns the content's duration.
   */
  private double figures(JobContext job, EncodePass.Encoded enc, long bytes, long energyFrames) {
    Progress last = enc.last();
    long frames = enc.frames();
    double durationS =
        last != null && last.outTimeUs() != null
            ? last.outTimeUs() / 1e6
            : job.source().durationS();
    // out_time is the last frame's timestamp; the content lasts one frame longer than that.
    durationS = Math.max(durationS, frames / job.spec().video().fps());
    double wallS = enc.wallMs() / 1000.0;
    JsonObject result = job.result();
    EncodeWindow.Figures window = enc.window();
    JsonObject attributed =
        EnergyWindows.attribute(
            window.energy(),
            // A live job shares the node with its camera and its reader at least: always by share.
            window.shared() || job.spec().isLive(),
            result.getDouble("cpu_seconds"),
            window.nodeBusyCpuS(),
            workerSlots);
    result
        .put("frames", frames)
        .put("duration_s", round(durationS, 3))
        .put("speed", round(durationS / wallS, 3))
        .put("fps", round(frames / wallS, 2))
        .put("bytes", bytes)
        .put("bitrate_kbps", round(bytes * 8 / durationS / 1000, 1))
        .put("dropped_frames", last == null ? null : last.dropFrames())
        .put("duplicated_frames", last == null ? null : last.dupFrames())
        .put("energy", EnergyFigures.of(attributed, energyFrames, durationS, job.idleBaseline()));
    return durationS;
  }
}

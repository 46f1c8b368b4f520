package io.ffrtmp.worker;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.MediaRoots;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.ffrtmp.worker.engine.NaturalPattern;
import io.ffrtmp.worker.engine.SourceInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A job's files on this node: its source found in a media root and probed, its output kept when the
 * spec asks, its work directory removed at the end. Every file operation runs on a worker thread.
 */
final class JobFiles {

  private final Vertx vertx;
  private final WorkerConfig config;
  private final FfmpegInfo ffmpeg;
  private final RenderCache renders;

  JobFiles(Vertx vertx, WorkerConfig config, FfmpegInfo ffmpeg) {
    this.vertx = vertx;
    this.config = config;
    this.ffmpeg = ffmpeg;
    this.renders = new RenderCache(renderCacheDir(config));
  }

  /**
   * Where pre-rendered patterns are kept: beside the work directory, in the worker's data
   * directory, bounded by {@link RenderCache#MAX_BYTES}.
   */
  static Path renderCacheDir(WorkerConfig config) {
    return config.workDir().toAbsolutePath().normalize().resolveSibling("render-cache");
  }

  /**
   * The source to encode: known from the spec when synthetic; a file is resolved in a media root
   * and probed.
   */
  Future<SourceInfo> source(JobSpec spec) {
    return source(spec, null);
  }

  /**
   * As {@link #source(JobSpec)}; a live input is read from its URL, or from {@code cameraUrl} where
   * the worker publishes a {@code live_synthetic} camera; a realtime file is played with -re.
   */
  Future<SourceInfo> source(JobSpec spec, URI cameraUrl) {
    return source(spec, cameraUrl, () -> {});
  }

  /**
   * As above; {@code alive} is called about once a second while a pattern is pre-rendered, so the
   * job's heartbeats show progress and a long render is not taken for a stall.
   */
  Future<SourceInfo> source(JobSpec spec, URI cameraUrl, Runnable alive) {
    if (spec.input().isLive()) {
      URI url = spec.input().url() != null ? spec.input().url() : cameraUrl;
      return Future.succeededFuture(SourceInfo.live(spec.input(), url));
    }
    if (NaturalPattern.is(spec.input())) {
      // Generating it costs several times the encode: rendered (or found) before the window opens.
      return vertx.executeBlocking(
          () -> {
            RenderCache.Rendered r = renders.get(ffmpeg.binary(), spec.input(), alive);
            return SourceInfo.prerendered(spec.input(), r.file(), r.toJson(spec.input()));
          },
          false);
    }
    if (!spec.input().isFile()) {
      return Future.succeededFuture(SourceInfo.synthetic(spec.input()));
    }
    return vertx.executeBlocking(
        () -> {
          Path file = MediaRoots.resolve(config.mediaRoots(), spec.input().path());
          try {
            SourceInfo info = SourceInfo.file(ffmpeg.binary(), file, spec.input().durationS());
            return spec.input().realtime() ? info.atRealtime() : info;
          } catch (IOException e) {
            throw new MediaRoots.RejectedException("input.path: " + e.getMessage());
          }
        },
        false);
  }

  /** Moves the encoded file to the output directory when the spec keeps it, and records where. */
  Future<Void> keep(JobContext job) {
    if (!job.spec().output().keep()) {
      return Future.succeededFuture();
    }
    if (job.spec().isLadder()) {
      return vertx.executeBlocking(
          () -> {
            Files.createDirectories(config.outputDir());
            io.vertx.core.json.JsonArray kept = new io.vertx.core.json.JsonArray();
            io.vertx.core.json.JsonArray stats = job.result().getJsonArray("renditions");
            for (int i = 0; i < job.spec().renditions().size(); i++) {
              JobSpec.Rendition r = job.spec().renditions().get(i);
              Path target =
                  config.outputDir().resolve(job.lease().jobId() + "-" + r.name() + ".mkv");
              Files.move(job.encoded(r.name()), target, StandardCopyOption.REPLACE_EXISTING);
              kept.add(target.toString());
              if (stats != null && i < stats.size()) {
                stats.getJsonObject(i).put("output_file", target.toString());
              }
            }
            job.result().put("output_files", kept);
            return null;
          });
    }
    return vertx.executeBlocking(
        () -> {
          Files.createDirectories(config.outputDir());
          Path target = config.outputDir().resolve(job.lease().jobId() + ".mkv");
          Files.move(job.encoded(), target, StandardCopyOption.REPLACE_EXISTING);
          job.result().put("output_file", target.toString());
          return null;
        });
  }

  Future<Void> cleanUp(JobContext job) {
    Path workDir = job.workDir();
    return vertx.executeBlocking(
        () -> {
          if (Files.exists(workDir)) {
            try (Stream<Path> files = Files.walk(workDir)) {
              for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
              }
            }
          }
          return null;
        });
  }
}

package io.ffrtmp.worker;

import io.ffrtmp.power.PowerConfig;
import java.nio.file.Path;

/** What a worker needs: its id, where it works and keeps outputs, which FFmpeg, and how it measures power. */
public record WorkerConfig(String nodeId, Path workDir, Path outputDir, String ffmpeg, PowerConfig power, long pollFallbackMs,
                           int slots, java.util.List<Path> mediaRoots) {

  /** No media roots: file inputs are refused. */
  public WorkerConfig(String nodeId, Path workDir, Path outputDir, String ffmpeg, PowerConfig power, long pollFallbackMs,
                      int slots) {
    this(nodeId, workDir, outputDir, ffmpeg, power, pollFallbackMs, slots, java.util.List.of());
  }

  /** One slot: every job has the node to itself. */
  public WorkerConfig(String nodeId, Path workDir, Path outputDir, String ffmpeg, PowerConfig power, long pollFallbackMs) {
    this(nodeId, workDir, outputDir, ffmpeg, power, pollFallbackMs, 1);
  }
}

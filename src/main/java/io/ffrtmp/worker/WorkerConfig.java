package io.ffrtmp.worker;

import io.ffrtmp.job.LiveHosts;
import io.ffrtmp.power.PowerConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a worker needs: its id, where it works, keeps outputs and spools undelivered results, which
 * FFmpeg, how it measures power, its slots, media roots and labels, and how often it sends
 * heartbeats, and for live jobs its RTMP server and the hosts live URLs may name.
 */
public record WorkerConfig(
    String nodeId,
    Path workDir,
    Path outputDir,
    String ffmpeg,
    PowerConfig power,
    long pollFallbackMs,
    int slots,
    List<Path> mediaRoots,
    Map<String, String> labels,
    Duration heartbeat,
    Path spoolDir,
    URI rtmpUrl,
    LiveHosts liveHosts,
    String qualityFfmpeg,
    Path vmafModel) {

  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);

  /** The quality pass with the encoding FFmpeg and its built-in VMAF model. */
  public WorkerConfig(
      String nodeId,
      Path workDir,
      Path outputDir,
      String ffmpeg,
      PowerConfig power,
      long pollFallbackMs,
      int slots,
      List<Path> mediaRoots,
      Map<String, String> labels,
      Duration heartbeat,
      Path spoolDir,
      URI rtmpUrl,
      LiveHosts liveHosts) {
    this(
        nodeId,
        workDir,
        outputDir,
        ffmpeg,
        power,
        pollFallbackMs,
        slots,
        mediaRoots,
        labels,
        heartbeat,
        spoolDir,
        rtmpUrl,
        liveHosts,
        null,
        null);
  }

  /** The FFmpeg the quality pass runs: {@code --quality-ffmpeg}, else the encoding one. */
  public String scoringFfmpeg() {
    return qualityFfmpeg != null ? qualityFfmpeg : ffmpeg;
  }

  public WorkerConfig {
    mediaRoots = List.copyOf(mediaRoots);
    labels = Map.copyOf(labels);
    liveHosts = liveHosts == null ? LiveHosts.DEFAULT : liveHosts;
  }

  /** Without a live set-up: no RTMP server, loopback hosts only. */
  public WorkerConfig(
      String nodeId,
      Path workDir,
      Path outputDir,
      String ffmpeg,
      PowerConfig power,
      long pollFallbackMs,
      int slots,
      List<Path> mediaRoots,
      Map<String, String> labels,
      Duration heartbeat,
      Path spoolDir) {
    this(
        nodeId,
        workDir,
        outputDir,
        ffmpeg,
        power,
        pollFallbackMs,
        slots,
        mediaRoots,
        labels,
        heartbeat,
        spoolDir,
        null,
        LiveHosts.DEFAULT);
  }

  /** No labels, the default heartbeat, results spooled beside the work directory. */
  public WorkerConfig(
      String nodeId,
      Path workDir,
      Path outputDir,
      String ffmpeg,
      PowerConfig power,
      long pollFallbackMs,
      int slots,
      List<Path> mediaRoots) {
    this(
        nodeId,
        workDir,
        outputDir,
        ffmpeg,
        power,
        pollFallbackMs,
        slots,
        mediaRoots,
        Map.of(),
        DEFAULT_HEARTBEAT,
        workDir.resolveSibling("spool"));
  }

  /** No media roots: file inputs are refused. */
  public WorkerConfig(
      String nodeId,
      Path workDir,
      Path outputDir,
      String ffmpeg,
      PowerConfig power,
      long pollFallbackMs,
      int slots) {
    this(nodeId, workDir, outputDir, ffmpeg, power, pollFallbackMs, slots, List.of());
  }

  /** One slot: every job has the node to itself. */
  public WorkerConfig(
      String nodeId,
      Path workDir,
      Path outputDir,
      String ffmpeg,
      PowerConfig power,
      long pollFallbackMs) {
    this(nodeId, workDir, outputDir, ffmpeg, power, pollFallbackMs, 1);
  }

  public WorkerConfig withLabels(Map<String, String> l) {
    return new WorkerConfig(
        nodeId,
        workDir,
        outputDir,
        ffmpeg,
        power,
        pollFallbackMs,
        slots,
        mediaRoots,
        l,
        heartbeat,
        spoolDir,
        rtmpUrl,
        liveHosts,
        qualityFfmpeg,
        vmafModel);
  }

  public WorkerConfig withHeartbeat(Duration h) {
    return new WorkerConfig(
        nodeId,
        workDir,
        outputDir,
        ffmpeg,
        power,
        pollFallbackMs,
        slots,
        mediaRoots,
        labels,
        h,
        spoolDir,
        rtmpUrl,
        liveHosts,
        qualityFfmpeg,
        vmafModel);
  }

  /**
   * {@code rtmp}: the application URL of the node's RTMP server ({@code rtmp://host:port/app}),
   * where a {@code live_synthetic} camera is published; null when the node has none. {@code hosts}:
   * the hosts live URLs may name.
   */
  public WorkerConfig withLive(URI rtmp, LiveHosts hosts) {
    return new WorkerConfig(
        nodeId,
        workDir,
        outputDir,
        ffmpeg,
        power,
        pollFallbackMs,
        slots,
        mediaRoots,
        labels,
        heartbeat,
        spoolDir,
        rtmp,
        hosts,
        qualityFfmpeg,
        vmafModel);
  }

  /**
   * {@code scorer}: the FFmpeg of the quality pass (null: the encoding one); {@code model}: the
   * VMAF model file it loads (null: its built-in one).
   */
  public WorkerConfig withQuality(String scorer, Path model) {
    return new WorkerConfig(
        nodeId,
        workDir,
        outputDir,
        ffmpeg,
        power,
        pollFallbackMs,
        slots,
        mediaRoots,
        labels,
        heartbeat,
        spoolDir,
        rtmpUrl,
        liveHosts,
        scorer,
        model);
  }
}

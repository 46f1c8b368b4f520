package io.ffrtmp.node;

import io.ffrtmp.job.LiveHosts;
import io.ffrtmp.live.RtmpConfig;
import io.ffrtmp.power.PowerConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * What a node needs to start: where it keeps its state, which database, which FFmpeg, how it
 * measures power, which RTMP server its live jobs use and which hosts their URLs may name. Built
 * from defaults, then environment ({@code FFRTMP_*}), then command-line flags.
 */
public record NodeConfig(
    Path dataDir,
    String dbUri,
    String ffmpeg,
    int slots,
    PowerConfig power,
    List<Path> mediaRoots,
    RtmpConfig rtmp,
    LiveHosts liveHosts,
    String qualityFfmpeg,
    Path vmafModel) {

  public NodeConfig {
    liveHosts = liveHosts == null ? LiveHosts.DEFAULT : liveHosts;
  }

  /** The quality pass with the encoding FFmpeg and its built-in VMAF model. */
  public NodeConfig(
      Path dataDir,
      String dbUri,
      String ffmpeg,
      int slots,
      PowerConfig power,
      List<Path> mediaRoots,
      RtmpConfig rtmp,
      LiveHosts liveHosts) {
    this(dataDir, dbUri, ffmpeg, slots, power, mediaRoots, rtmp, liveHosts, null, null);
  }

  public NodeConfig(
      Path dataDir,
      String dbUri,
      String ffmpeg,
      int slots,
      PowerConfig power,
      List<Path> mediaRoots,
      RtmpConfig rtmp) {
    this(dataDir, dbUri, ffmpeg, slots, power, mediaRoots, rtmp, LiveHosts.DEFAULT);
  }

  public NodeConfig(
      Path dataDir,
      String dbUri,
      String ffmpeg,
      int slots,
      PowerConfig power,
      List<Path> mediaRoots) {
    this(dataDir, dbUri, ffmpeg, slots, power, mediaRoots, RtmpConfig.OFF);
  }

  public NodeConfig(Path dataDir, String dbUri, String ffmpeg, int slots, PowerConfig power) {
    this(dataDir, dbUri, ffmpeg, slots, power, List.of());
  }

  public NodeConfig withRtmp(RtmpConfig rtmp) {
    return new NodeConfig(
        dataDir,
        dbUri,
        ffmpeg,
        slots,
        power,
        mediaRoots,
        rtmp,
        liveHosts,
        qualityFfmpeg,
        vmafModel);
  }

  /** The hosts live URLs may name ({@code --live-allow-host}, loopback always). */
  public NodeConfig withLiveHosts(LiveHosts hosts) {
    return new NodeConfig(
        dataDir, dbUri, ffmpeg, slots, power, mediaRoots, rtmp, hosts, qualityFfmpeg, vmafModel);
  }

  /**
   * {@code scorer}: the FFmpeg of the quality pass ({@code --quality-ffmpeg}; null: the encoding
   * one); {@code model}: the VMAF model file ({@code --vmaf-model}; null: the built-in one).
   */
  public NodeConfig withQuality(String scorer, Path model) {
    return new NodeConfig(
        dataDir, dbUri, ffmpeg, slots, power, mediaRoots, rtmp, liveHosts, scorer, model);
  }

  /**
   * The live hosts as this node's worker applies them: the configured ones and the host of its own
   * RTMP server.
   */
  public LiveHosts workerLiveHosts() {
    java.net.URI app = rtmp.applicationUrl();
    return app == null ? liveHosts : liveHosts.with(List.of(app.getHost()));
  }

  /**
   * {@code $FFRTMP_DATA_DIR}, else {@code /var/lib/ffrtmp} for root (the embedded database runs as
   * an unprivileged user and must be able to reach it), else {@code $XDG_DATA_HOME/ffrtmp}, else
   * {@code ~/.local/share/ffrtmp}.
   */
  public static Path defaultDataDir() {
    String env = System.getenv("FFRTMP_DATA_DIR");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    if ("root".equals(System.getProperty("user.name"))) {
      return Path.of("/var/lib/ffrtmp");
    }
    String xdg = System.getenv("XDG_DATA_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "ffrtmp");
    }
    return Path.of(System.getProperty("user.home"), ".local", "share", "ffrtmp");
  }
}

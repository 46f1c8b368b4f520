package io.ffrtmp.cli.options;

import io.ffrtmp.cluster.ClusterOptions;
import io.ffrtmp.job.DispatchSettings;
import io.ffrtmp.job.LiveHosts;
import io.ffrtmp.live.RtmpConfig;
import io.ffrtmp.node.ClusterNodeConfig;
import io.ffrtmp.node.MetricsEndpoint;
import io.ffrtmp.node.NodeConfig;
import io.ffrtmp.power.PowerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The flags of a long-running node ({@code --role master|worker|standalone}): cluster, database,
 * dispatch, worker.
 */
public final class NodeOptions {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Where the node keeps its id, database, spool and work files (default: $FFRTMP_DATA_DIR,"
              + " /var/lib/ffrtmp for root, else ~/.local/share/ffrtmp).")
  public Path dataDir;

  @Option(
      names = "--db",
      paramLabel = "URI",
      description =
          "External PostgreSQL (postgresql://user:pass@host:port/db); several masters share one."
              + " Default: $FFRTMP_DB, else an embedded server in the data directory.")
  public String db;

  @Mixin public ClusterFlags cluster;

  @Option(
      names = "--slots",
      paramLabel = "N",
      description = "Worker: jobs run at once (default: ${DEFAULT-VALUE}).",
      defaultValue = "1")
  public int slots;

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description =
          "Worker: a label jobs can select this node by "
              + "(repeatable), e.g. --label gpu=a100 --label site=lab.")
  public Map<String, String> labels = new LinkedHashMap<>();

  @Option(
      names = "--heartbeat-ms",
      paramLabel = "MS",
      description = "Worker heartbeat interval (default: ${DEFAULT-VALUE}).",
      defaultValue = "2000")
  public long heartbeatMs;

  @Option(
      names = "--lease-ms",
      paramLabel = "MS",
      description =
          "Master: a node silent this long is lost and its jobs are "
              + "re-queued (default: ${DEFAULT-VALUE}; at least two heartbeats).",
      defaultValue = "10000")
  public long leaseMs;

  @Option(
      names = "--max-attempts",
      paramLabel = "N",
      description =
          "Master: attempts per job before a transient failure is "
              + "final (default: ${DEFAULT-VALUE}).",
      defaultValue = "3")
  public int maxAttempts;

  @Option(
      names = "--retry-base-ms",
      paramLabel = "MS",
      description =
          "Master: first wait before a retry, doubled per attempt "
              + "with jitter (default: ${DEFAULT-VALUE}).",
      defaultValue = "2000")
  public long retryBaseMs;

  @Option(
      names = "--live-stall-s",
      paramLabel = "S",
      description =
          "Master: a live job with no progress this long is killed "
              + "and retried (default: ${DEFAULT-VALUE}).",
      defaultValue = "120")
  public long liveStallS;

  @Option(
      names = "--stall-min-s",
      paramLabel = "S",
      description =
          "Master: other jobs are killed and retried after no progress for twice their input's"
              + " duration, and never before this (default: ${DEFAULT-VALUE}).",
      defaultValue = "60")
  public long stallMinS;

  @Option(
      names = "--ffmpeg",
      paramLabel = "PATH",
      description = "Worker: FFmpeg binary (default: ${DEFAULT-VALUE}).",
      defaultValue = "ffmpeg")
  public String ffmpeg;

  @Option(
      names = "--media-root",
      paramLabel = "DIR",
      description = "Worker: a directory file inputs may come from (repeatable).")
  public List<Path> mediaRoots = new ArrayList<>();

  @Option(
      names = "--live-allow-host",
      paramLabel = "HOST",
      description =
          "A host that live jobs' rtmp:// and srt:// URLs may name, besides loopback and the"
              + " node's own RTMP server (repeatable; checked on submission and by the worker).")
  public List<String> liveAllowHosts = new ArrayList<>();

  @Mixin public PowerSourceOptions sources;

  @Mixin public QualityOptions quality = new QualityOptions();

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Worker: serve Prometheus /metrics over plain HTTP on this port, 0 = off (default:"
              + " ${DEFAULT-VALUE}). Masters serve /metrics on the API port.",
      defaultValue = "" + MetricsEndpoint.DEFAULT_PORT)
  public int metricsPort;

  @Option(
      names = "--metrics-bind",
      paramLabel = "ADDRESS",
      description = "Worker: the address /metrics listens on (default: ${DEFAULT-VALUE}).",
      defaultValue = MetricsEndpoint.DEFAULT_BIND)
  public String metricsBind;

  @Option(
      names = "--metrics-token-file",
      paramLabel = "FILE",
      description =
          "A bearer token Prometheus sends (Authorization: Bearer, the file's contents): a"
              + " worker's /metrics needs it; a master's /metrics and /metrics/targets need it or a"
              + " viewer token.")
  public Path metricsTokenFile;

  /** Read from {@link #metricsTokenFile} by {@link #check}. */
  private String metricsToken;

  @Option(
      names = "--poll-ms",
      paramLabel = "MS",
      description = "Worker: energy counter poll interval (default: ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  public long pollMs;

  @Option(
      names = "--rtmp-server",
      paramLabel = "embedded|URL|off",
      description =
          "Standalone and worker: the RTMP server live jobs use: embedded (this node runs nginx"
              + " with the RTMP module from its data directory), rtmp://host[:port]/app (your own),"
              + " or off (default: ${DEFAULT-VALUE}). See docs/live.md.",
      defaultValue = "off")
  public String rtmpServer;

  @Option(
      names = "--rtmp-port",
      paramLabel = "PORT",
      description =
          "The embedded RTMP server's port; its statistics page listens on PORT+1 at 127.0.0.1"
              + " (default: ${DEFAULT-VALUE}).",
      defaultValue = "" + RtmpConfig.DEFAULT_PORT)
  public int rtmpPort;

  /**
   * Checks ranges; returns the first problem as "--flag: what is wrong; accepted: ...", or null.
   */
  public String check() {
    if (slots < 1 || slots > 64) {
      return "--slots: " + slots + " is out of range; accepted: 1 to 64";
    }
    if (heartbeatMs < 100 || heartbeatMs > 60_000) {
      return "--heartbeat-ms: " + heartbeatMs + " is out of range; accepted: 100 to 60000";
    }
    if (leaseMs < 2 * heartbeatMs || leaseMs > 3_600_000) {
      return "--lease-ms: "
          + leaseMs
          + " is out of range; accepted: at least two heartbeats ("
          + 2 * heartbeatMs
          + ") and at most 3600000";
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      return "--max-attempts: " + maxAttempts + " is out of range; accepted: 1 to 100";
    }
    if (retryBaseMs < 0 || retryBaseMs > 3_600_000) {
      return "--retry-base-ms: " + retryBaseMs + " is out of range; accepted: 0 to 3600000";
    }
    if (liveStallS < 5 || stallMinS < 5) {
      return (liveStallS < 5 ? "--live-stall-s" : "--stall-min-s")
          + ": accepted: at least 5 seconds";
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      return "--metrics-port: " + metricsPort + " is out of range; accepted: 0 (off) to 65535";
    }
    if (metricsBind == null || metricsBind.isBlank()) {
      return "--metrics-bind: empty; accepted: an IP address or host name, e.g. 127.0.0.1";
    }
    String bindProblem = localAddress(metricsBind);
    if (bindProblem != null) {
      return "--metrics-bind: '"
          + metricsBind
          + "' "
          + bindProblem
          + "; accepted: an address of this machine (e.g. 127.0.0.1, 0.0.0.0 for all) or its name";
    }
    if (metricsTokenFile != null) {
      try {
        metricsToken = Files.readString(metricsTokenFile, StandardCharsets.UTF_8).strip();
      } catch (IOException | SecurityException e) {
        return "--metrics-token-file: cannot read "
            + metricsTokenFile
            + " ("
            + e.getClass().getSimpleName()
            + "); accepted: a readable file holding the token";
      }
      if (metricsToken.isEmpty() || !metricsToken.matches("[\\x21-\\x7e]+")) {
        String why = metricsToken.isEmpty() ? "is empty" : "has spaces or control characters";
        metricsToken = null;
        return "--metrics-token-file: "
            + metricsTokenFile
            + " "
            + why
            + "; accepted: one line of printable ASCII, the token";
      }
    }
    String qualityProblem = quality.check();
    if (qualityProblem != null) {
      return qualityProblem;
    }
    try {
      rtmp();
      liveHosts();
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    String clusterProblem = cluster.check();
    if (clusterProblem != null) {
      return clusterProblem;
    }
    for (Map.Entry<String, String> l : labels.entrySet()) {
      if (!l.getKey().matches("[A-Za-z0-9][A-Za-z0-9._/-]{0,62}")
          || !l.getValue().matches("[A-Za-z0-9._/-]{0,63}")) {
        return "--label: '"
            + l.getKey()
            + "="
            + l.getValue()
            + "'; accepted: KEY=VALUE of letters, digits, '.', '_', '/', '-'";
      }
    }
    return null;
  }

  public Path dataDir() {
    return dataDir != null ? dataDir : NodeConfig.defaultDataDir();
  }

  public String dbUri() {
    return db != null ? db : System.getenv("FFRTMP_DB");
  }

  public DispatchSettings dispatch() {
    return DispatchSettings.DEFAULTS
        .withHeartbeat(Duration.ofMillis(heartbeatMs), Duration.ofMillis(leaseMs))
        .withMaxAttempts(maxAttempts)
        .withStall(Duration.ofSeconds(liveStallS), Duration.ofSeconds(stallMinS))
        .withRetry(Duration.ofMillis(retryBaseMs), DispatchSettings.DEFAULTS.retryCap());
  }

  public ClusterOptions cluster() {
    return cluster.options();
  }

  /** This node as a standalone node (master and worker in one JVM) sees it. */
  public NodeConfig nodeConfig() {
    return quality.applyTo(
        new NodeConfig(dataDir(), dbUri(), ffmpeg, slots, power(), List.copyOf(mediaRoots), rtmp())
            .withLiveHosts(liveHosts()));
  }

  /**
   * The hosts of {@code --live-allow-host}, loopback and (on a standalone node) the host of {@code
   * --rtmp-server URL}.
   */
  public LiveHosts liveHosts() {
    return LiveHosts.DEFAULT.with(liveAllowHosts == null ? List.of() : liveAllowHosts);
  }

  /**
   * The RTMP server of {@code --rtmp-server} and {@code --rtmp-port}; checked by {@link #check}.
   */
  public RtmpConfig rtmp() {
    return RtmpConfig.parse(rtmpServer, rtmpPort);
  }

  /** This node as a clustered master or worker sees it. */
  public ClusterNodeConfig clusterNodeConfig() {
    return new ClusterNodeConfig(nodeConfig(), cluster(), dispatch(), labels);
  }

  /** Where a worker serves /metrics, and the token it wants (after {@link #check}). */
  public MetricsEndpoint metrics() {
    return new MetricsEndpoint(metricsBind, metricsPort, metricsToken);
  }

  /** The --metrics-token-file's token (after {@link #check}); null without one. */
  public String metricsToken() {
    return metricsToken;
  }

  /** Null when {@code host} is an address of this machine (or all of them), else what is wrong. */
  private static String localAddress(String host) {
    InetAddress a;
    try {
      a = InetAddress.getByName(host);
    } catch (UnknownHostException | SecurityException e) {
      return "is not an IP address, and no such host is known";
    }
    try {
      if (a.isAnyLocalAddress()
          || a.isLoopbackAddress()
          || NetworkInterface.getByInetAddress(a) != null) {
        return null;
      }
    } catch (SocketException e) {
      return null; // the interfaces cannot be listed: let the bind itself say
    }
    return "(" + a.getHostAddress() + ") is not an address of this machine";
  }

  public PowerConfig power() {
    return sources.applyTo(
        new PowerConfig(PowerConfig.DEFAULT_POWERCAP_ROOT, Path.of("/proc"), pollMs, null, null));
  }
}

package io.ffrtmp.master.api;

import io.ffrtmp.cli.PowerSourceOptions;
import io.ffrtmp.node.NodeConfig;
import io.ffrtmp.power.PowerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options of a node that serves the REST API ({@code --role standalone}), as a picocli mixin. */
public final class ServeOptions {

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Database, node id, API secrets and work files "
    + "(default: $FFRTMP_DATA_DIR, /var/lib/ffrtmp for root, else ~/.local/share/ffrtmp).")
  Path dataDir;

  @Option(names = "--db", paramLabel = "URI", description = "External PostgreSQL instead of the embedded one. Also $FFRTMP_DB.")
  String db;

  @Option(names = "--ffmpeg", paramLabel = "PATH", description = "FFmpeg binary (default: ${DEFAULT-VALUE}).", defaultValue = "ffmpeg")
  String ffmpeg;

  @Option(names = "--slots", paramLabel = "N", description = "Jobs the worker may run at once (default: ${DEFAULT-VALUE}).",
    defaultValue = "1")
  int slots;

  @Option(names = "--media-root", paramLabel = "DIR", description = "A directory file inputs may come from (repeatable).")
  List<Path> mediaRoots = new ArrayList<>();

  @Mixin
  PowerSourceOptions sources;

  @Option(names = "--port", paramLabel = "PORT", description = "API port (default: ${DEFAULT-VALUE}).", defaultValue = "8443")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", description = "API address (default: ${DEFAULT-VALUE}: this machine only).",
    defaultValue = "127.0.0.1")
  String bind;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Your own certificate (chain); default: a self-signed one "
    + "made once in the data directory.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key (PKCS#8 PEM) for --tls-cert.")
  Path tlsKey;

  @Option(names = "--no-tls", description = "Plain HTTP, for development behind a TLS-terminating proxy only.")
  boolean noTls;

  @Option(names = "--rate-burst", paramLabel = "N", description = "Requests a client may make at once (default: ${DEFAULT-VALUE}).",
    defaultValue = "200")
  int rateBurst;

  @Option(names = "--rate-per-second", paramLabel = "R", description = "Sustained requests per second per client "
    + "(default: ${DEFAULT-VALUE}).", defaultValue = "100")
  double ratePerSecond;

  @Option(names = "--body-limit", paramLabel = "BYTES", description = "Largest request body (default: ${DEFAULT-VALUE}).",
    defaultValue = "1048576")
  long bodyLimit;

  @Option(names = "--token-ttl", paramLabel = "MIN", description = "Lifetime of issued tokens in minutes (default: ${DEFAULT-VALUE}).",
    defaultValue = "60")
  int tokenTtl;

  @Option(names = "--jwt-public-key", paramLabel = "PEM", description = "RS256 instead of HS256: the public key tokens are "
    + "checked with (default: HS256 with a secret made once in the data directory).")
  Path jwtPublicKey;

  @Option(names = "--jwt-private-key", paramLabel = "PEM", description = "RS256: the PKCS#8 private key tokens are signed with.")
  Path jwtPrivateKey;

  @Option(names = "--protect-probes", description = "Require a token for /health, /ready and /metrics too.")
  boolean protectProbes;

  public NodeConfig nodeConfig() {
    String dbUri = db != null ? db : System.getenv("FFRTMP_DB");
    return new NodeConfig(dataDir(), dbUri, ffmpeg, slots,
      sources.applyTo(new PowerConfig(PowerConfig.DEFAULT_POWERCAP_ROOT, PowerConfig.DEFAULT_PROC_ROOT,
        PowerConfig.DEFAULT_POLL_INTERVAL_MS, null, null)), List.copyOf(mediaRoots));
  }

  /** Throws IllegalArgumentException naming the option when a value is out of range. */
  public ApiConfig apiConfig() {
    return new ApiConfig(bind, port, !noTls, tlsCert, tlsKey, dataDir(), mediaRoots, rateBurst, ratePerSecond, bodyLimit,
      tokenTtl, !protectProbes, jwtPublicKey, jwtPrivateKey);
  }

  private Path dataDir() {
    return dataDir != null ? dataDir : NodeConfig.defaultDataDir();
  }
}

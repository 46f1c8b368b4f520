package io.ffrtmp.cli.options;

import io.ffrtmp.master.api.ApiConfig;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The REST API's options of a node that serves it ({@code --role standalone}, later master), as a
 * picocli mixin.
 */
public final class ApiOptions {

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "API port (default: ${DEFAULT-VALUE}).",
      defaultValue = "8443")
  int port;

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "API address (default: ${DEFAULT-VALUE}: this machine only).",
      defaultValue = "127.0.0.1")
  String bind;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description =
          "Your own certificate (chain); default: a self-signed one "
              + "made once in the data directory.")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "The private key (PKCS#8 PEM) for --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--no-tls",
      description = "Plain HTTP, for development behind a TLS-terminating proxy only.")
  boolean noTls;

  @Option(
      names = "--rate-burst",
      paramLabel = "N",
      description = "Requests a client may make at once (default: ${DEFAULT-VALUE}).",
      defaultValue = "200")
  int rateBurst;

  @Option(
      names = "--rate-per-second",
      paramLabel = "R",
      description = "Sustained requests per second per client " + "(default: ${DEFAULT-VALUE}).",
      defaultValue = "100")
  double ratePerSecond;

  @Option(
      names = "--body-limit",
      paramLabel = "BYTES",
      description = "Largest request body (default: ${DEFAULT-VALUE}).",
      defaultValue = "1048576")
  long bodyLimit;

  @Option(
      names = "--max-campaign-jobs",
      paramLabel = "N",
      description =
          "Most jobs one campaign may expand to "
              + "(configurations x axis values x repeat; default: ${DEFAULT-VALUE}).",
      defaultValue = "10000")
  int maxCampaignJobs;

  @Option(
      names = "--token-ttl",
      paramLabel = "MIN",
      description = "Lifetime of issued tokens in minutes (default: ${DEFAULT-VALUE}).",
      defaultValue = "60")
  int tokenTtl;

  @Option(
      names = "--jwt-public-key",
      paramLabel = "PEM",
      description =
          "RS256 instead of HS256: the public key tokens are "
              + "checked with (default: HS256 with a secret made once in the data directory).")
  Path jwtPublicKey;

  @Option(
      names = "--jwt-private-key",
      paramLabel = "PEM",
      description = "RS256: the PKCS#8 private key tokens are signed with.")
  Path jwtPrivateKey;

  @Option(
      names = "--protect-probes",
      description = "Require a token for /health, /ready and /metrics too.")
  boolean protectProbes;

  @Option(
      names = "--header-timeout",
      paramLabel = "SEC",
      description =
          "Close a connection that has not sent complete "
              + "request headers within SEC seconds (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int headerTimeout;

  @Option(
      names = "--max-in-flight",
      paramLabel = "N",
      description =
          "Unanswered requests one client may have at once " + "(default: ${DEFAULT-VALUE}).",
      defaultValue = "64")
  int maxInFlight;

  @Option(
      names = "--max-streams-per-token",
      paramLabel = "N",
      description =
          "Event streams one token holder may have " + "open at once (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  int maxStreamsPerToken;

  @Option(
      names = "--trust-proxy",
      paramLabel = "CIDR",
      description =
          "A reverse proxy whose X-Forwarded-For names the client, when the direct peer is inside"
              + " CIDR (repeatable; default: none, the peer is the client).")
  List<String> trustProxies = List.of();

  /** Throws IllegalArgumentException naming the option when a value is out of range. */
  public ApiConfig apiConfig(Path dataDir, List<Path> mediaRoots) {
    return new ApiConfig(
        bind,
        port,
        !noTls,
        tlsCert,
        tlsKey,
        dataDir,
        mediaRoots,
        rateBurst,
        ratePerSecond,
        bodyLimit,
        tokenTtl,
        !protectProbes,
        jwtPublicKey,
        jwtPrivateKey,
        headerTimeout,
        maxInFlight,
        maxStreamsPerToken,
        trustProxies == null ? List.of() : trustProxies,
        maxCampaignJobs,
        null);
  }
}

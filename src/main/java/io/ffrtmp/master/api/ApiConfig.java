package io.ffrtmp.master.api;

import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.LiveHosts;
import java.nio.file.Path;
import java.util.List;

/**
 * How the REST API listens and what it lets in.
 *
 * @param bind address to listen on (127.0.0.1 by default: only this machine)
 * @param port TCP port; 0 picks a free one (tests)
 * @param tls HTTPS (the default); false only for development behind a TLS-terminating proxy
 * @param tlsCert PEM certificate (chain) of the user's own; null makes (once) and keeps a
 *     self-signed one
 * @param tlsKey PEM private key (PKCS#8) for {@code tlsCert}
 * @param dataDir where the JWT secret, the admin key and the self-signed certificate are kept (mode
 *     0600)
 * @param mediaRoots where file inputs may come from; a job naming a file elsewhere is refused at
 *     submission
 * @param rateBurst requests a client may make at once (token-bucket capacity)
 * @param ratePerSecond sustained requests per second per client (bucket refill)
 * @param bodyLimitBytes largest request body; larger ones are answered 413
 * @param tokenTtlMinutes lifetime of the tokens issued for API keys
 * @param openProbes /health, /ready and /metrics without a token (for load balancers and scrapers)
 * @param jwtPublicKey RS256: the PEM public key tokens are checked with; null for HS256 with the
 *     data directory's secret
 * @param jwtPrivateKey RS256: the PEM (PKCS#8) private key tokens are signed with; null on a server
 *     that only checks
 * @param headerTimeoutS a connection that has not sent complete request headers this long after it
 *     opened (or after the previous answer) is closed
 * @param maxInFlight requests one client may have unanswered at once (event streams are counted
 *     apart)
 * @param maxStreamsPerToken event streams one token holder (API key and subject) may have open at
 *     once
 * @param trustProxies CIDRs of reverse proxies whose X-Forwarded-For names the client (for the rate
 *     limit and the in-flight cap); empty: the direct peer is the client
 * @param maxCampaignJobs the most jobs one campaign may expand to (configurations x axis values x
 *     repeat); a larger one is answered 400 before it is expanded
 * @param liveHosts the hosts a live job's input and output URLs may name; a job naming another is
 *     refused at submission
 */
public record ApiConfig(
    String bind,
    int port,
    boolean tls,
    Path tlsCert,
    Path tlsKey,
    Path dataDir,
    List<Path> mediaRoots,
    int rateBurst,
    double ratePerSecond,
    long bodyLimitBytes,
    int tokenTtlMinutes,
    boolean openProbes,
    Path jwtPublicKey,
    Path jwtPrivateKey,
    int headerTimeoutS,
    int maxInFlight,
    int maxStreamsPerToken,
    List<String> trustProxies,
    int maxCampaignJobs,
    LiveHosts liveHosts) {

  public static final int DEFAULT_PORT = 8443;
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_RATE_BURST = 200;
  public static final double DEFAULT_RATE_PER_SECOND = 100;
  public static final long DEFAULT_BODY_LIMIT = 1024 * 1024;
  public static final int DEFAULT_TOKEN_TTL_MINUTES = 60;
  public static final int DEFAULT_HEADER_TIMEOUT_S = 10;
  public static final int DEFAULT_MAX_IN_FLIGHT = 64;
  public static final int DEFAULT_MAX_STREAMS_PER_TOKEN = 10;
  public static final int DEFAULT_MAX_CAMPAIGN_JOBS = Campaign.MAX_JOBS;

  /**
   * Beyond this, one campaign's transaction and its expansion (about 50 ms per 1,000 jobs) get
   * unreasonable.
   */
  public static final int MAX_CAMPAIGN_JOBS = 1_000_000;

  public ApiConfig {
    mediaRoots = List.copyOf(mediaRoots);
    liveHosts = liveHosts == null ? LiveHosts.DEFAULT : liveHosts;
    trustProxies = List.copyOf(trustProxies);
    for (String cidr : trustProxies) {
      TrustedProxies.Cidr.parse(cidr); // names the option and the value when it is not a CIDR
    }
    if (headerTimeoutS < 1 || headerTimeoutS > 300) {
      throw new IllegalArgumentException(
          "--header-timeout: " + headerTimeoutS + " is out of range; accepted: 1 to 300 s");
    }
    if (maxInFlight < 1 || maxStreamsPerToken < 1) {
      throw new IllegalArgumentException(
          "--max-in-flight and --max-streams-per-token: accepted: at least 1");
    }
    if (maxCampaignJobs < 1 || maxCampaignJobs > MAX_CAMPAIGN_JOBS) {
      throw new IllegalArgumentException(
          "--max-campaign-jobs: "
              + maxCampaignJobs
              + " is out of range; accepted: 1 to "
              + MAX_CAMPAIGN_JOBS);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "--tls-cert and --tls-key go together; give both or neither");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          "--port: " + port + " is out of range; accepted: 1 to 65535");
    }
    if (rateBurst < 1 || !(ratePerSecond > 0)) {
      throw new IllegalArgumentException(
          "--rate-burst and --rate-per-second: accepted: at least 1 and more than 0");
    }
    if (bodyLimitBytes < 1024) {
      throw new IllegalArgumentException(
          "--body-limit: " + bodyLimitBytes + " is too small; accepted: at least 1024 bytes");
    }
    if (jwtPrivateKey != null && jwtPublicKey == null) {
      throw new IllegalArgumentException(
          "--jwt-private-key needs --jwt-public-key (the key tokens are checked with)");
    }
    if (tokenTtlMinutes < 1 || tokenTtlMinutes > 7 * 24 * 60) {
      throw new IllegalArgumentException(
          "--token-ttl: " + tokenTtlMinutes + " is out of range; accepted: 1 to 10080 minutes");
    }
  }

  /** Without the per-client caps (their defaults) and without trusted proxies. */
  public ApiConfig(
      String bind,
      int port,
      boolean tls,
      Path tlsCert,
      Path tlsKey,
      Path dataDir,
      List<Path> mediaRoots,
      int rateBurst,
      double ratePerSecond,
      long bodyLimitBytes,
      int tokenTtlMinutes,
      boolean openProbes,
      Path jwtPublicKey,
      Path jwtPrivateKey) {
    this(
        bind,
        port,
        tls,
        tlsCert,
        tlsKey,
        dataDir,
        mediaRoots,
        rateBurst,
        ratePerSecond,
        bodyLimitBytes,
        tokenTtlMinutes,
        openProbes,
        jwtPublicKey,
        jwtPrivateKey,
        DEFAULT_HEADER_TIMEOUT_S,
        DEFAULT_MAX_IN_FLIGHT,
        DEFAULT_MAX_STREAMS_PER_TOKEN,
        List.of(),
        DEFAULT_MAX_CAMPAIGN_JOBS,
        LiveHosts.DEFAULT);
  }

  /**
   * The defaults: HTTPS on 127.0.0.1:8443 with a self-signed certificate kept in {@code dataDir}.
   */
  public static ApiConfig defaults(Path dataDir) {
    return new ApiConfig(
        DEFAULT_BIND,
        DEFAULT_PORT,
        true,
        null,
        null,
        dataDir,
        List.of(),
        DEFAULT_RATE_BURST,
        DEFAULT_RATE_PER_SECOND,
        DEFAULT_BODY_LIMIT,
        DEFAULT_TOKEN_TTL_MINUTES,
        true,
        null,
        null);
  }

  /** The per-client caps and trusted proxies changed, the rest kept. */
  public ApiConfig withClientCaps(
      int headerTimeout, int inFlight, int streamsPerToken, List<String> proxies) {
    return new ApiConfig(
        bind,
        port,
        tls,
        tlsCert,
        tlsKey,
        dataDir,
        mediaRoots,
        rateBurst,
        ratePerSecond,
        bodyLimitBytes,
        tokenTtlMinutes,
        openProbes,
        jwtPublicKey,
        jwtPrivateKey,
        headerTimeout,
        inFlight,
        streamsPerToken,
        proxies,
        maxCampaignJobs,
        liveHosts);
  }

  public ApiConfig withPort(int p) {
    return new ApiConfig(
        bind,
        p,
        tls,
        tlsCert,
        tlsKey,
        dataDir,
        mediaRoots,
        rateBurst,
        ratePerSecond,
        bodyLimitBytes,
        tokenTtlMinutes,
        openProbes,
        jwtPublicKey,
        jwtPrivateKey,
        headerTimeoutS,
        maxInFlight,
        maxStreamsPerToken,
        trustProxies,
        maxCampaignJobs,
        liveHosts);
  }

  public ApiConfig withRate(int burst, double perSecond) {
    return new ApiConfig(
        bind,
        port,
        tls,
        tlsCert,
        tlsKey,
        dataDir,
        mediaRoots,
        burst,
        perSecond,
        bodyLimitBytes,
        tokenTtlMinutes,
        openProbes,
        jwtPublicKey,
        jwtPrivateKey,
        headerTimeoutS,
        maxInFlight,
        maxStreamsPerToken,
        trustProxies,
        maxCampaignJobs,
        liveHosts);
  }

  public ApiConfig withMediaRoots(List<Path> roots) {
    return new ApiConfig(
        bind,
        port,
        tls,
        tlsCert,
        tlsKey,
        dataDir,
        roots,
        rateBurst,
        ratePerSecond,
        bodyLimitBytes,
        tokenTtlMinutes,
        openProbes,
        jwtPublicKey,
        jwtPrivateKey,
        headerTimeoutS,
        maxInFlight,
        maxStreamsPerToken,
        trustProxies,
        maxCampaignJobs,
        liveHosts);
  }

  public ApiConfig withRs256(Path publicKey, Path privateKey) {
    return new ApiConfig(
        bind,
        port,
        tls,
        tlsCert,
        tlsKey,
        dataDir,
        mediaRoots,
        rateBurst,
        ratePerSecond,
        bodyLimitBytes,
        tokenTtlMinutes,
        openProbes,
        publicKey,
        privateKey,
        headerTimeoutS,
        maxInFlight,
        maxStreamsPerToken,
        trustProxies,
        maxCampaignJobs,
        liveHosts);
  }

  public ApiConfig withMaxCampaignJobs(int max) {
    return new ApiConfig(
        bind,
        port,
        tls,
        tlsCert,
        tlsKey,
        dataDir,
        mediaRoots,
        rateBurst,
        ratePerSecond,
        bodyLimitBytes,
        tokenTtlMinutes,
        openProbes,
        jwtPublicKey,
        jwtPrivateKey,
        headerTimeoutS,
        maxInFlight,
        maxStreamsPerToken,
        trustProxies,
        max,
        liveHosts);
  }

  public ApiConfig withLiveHosts(LiveHosts hosts) {
    return new ApiConfig(
        bind,
        port,
        tls,
        tlsCert,
        tlsKey,
        dataDir,
        mediaRoots,
        rateBurst,
        ratePerSecond,
        bodyLimitBytes,
        tokenTtlMinutes,
        openProbes,
        jwtPublicKey,
        jwtPrivateKey,
        headerTimeoutS,
        maxInFlight,
        maxStreamsPerToken,
        trustProxies,
        maxCampaignJobs,
        hosts);
  }

  /** Where the API keeps its secrets inside the data directory. */
  public Path apiDir() {
    return dataDir.resolve("api");
  }
}

package io.ffrtmp.node;

/**
 * Where a node without an API server (a worker) serves {@code /metrics}: plain HTTP on {@code
 * bind:port}; port 0 turns it off. {@code token}: the bearer token a scrape must send ({@code
 * Authorization: Bearer TOKEN}, from {@code --metrics-token-file}); null for an open endpoint.
 */
public record MetricsEndpoint(String bind, int port, String token) {

  public static final int DEFAULT_PORT = 9464;
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final MetricsEndpoint OFF = new MetricsEndpoint(DEFAULT_BIND, 0);
  public static final MetricsEndpoint DEFAULT = new MetricsEndpoint(DEFAULT_BIND, DEFAULT_PORT);

  /** Open: no token. */
  public MetricsEndpoint(String bind, int port) {
    this(bind, port, null);
  }

  public boolean enabled() {
    return port != 0;
  }

  /**
   * The {@code host:port} scrapers reach it at, once it listens on {@code actualPort}: the bind
   * address, or when that is every address ({@code 0.0.0.0}, {@code ::}) {@code fallbackHost} (the
   * node's cluster host or name).
   */
  public String advertised(int actualPort, String fallbackHost) {
    String host = wildcard(bind) ? fallbackHost : bind;
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return host + ":" + actualPort;
  }

  static boolean wildcard(String host) {
    return host == null
        || host.isBlank()
        || host.equals("0.0.0.0")
        || host.equals("::")
        || host.equals("[::]")
        || host.equals("0:0:0:0:0:0:0:0");
  }
}

package io.ffrtmp.node;

/**
 * Where a node without an API server (a worker) serves {@code /metrics}: plain HTTP on {@code
 * bind:port}; port 0 turns it off.
 */
public record MetricsEndpoint(String bind, int port) {

  public static final int DEFAULT_PORT = 9464;
  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final MetricsEndpoint OFF = new MetricsEndpoint(DEFAULT_BIND, 0);
  public static final MetricsEndpoint DEFAULT = new MetricsEndpoint(DEFAULT_BIND, DEFAULT_PORT);

  public boolean enabled() {
    return port != 0;
  }
}

package io.ffrtmp.master.api;

/**
 * How a master's scrape endpoints present and guard themselves: the node id and role its own
 * service-discovery entry names ({@code master} or {@code standalone}), and the static bearer token
 * Prometheus may send instead of a JWT ({@code --metrics-token-file}; null for none). With a token,
 * {@code /metrics} and {@code /metrics/targets} need it (or a viewer token) even without {@code
 * --protect-probes}.
 */
public record MetricsAccess(String nodeId, String role, String token) {

  public static final MetricsAccess DEFAULT = new MetricsAccess("master", "master", null);

  public MetricsAccess {
    if (!"master".equals(role) && !"standalone".equals(role)) {
      throw new IllegalArgumentException("role: accepted: master, standalone");
    }
    if (token != null && token.isEmpty()) {
      throw new IllegalArgumentException("--metrics-token-file: the token is empty");
    }
  }
}

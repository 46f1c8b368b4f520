package io.ffrtmp.cluster;

import java.nio.file.Path;
import java.util.List;

/**
 * How a node joins the cluster: the interface Hazelcast and the event bus both use, the members to
 * contact (TCP-IP, never multicast), the Hazelcast port, the cluster name, and the event-bus TLS
 * files (PEM: this node's certificate and key, and the CA that signs every member's certificate;
 * null for a cluster without TLS).
 */
public record ClusterOptions(
    String host, List<String> join, int port, String name, int eventBusPort, Tls tls) {

  public static final int DEFAULT_PORT = 5801;
  public static final String DEFAULT_NAME = "ffrtmp";

  /**
   * PEM files for the event bus: every member presents {@code cert} and accepts peers signed by
   * {@code ca}.
   */
  public record Tls(Path cert, Path key, Path ca) {}

  public ClusterOptions {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException(
          "cluster host: required (the address of this node's cluster interface)");
    }
    join = join == null || join.isEmpty() ? List.of(host) : List.copyOf(join);
    name = name == null ? DEFAULT_NAME : name;
  }
}

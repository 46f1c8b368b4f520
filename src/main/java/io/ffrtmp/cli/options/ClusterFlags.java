package io.ffrtmp.cli.options;

import io.ffrtmp.cluster.ClusterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The flags that put a process in the cluster: nodes ({@code --role}) and {@code bench --join}
 * share them.
 */
public final class ClusterFlags {

  @Option(
      names = "--cluster-host",
      paramLabel = "ADDR",
      description =
          "This process's address on the cluster network; "
              + "Hazelcast and the event bus both bind to it (default: ${DEFAULT-VALUE}).",
      defaultValue = "127.0.0.1")
  public String clusterHost;

  @Option(
      names = {"--join", "--master"},
      paramLabel = "HOST[:PORT],...",
      split = ",",
      description =
          "Cluster members to contact (TCP-IP; multicast is never used), e.g. the masters. Nodes"
              + " default to their own address; bench runs on the cluster only when this is given.")
  public List<String> join = new ArrayList<>();

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      description =
          "Hazelcast's first port; the next ones are tried when "
              + "it is taken (default: ${DEFAULT-VALUE}).",
      defaultValue = "5801")
  public int clusterPort;

  @Option(
      names = "--cluster-name",
      paramLabel = "NAME",
      description =
          "Only members with the same name form a cluster " + "(default: ${DEFAULT-VALUE}).",
      defaultValue = "ffrtmp")
  public String clusterName;

  @Option(
      names = "--cluster-cert",
      paramLabel = "PEM",
      description =
          "Event-bus TLS: this member's certificate (with "
              + "--cluster-key and --cluster-ca; every member must be configured alike).")
  public Path clusterCert;

  @Option(
      names = "--cluster-key",
      paramLabel = "PEM",
      description = "Event-bus TLS: this member's private key (PEM).")
  public Path clusterKey;

  @Option(
      names = "--cluster-ca",
      paramLabel = "PEM",
      description =
          "Event-bus TLS: the CA certificate every member's "
              + "certificate is signed by; peers without one are refused.")
  public Path clusterCa;

  /** The first problem as "--flag: what is wrong; accepted: ...", or null. */
  public String check() {
    if (clusterPort < 1 || clusterPort > 65_000) {
      return "--cluster-port: " + clusterPort + " is out of range; accepted: 1 to 65000";
    }
    if (!clusterName.matches("[A-Za-z0-9._-]{1,64}")) {
      return "--cluster-name: '"
          + clusterName
          + "'; accepted: 1 to 64 letters, digits, '.', '_' or '-'";
    }
    int tlsFiles =
        (clusterCert == null ? 0 : 1) + (clusterKey == null ? 0 : 1) + (clusterCa == null ? 0 : 1);
    if (tlsFiles != 0 && tlsFiles != 3) {
      return "--cluster-cert, --cluster-key, --cluster-ca: give all three for event-bus TLS, or"
          + " none";
    }
    for (Path p : new Path[] {clusterCert, clusterKey, clusterCa}) {
      if (p != null && !Files.isReadable(p)) {
        return "--cluster-cert/--cluster-key/--cluster-ca: " + p + " is missing or unreadable";
      }
    }
    for (String m : join) {
      if (!m.trim().matches("[A-Za-z0-9.-]+(:\\d{1,5})?")) {
        return "--join: '" + m + "'; accepted: HOST or HOST:PORT, comma-separated";
      }
    }
    return null;
  }

  public ClusterOptions options() {
    ClusterOptions.Tls tls =
        clusterCert == null ? null : new ClusterOptions.Tls(clusterCert, clusterKey, clusterCa);
    return new ClusterOptions(clusterHost, join, clusterPort, clusterName, 0, tls);
  }
}

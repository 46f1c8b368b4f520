package io.ffrtmp.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

/**
 * Starts a clustered Vert.x: Hazelcast joins by TCP-IP on the given interface only (multicast and
 * auto-detection off), the event bus binds to the same interface, and with TLS configured every
 * event-bus connection is TLS 1.2+ with a client certificate signed by the cluster's CA.
 */
public final class ClusterSetup {

  private ClusterSetup() {}

  public static Future<Vertx> start(ClusterOptions cluster, VertxOptions base) {
    return start(cluster, base, null);
  }

  /** {@code metrics}: where Vert.x reports its meters (with metrics options in {@code base}). */
  public static Future<Vertx> start(
      ClusterOptions cluster, VertxOptions base, VertxMetricsFactory metrics) {
    Config hz = ConfigUtil.loadConfig().setClusterName(cluster.name());
    hz.setProperty("hazelcast.wait.seconds.before.join", "0")
        .setProperty("hazelcast.phone.home.enabled", "false")
        .setProperty("hazelcast.logging.type", "slf4j")
        // A member that stops answering is declared dead after this long; the master's heartbeat
        // check is faster.
        .setProperty("hazelcast.max.no.heartbeat.seconds", "15")
        .setProperty("hazelcast.heartbeat.interval.seconds", "1")
        .setProperty("hazelcast.local.localAddress", cluster.host());
    NetworkConfig net =
        hz.getNetworkConfig().setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(20);
    net.getInterfaces().setEnabled(true).addInterface(cluster.host());
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members(cluster));

    EventBusOptions bus =
        new EventBusOptions().setHost(cluster.host()).setPort(cluster.eventBusPort());
    if (cluster.tls() != null) {
      checkReadable(cluster.tls());
      bus.setSsl(true)
          .setKeyCertOptions(
              new PemKeyCertOptions()
                  .setCertPath(cluster.tls().cert().toString())
                  .setKeyPath(cluster.tls().key().toString()))
          .setTrustOptions(new PemTrustOptions().addCertPath(cluster.tls().ca().toString()))
          .setClientAuth(ClientAuth.REQUIRED)
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"));
    }
    // The copy constructor turns metrics options into plain MetricsOptions, losing Micrometer's
    // labels and registry name: keep the caller's.
    VertxOptions options =
        new VertxOptions(base).setEventBusOptions(bus).setMetricsOptions(base.getMetricsOptions());
    VertxBuilder builder =
        Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hz));
    if (metrics != null) {
      builder.withMetrics(metrics);
    }
    return builder.buildClustered();
  }

  /** The cluster manager's id for this member, as membership lists name it. */
  public static String memberId(Vertx vertx) {
    var cm = ((VertxInternal) vertx).clusterManager();
    return cm == null ? null : cm.getNodeId();
  }

  /** The ids of the members the cluster manager sees now; null when not clustered. */
  public static List<String> members(Vertx vertx) {
    var cm = ((VertxInternal) vertx).clusterManager();
    return cm == null ? null : List.copyOf(cm.getNodes());
  }

  private static List<String> members(ClusterOptions cluster) {
    return cluster.join().stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static void checkReadable(ClusterOptions.Tls tls) {
    for (var p : List.of(tls.cert(), tls.key(), tls.ca())) {
      if (!Files.isReadable(p)) {
        throw new IllegalArgumentException("cluster TLS file " + p + " is missing or unreadable");
      }
    }
  }
}

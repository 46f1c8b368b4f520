package io.ffrtmp.master.api;

import io.ffrtmp.cluster.NodeState;
import io.ffrtmp.master.store.NodeStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus HTTP service discovery ({@code http_sd_configs}): one target group per node that is up
 * or draining and serves {@code /metrics}, and one for this master's API server. Built from the
 * node list {@link ApiMeters} refreshes on its timer: answering it never queries the database.
 */
final class MetricsTargets {

  private MetricsTargets() {}

  /**
   * {@code self}: this master's {@code host:port}; {@code tls}: whether its API speaks HTTPS. A
   * standalone node's worker has no endpoint of its own: the node is listed once, as {@code self}.
   */
  static JsonArray groups(
      List<NodeStore.Target> nodes, MetricsAccess access, String self, boolean tls) {
    JsonArray out = new JsonArray();
    out.add(group(self, access.nodeId(), access.role(), tls ? "https" : "http", Map.of()));
    for (NodeStore.Target t : nodes) {
      if (t.metricsAddress() == null
          || t.state() == NodeState.LOST
          || t.nodeId().equals(access.nodeId())) {
        continue;
      }
      Map<String, Object> labels = new TreeMap<>(t.labels().getMap());
      out.add(group(t.metricsAddress(), t.nodeId(), "worker", "http", labels));
    }
    return out;
  }

  private static JsonObject group(
      String target, String node, String role, String scheme, Map<String, Object> nodeLabels) {
    JsonObject labels = new JsonObject();
    nodeLabels.forEach((k, v) -> labels.put(labelName(k), String.valueOf(v)));
    labels
        .put("node", node)
        .put("role", role)
        .put("__scheme__", scheme)
        .put("__metrics_path__", "/metrics");
    return new JsonObject().put("targets", new JsonArray().add(target)).put("labels", labels);
  }

  /** A node label's key as a Prometheus label name: {@code label_} and [a-zA-Z0-9_] only. */
  static String labelName(String key) {
    return "label_" + key.replaceAll("[^a-zA-Z0-9_]", "_");
  }

  /** {@code host:port}, the host in brackets when it is an IPv6 address. */
  static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }
}

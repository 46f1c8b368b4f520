package io.ffrtmp.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A worker process registering its node ({@link Addresses#NODE_REGISTER}): the node id it holds
 * while it lives, and what the node offers: slots, the encoders that work there, power sources,
 * hardware.
 *
 * @param instanceId this process; another live process with the same node id is refused
 * @param labels free-form key/value pairs a job's placement may ask for
 * @param encoders FFmpeg names of the encoders this node can run
 * @param clusterNode the Hazelcast member id, so masters notice a member that left; null when not
 *     clustered
 * @param metricsAddress {@code host:port} where the node serves Prometheus {@code /metrics} over
 *     plain HTTP, which the masters' service discovery lists; null when it serves none
 */
public record NodeRegistration(
    String nodeId,
    UUID instanceId,
    String host,
    JsonObject labels,
    int slots,
    JsonArray encoders,
    JsonObject power,
    JsonObject hardware,
    String clusterNode,
    String metricsAddress) {

  /** Without a metrics endpoint. */
  public NodeRegistration(
      String nodeId,
      UUID instanceId,
      String host,
      JsonObject labels,
      int slots,
      JsonArray encoders,
      JsonObject power,
      JsonObject hardware,
      String clusterNode) {
    this(nodeId, instanceId, host, labels, slots, encoders, power, hardware, clusterNode, null);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("node_id", nodeId)
        .put("instance_id", instanceId.toString())
        .put("host", host)
        .put("labels", labels)
        .put("slots", slots)
        .put("encoders", encoders)
        .put("power", power)
        .put("hardware", hardware)
        .put("cluster_node", clusterNode)
        .put("metrics_address", metricsAddress);
  }

  /** A host name, IPv4 or [IPv6] address and a port: nothing else reaches a scrape config. */
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]{2,45}\\]|[A-Za-z0-9.-]{1,253}):[0-9]{1,5}");

  private static String metricsAddress(String a) {
    if (a != null && !HOST_PORT.matcher(a).matches()) {
      throw new BodyException(
          "metrics_address", "accepted: HOST:PORT, a host name or IP address and a port");
    }
    return a;
  }

  public static NodeRegistration fromJson(JsonObject j) {
    String nodeId = j.getString("node_id");
    if (nodeId == null) {
      throw new BodyException("node_id", "required");
    }
    return new NodeRegistration(
        nodeId,
        BodyFields.uuid(j, "instance_id"),
        j.getString("host"),
        BodyFields.object(j, "labels", new JsonObject()),
        BodyFields.integer(j, "slots", 1),
        BodyFields.array(j, "encoders", new JsonArray()),
        BodyFields.object(j, "power", new JsonObject()),
        BodyFields.object(j, "hardware", new JsonObject()),
        j.getString("cluster_node"),
        metricsAddress(BodyFields.string(j, "metrics_address", null)));
  }
}

package io.ffrtmp.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A master's answer to a {@link Heartbeat}: whether the node is up or draining, and which of the
 * jobs it listed it no longer holds (their leases went to another attempt), so the worker stops
 * them.
 */
public record HeartbeatReply(NodeState state, List<UUID> revoked) {

  public HeartbeatReply {
    revoked = List.copyOf(revoked);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("state", state.id())
        .put(
            "revoked",
            new JsonArray(new ArrayList<>(revoked.stream().map(UUID::toString).toList())));
  }

  public static HeartbeatReply fromJson(JsonObject j) {
    JsonArray ids = BodyFields.array(j, "revoked", new JsonArray());
    List<UUID> revoked = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.getString(i);
      try {
        revoked.add(UUID.fromString(id));
      } catch (RuntimeException e) {
        throw new BodyException("revoked[" + i + "]", "'" + id + "' is not a UUID");
      }
    }
    return new HeartbeatReply(NodeState.in(j), revoked);
  }
}

package io.ffrtmp.cluster;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A node as the masters see it: up (takes work), draining (finishes what runs, takes nothing new),
 * or lost.
 */
public enum NodeState {
  UP,
  DRAINING,
  LOST;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static NodeState of(String id) {
    for (NodeState s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    throw new BodyException(
        "state",
        "accepted: "
            + Arrays.stream(values()).map(NodeState::id).collect(Collectors.joining(", ")));
  }

  /** The {@code state} of a node or of a heartbeat's reply; up when absent. */
  public static NodeState in(JsonObject j) {
    return of(BodyFields.string(j, "state", UP.id()));
  }
}

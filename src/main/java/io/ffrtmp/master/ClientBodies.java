package io.ffrtmp.master;

import io.ffrtmp.cluster.BodyFields;
import io.vertx.core.json.JsonObject;

/** Fields several client addresses share, each with its default. */
final class ClientBodies {

  private ClientBodies() {}

  /** Who asks, for the job's history. */
  static String actor(JsonObject body) {
    return BodyFields.string(body, "actor", "api");
  }

  /** Why a cancel was asked for. */
  static String reason(JsonObject body) {
    return BodyFields.string(body, "reason", "canceled");
  }
}

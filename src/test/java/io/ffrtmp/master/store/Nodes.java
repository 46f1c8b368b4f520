package io.ffrtmp.master.store;

import static io.ffrtmp.support.Await.await;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Registers test nodes the way a worker does, so claims see them. */
final class Nodes {

  static final JsonArray SOFTWARE = new JsonArray().add("libx264").add("libx265").add("libsvtav1");

  private Nodes() {}

  static UUID register(Pool pool, String nodeId) throws Exception {
    return register(pool, nodeId, SOFTWARE, Map.of());
  }

  static UUID register(Pool pool, String nodeId, JsonArray encoders, Map<String, String> labels)
      throws Exception {
    UUID instance = UUID.randomUUID();
    await(
        new NodeStore(pool)
            .register(
                new JsonObject()
                    .put("node_id", nodeId)
                    .put("instance_id", instance.toString())
                    .put("host", "test")
                    .put("slots", 1)
                    .put("encoders", encoders)
                    .put("labels", new JsonObject(new TreeMap<String, Object>(labels))),
                Duration.ofSeconds(10)),
        30);
    return instance;
  }
}

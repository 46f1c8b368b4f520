package io.ffrtmp.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Several starts and results of one worker in one request ({@link Addresses#JOB_UPDATES}), applied
 * in order; answered with a {@link JobUpdatesReply} in the same order.
 *
 * @param nodeId the node that reports (the actor of each move); {@link JobReport#UNNAMED_NODE} when
 *     absent
 * @param updates 1 to {@link Addresses#MAX_BATCH} reports
 */
public record JobUpdates(String nodeId, List<JobReport> updates) {

  public JobUpdates {
    updates = List.copyOf(updates);
  }

  public JsonObject toJson() {
    JsonArray items = new JsonArray(new ArrayList<>(updates.size()));
    updates.forEach(u -> items.add(u.toJson()));
    return new JsonObject().put("node_id", nodeId).put("updates", items);
  }

  /**
   * Refuses the whole batch, naming {@code updates[i].field}, when any report in it is malformed.
   */
  public static JobUpdates fromJson(JsonObject j) {
    JsonArray items = BodyFields.array(j, "updates", new JsonArray());
    if (items.isEmpty() || items.size() > Addresses.MAX_BATCH) {
      throw new BodyException("updates", "required, 1 to " + Addresses.MAX_BATCH + " reports");
    }
    List<JobReport> updates = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) {
      updates.add(BodyFields.item(items, "updates", i, JobReport::fromJson));
    }
    return new JobUpdates(BodyFields.string(j, "node_id", JobReport.UNNAMED_NODE), updates);
  }
}

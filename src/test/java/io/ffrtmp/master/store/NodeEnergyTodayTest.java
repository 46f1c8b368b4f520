package io.ffrtmp.master.store;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.Campaign;
import io.ffrtmp.support.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fleet view's {@code energy_today} on the node listing: the energy of each node's jobs that
 * finished since midnight UTC, summed in one query, with whether it was measured, estimated or a
 * mix.
 */
class NodeEnergyTodayTest {

  static Vertx vertx;
  static Pool pool;

  @BeforeAll
  static void up() throws Exception {
    vertx = Vertx.vertx();
    pool = await(TestDatabases.open(vertx, "embedded"), 120);
  }

  @AfterAll
  static void down() throws Exception {
    pool.close();
    await(vertx.close(), 30);
  }

  @Test
  void sumsTodaysFinishedJobsPerNodeAndSaysHowTheyWereMeasured() throws Exception {
    for (String node : List.of("mixed-1", "measured-1", "yesterday-1", "idle-1")) {
      Nodes.register(pool, node);
    }
    UUID campaign =
        await(
            new JobStore(pool)
                .createCampaign(
                    Campaign.parse(
                        new JsonObject(
                            "{\"configurations\": [{\"name\": \"a\"}, {\"name\": \"b\"},"
                                + " {\"name\": \"c\"}, {\"name\": \"d\"}, {\"name\": \"e\"},"
                                + " {\"name\": \"f\"}]}"),
                        "energy"),
                    "test"),
            30);
    List<UUID> jobs = new ArrayList<>();
    for (Row r :
        await(
            pool.preparedQuery("SELECT id FROM jobs WHERE campaign_id = $1 ORDER BY seq")
                .execute(Tuple.of(campaign)),
            30)) {
      jobs.add(r.getUUID("id"));
    }
    finished(jobs.get(0), "mixed-1", "now()", energy(10.25, "measured"));
    finished(jobs.get(1), "mixed-1", "now()", energy(5.5, "estimated"));
    // A result without energy figures (a failed attempt) counts for nothing.
    finished(jobs.get(2), "mixed-1", "now()", new JsonObject().put("error", "boom"));
    finished(jobs.get(3), "measured-1", "now()", energy(2.0, "measured"));
    finished(jobs.get(4), "measured-1", "now()", energy(3.0, "measured"));
    finished(
        jobs.get(5),
        "yesterday-1",
        "date_trunc('day', now(), 'UTC') - interval '1 hour'",
        energy(99.0, "measured"));

    Map<String, Object> today =
        await(new NodeStore(pool).list(), 30).stream()
            .collect(
                Collectors.toMap(
                    n -> n.getString("node_id"),
                    n -> n.getValue("energy_today") == null ? "none" : n.getValue("energy_today")));
    assertThat(today.get("mixed-1"))
        .isEqualTo(
            new JsonObject().put("joules", 15.75).put("jobs", 2L).put("provenance", "mixed"));
    assertThat(today.get("measured-1"))
        .isEqualTo(
            new JsonObject().put("joules", 5.0).put("jobs", 2L).put("provenance", "measured"));
    assertThat(today.get("yesterday-1")).isEqualTo("none");
    assertThat(today.get("idle-1")).isEqualTo("none");
    JsonObject one = await(new NodeStore(pool).get("measured-1"), 30).orElseThrow();
    assertThat(one.getJsonObject("energy_today").getDouble("joules")).isEqualTo(5.0);
  }

  private static JsonObject energy(double joules, String provenance) {
    return new JsonObject()
        .put("energy", new JsonObject().put("total_joules", joules).put("provenance", provenance));
  }

  private static void finished(UUID job, String node, String at, JsonObject result)
      throws Exception {
    await(
        pool.preparedQuery(
                "UPDATE jobs SET state = 'succeeded', node_id = $2, finished_at = "
                    + at
                    + " WHERE id = $1")
            .execute(Tuple.of(job, node)),
        30);
    await(
        pool.preparedQuery("INSERT INTO results (job_id, attempt, result) VALUES ($1, 1, $2)")
            .execute(Tuple.of(job, result)),
        30);
  }
}

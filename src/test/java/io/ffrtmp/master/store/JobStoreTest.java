package io.ffrtmp.master.store;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobState;
import io.ffrtmp.support.TestDatabases;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The job store against real PostgreSQL: the embedded server and, when configured, the external
 * one.
 */
class JobStoreTest {

  static Vertx vertx;

  @BeforeAll
  static void up() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void down() throws Exception {
    await(vertx.close(), 30);
  }

  static List<String> servers() {
    return TestDatabases.servers();
  }

  interface PoolTest {
    void run(Pool pool) throws Exception;
  }

  /**
   * A fresh, migrated database on the named server for one test; closed afterwards whatever
   * happens.
   */
  private static void withPool(String server, PoolTest test) throws Exception {
    Pool pool = await(TestDatabases.open(vertx, server), 120);
    try {
      test.run(pool);
    } finally {
      pool.close();
    }
  }

  private static Campaign campaign(int configs, int repeat) {
    StringBuilder sb = new StringBuilder("{\"name\": \"t\", \"configurations\": [");
    for (int i = 0; i < configs; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"video\": {\"crf\": ").append(20 + i).append("}}");
    }
    return Campaign.parse(
        new JsonObject(sb.append("], \"repeat\": ").append(repeat).append('}').toString()), "t");
  }

  @ParameterizedTest
  @MethodSource("servers")
  void migrationsAreVersionedAndIdempotent(String server) throws Exception {
    withPool(
        server,
        pool -> {
          assertThat(await(new Migrations(pool).apply(), 30)).isEqualTo(Migrations.STEPS.size());
          var rows =
              await(
                  pool.query("SELECT version, name FROM schema_version ORDER BY version").execute(),
                  30);
          assertThat(rows.size()).isEqualTo(Migrations.STEPS.size());
        });
  }

  @ParameterizedTest
  @MethodSource("servers")
  void aLargeCampaignIsStoredInChunksInOrder(String server) throws Exception {
    withPool(
        server,
        pool -> {
          // 31 configurations x 40 repetitions: 1,240 jobs, three insert chunks.
          UUID id = await(new JobStore(pool).createCampaign(campaign(31, 40), "test"), 60);
          var rows =
              await(
                  pool.preparedQuery(
                          "SELECT seq, repetition, config_key, (SELECT count(*) FROM job_events e"
                              + " WHERE e.job_id = j.id) AS events FROM jobs j WHERE campaign_id ="
                              + " $1 ORDER BY seq")
                      .execute(Tuple.of(id)),
                  30);
          assertThat(rows.size()).isEqualTo(1240);
          int seq = 0;
          for (var r : rows) {
            assertThat(r.getInteger("seq")).isEqualTo(seq);
            assertThat(r.getInteger("repetition")).isEqualTo(seq / 31 + 1);
            assertThat(r.getLong("events")).isEqualTo(1);
            seq++;
          }
        });
  }

  @ParameterizedTest
  @MethodSource("servers")
  void aCampaignWhoseLastChunkFailsLeavesNothing(String server) throws Exception {
    withPool(
        server,
        pool -> {
          Campaign good = campaign(31, 1);
          List<Campaign.Configuration> configs = new ArrayList<>();
          for (int i = 0; i < 600; i++) {
            Campaign.Configuration c = good.configurations().get(i % 31);
            // The 600th job has no key (NOT NULL in the table): the second chunk fails.
            configs.add(
                new Campaign.Configuration(
                    i == 599 ? null : c.key() + " #" + i, c.spec(), c.origin()));
          }
          Campaign bad =
              new Campaign("bad", "", good.source(), configs, 1, 0, good.qualityMetric());
          assertThatThrownBy(() -> await(new JobStore(pool).createCampaign(bad, "test"), 60))
              .hasMessageContaining("null");
          var left =
              await(
                      pool.query(
                              "SELECT (SELECT count(*) FROM jobs) AS jobs, (SELECT count(*) FROM"
                                  + " campaigns) AS c, (SELECT count(*) FROM job_events) AS events")
                          .execute(),
                      30)
                  .iterator()
                  .next();
          assertThat(left.getLong("jobs")).isZero();
          assertThat(left.getLong("c")).isZero();
          assertThat(left.getLong("events")).isZero();
        });
  }

  @ParameterizedTest
  @MethodSource("servers")
  void campaignJobsAreClaimedOnceEachInOrderAndEveryChangeIsAnEvent(String server)
      throws Exception {
    withPool(
        server,
        pool -> {
          JobStore store = new JobStore(pool);
          UUID id = await(store.createCampaign(campaign(3, 2), "test"), 30);
          UUID[] instances = {Nodes.register(pool, "node-0"), Nodes.register(pool, "node-1")};
          // Seven concurrent claims on a four-connection pool: six distinct jobs, none twice.
          List<Future<List<JobLease>>> claims = new ArrayList<>();
          for (int i = 0; i < 7; i++) {
            claims.add(store.claim("node-" + (i % 2), instances[i % 2], false, 1));
          }
          await(Future.join(claims), 30);
          Set<UUID> ids = new HashSet<>();
          int empty = 0;
          for (Future<List<JobLease>> c : claims) {
            assertThat(c.result()).hasSizeLessThanOrEqualTo(1);
            if (c.result().isEmpty()) {
              empty++;
            } else {
              assertThat(ids.add(c.result().get(0).jobId())).isTrue();
            }
          }
          assertThat(ids).hasSize(6);
          assertThat(empty).isEqualTo(1);

          JobLease lease = claims.get(0).result().get(0);
          assertThat(lease.attempt()).isEqualTo(1);
          assertThat(
                  await(
                      store.move(
                          lease.jobId(),
                          lease.fencingToken(),
                          JobState.RUNNING,
                          "node-0",
                          "started"),
                      30))
              .isEqualTo(JobState.RUNNING);
          JsonObject result = new JsonObject().put("frames", 60);
          await(
              store.complete(
                  lease.jobId(),
                  lease.fencingToken(),
                  JobState.SUCCEEDED,
                  false,
                  result,
                  "node-0",
                  "finished"),
              30);
          // Delivered twice: harmless.
          await(
              store.complete(
                  lease.jobId(),
                  lease.fencingToken(),
                  JobState.SUCCEEDED,
                  false,
                  result,
                  "node-0",
                  "finished"),
              30);

          List<JsonObject> events = await(store.events(lease.jobId()), 30);
          assertThat(events)
              .extracting(e -> e.getString("to"))
              .containsExactly("queued", "leased", "running", "succeeded");
          assertThat(events.get(1).getString("actor")).startsWith("node-");

          List<JsonObject> results = await(store.campaignResults(id), 30);
          assertThat(results).hasSize(6);
          assertThat(
                  results.stream()
                      .filter(r -> r.getString("job_id").equals(lease.jobId().toString()))
                      .findFirst()
                      .orElseThrow()
                      .getInteger("frames"))
              .isEqualTo(60);
        });
  }

  @ParameterizedTest
  @MethodSource("servers")
  void staleFencingTokenIsRefused(String server) throws Exception {
    withPool(
        server,
        pool -> {
          JobStore store = new JobStore(pool);
          await(store.createCampaign(campaign(1, 1), "test"), 30);
          JobLease lease =
              await(store.claim("n1", Nodes.register(pool, "n1"), false, 1), 30).get(0);
          assertThatThrownBy(
                  () ->
                      await(
                          store.move(
                              lease.jobId(),
                              lease.fencingToken() - 1,
                              JobState.RUNNING,
                              "n1",
                              "late"),
                          30))
              .isInstanceOf(JobStore.StaleLeaseException.class);
          assertThatThrownBy(
                  () ->
                      await(
                          store.complete(
                              lease.jobId(),
                              lease.fencingToken() + 1,
                              JobState.SUCCEEDED,
                              false,
                              new JsonObject(),
                              "n1",
                              "late"),
                          30))
              .isInstanceOf(JobStore.StaleLeaseException.class);
          assertThat(await(store.campaignResults(lease.campaignId()), 30).get(0).getString("state"))
              .isEqualTo("leased");
        });
  }

  @ParameterizedTest
  @MethodSource("servers")
  void cancelingACampaignStopsWhatHasNotFinished(String server) throws Exception {
    withPool(
        server,
        pool -> {
          JobStore store = new JobStore(pool);
          UUID id = await(store.createCampaign(campaign(2, 2), "test"), 30);
          await(store.claim("n1", Nodes.register(pool, "n1"), false, 1), 30);
          // Every unfinished job, the leased one too (its worker is told to stop by the master).
          assertThat(await(store.cancelQueued(id, "test", "user asked"), 30)).isEqualTo(4);
          var states = await(store.campaignStates(id), 30);
          assertThat(states).containsEntry(JobState.CANCELED, 4);
        });
  }

  /**
   * {@code repeat: "auto"}: a steady configuration stops at the minimum, a noisy one at the cap;
   * results delivered in a batch ({@link JobStore#apply}) and one by one ({@link
   * JobStore#complete}) both decide, and the campaign never shows no open job before the last run.
   */
  @ParameterizedTest
  @MethodSource("servers")
  void autoRepeatQueuesRunsUntilTheIntervalIsTightOrTheCap(String server) throws Exception {
    withPool(
        server,
        pool -> {
          JobStore store = new JobStore(pool);
          Campaign c =
              Campaign.parse(
                  new JsonObject(
                      """
                      {"name": "auto", "configurations": [{"video": {"crf": 20}}, {"video": {"crf": 30}}],
                       "repeat": "auto", "repeat_auto": {"ci_within": 0.03, "min": 3, "max": 5}}\
                      """),
                  "auto");
          assertThat(c.jobCount()).isEqualTo(6);
          UUID id = await(store.createCampaign(c, "test"), 30);
          UUID instance = Nodes.register(pool, "n1");
          String steady = c.configurations().get(0).key();
          int[] noisy = {0};
          int finished = 0;
          boolean batch = false;
          while (true) {
            List<JobLease> leases = await(store.claim("n1", instance, false, 1), 30);
            if (leases.isEmpty()) {
              break;
            }
            JobLease lease = leases.get(0);
            double jpf = lease.configKey().equals(steady) ? 0.5 : (noisy[0]++ % 2 == 0 ? 1.0 : 2.0);
            JsonObject result =
                new JsonObject().put("energy", new JsonObject().put("joules_per_frame", jpf));
            if (batch) {
              List<JobStore.Applied> applied =
                  await(
                      store.apply(
                          "n1",
                          List.of(
                              new JobStore.Update(
                                  lease.jobId(),
                                  lease.fencingToken(),
                                  JobState.RUNNING,
                                  false,
                                  null,
                                  null),
                              new JobStore.Update(
                                  lease.jobId(),
                                  lease.fencingToken(),
                                  JobState.SUCCEEDED,
                                  false,
                                  result,
                                  null))),
                      30);
              // The result moved through the transactional path is news for the bus, with its
              // campaign: a bench waiting for the campaign's end hears of it.
              JobStore.Applied done = applied.get(1);
              assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
              assertThat(done.from()).isEqualTo(JobState.RUNNING);
              assertThat(done.campaignId()).isEqualTo(id);
              assertThat(done.configKey()).isEqualTo(lease.configKey());
            } else {
              await(
                  store.move(
                      lease.jobId(), lease.fencingToken(), JobState.RUNNING, "n1", "started"),
                  30);
              await(
                  store.complete(
                      lease.jobId(),
                      lease.fencingToken(),
                      JobState.SUCCEEDED,
                      false,
                      result,
                      "n1",
                      "finished"),
                  30);
            }
            batch = !batch;
            finished++;
            var states = await(store.campaignStates(id), 30);
            int open =
                states.entrySet().stream()
                    .filter(e -> !e.getKey().terminal())
                    .mapToInt(e -> e.getValue())
                    .sum();
            if (finished < 8) {
              assertThat(open).as("after %d runs", finished).isPositive();
            }
          }
          List<JsonObject> results = await(store.campaignResults(id), 30);
          assertThat(results).hasSize(8);
          assertThat(results.stream().filter(r -> steady.equals(r.getString("config_key"))))
              .hasSize(3);
          assertThat(
                  results.stream()
                      .filter(r -> !steady.equals(r.getString("config_key")))
                      .map(r -> r.getInteger("repetition")))
              .containsExactlyInAnyOrder(1, 2, 3, 4, 5);
          UUID added =
              UUID.fromString(
                  results.stream()
                      .filter(r -> Integer.valueOf(5).equals(r.getInteger("repetition")))
                      .findFirst()
                      .orElseThrow()
                      .getString("job_id"));
          assertThat(await(store.events(added), 30).get(0).getString("reason"))
              .startsWith("repeat auto: run 5 of at most 5");
        });
  }
}

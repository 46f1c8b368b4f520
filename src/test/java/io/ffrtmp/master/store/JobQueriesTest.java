package io.ffrtmp.master.store;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.job.DispatchSettings;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobState;
import io.ffrtmp.job.SpecException;
import io.ffrtmp.support.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API's job queries against real PostgreSQL (embedded, and the external server when
 * configured).
 */
class JobQueriesTest {

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

  private static JobSpec spec(String queue) {
    return JobSpec.fromJson(
        new JsonObject().put("queue", queue).put("input", new JsonObject().put("duration_s", 1)));
  }

  private static long count(Pool pool, String sql) throws Exception {
    return await(pool.query(sql).execute(), 30).iterator().next().getLong(0);
  }

  @ParameterizedTest
  @MethodSource("servers")
  void aSubmittedJobIsStoredWithItsQueuedEventAndPagesWalkNewestFirst(String server)
      throws Exception {
    Pool pool = await(TestDatabases.open(vertx, server), 120);
    try {
      JobQueries q = new JobQueries(pool, DispatchSettings.DEFAULTS.maxAttempts());
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        ids.add(await(q.submit(spec(i < 3 ? "live" : "batch"), "test"), 30).getString("job_id"));
      }
      assertThat(count(pool, "SELECT count(*) FROM jobs WHERE campaign_id IS NULL")).isEqualTo(5);
      assertThat(
              count(
                  pool,
                  "SELECT count(*) FROM job_events WHERE to_state = 'queued' AND from_state IS"
                      + " NULL"))
          .isEqualTo(5);

      List<String> walked = new ArrayList<>();
      String cursor = null;
      do {
        JobQueries.Page p = await(q.list(new JobQueries.Filter(null, null, null, cursor, 2)), 30);
        p.jobs().forEach(j -> walked.add(j.getString("job_id")));
        cursor = p.nextCursor();
      } while (cursor != null);
      List<String> newestFirst = new ArrayList<>(ids);
      Collections.reverse(newestFirst);
      assertThat(walked).isEqualTo(newestFirst);

      JobQueries.Page live =
          await(
              q.list(new JobQueries.Filter(JobState.QUEUED, JobSpec.Queue.LIVE, null, null, 50)),
              30);
      assertThat(live.jobs())
          .extracting(j -> j.getString("job_id"))
          .containsExactlyInAnyOrderElementsOf(ids.subList(0, 3));
      assertThat(live.nextCursor()).isNull();
      assertThat(
              await(q.list(new JobQueries.Filter(null, null, UUID.randomUUID(), null, 50)), 30)
                  .jobs())
          .isEmpty();
      assertThatThrownBy(() -> q.list(new JobQueries.Filter(null, null, null, "garbage!", 5)))
          .isInstanceOf(SpecException.class)
          .hasFieldOrPropertyWithValue("field", "cursor");
    } finally {
      pool.close();
    }
  }

  @ParameterizedTest
  @MethodSource("servers")
  void cancelAndRetryFollowTheStateMachineAndRecordEvents(String server) throws Exception {
    Pool pool = await(TestDatabases.open(vertx, server), 120);
    try {
      JobQueries q = new JobQueries(pool, DispatchSettings.DEFAULTS.maxAttempts());
      UUID id = UUID.fromString(await(q.submit(spec("default"), "test"), 30).getString("job_id"));
      assertThat(await(q.retry(id, "op"), 30).outcome()).isEqualTo(JobQueries.Outcome.CONFLICT);
      assertThat(await(q.cancel(id, "op", "no longer wanted"), 30).outcome())
          .isEqualTo(JobQueries.Outcome.DONE);
      assertThat(await(q.cancel(id, "op", "again"), 30))
          .isEqualTo(new JobQueries.Change(JobQueries.Outcome.CONFLICT, JobState.CANCELED, 0));
      assertThat(await(q.retry(id, "op"), 30).outcome()).isEqualTo(JobQueries.Outcome.DONE);
      JsonObject job = await(q.get(id), 30).orElseThrow();
      assertThat(job.getString("state")).isEqualTo("queued");
      assertThat(job.getString("error")).isNull();
      assertThat(
              job.getJsonArray("events").stream()
                  .map(e -> ((JsonObject) e).getString("to"))
                  .toList())
          .containsExactly("queued", "canceled", "queued");
      // A leased job is the worker's to stop: the store leaves it alone and says so.
      await(
          pool.preparedQuery("UPDATE jobs SET state = 'leased', node_id = 'node-1' WHERE id = $1")
              .execute(Tuple.of(id)),
          30);
      assertThat(await(q.cancel(id, "op", "stop"), 30).outcome())
          .isEqualTo(JobQueries.Outcome.CANCEL_REQUESTED);
      assertThat(await(q.cancel(UUID.randomUUID(), "op", "x"), 30).outcome())
          .isEqualTo(JobQueries.Outcome.NOT_FOUND);
      assertThat(await(q.get(UUID.randomUUID()), 30)).isEmpty();
    } finally {
      pool.close();
    }
  }
}

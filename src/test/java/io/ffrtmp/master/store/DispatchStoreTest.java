package io.ffrtmp.master.store;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.DispatchSettings;
import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobState;
import io.ffrtmp.support.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatch rules in the store, against real PostgreSQL, with several registered nodes: order,
 * capability and selector routing without head-of-line blocking, drain, fencing, leases, retries,
 * stalls and node identity.
 */
class DispatchStoreTest {

  static Vertx vertx;
  Pool pool;
  JobStore store;
  NodeStore nodes;
  JobQueries queries;

  static final DispatchSettings SETTINGS =
      new DispatchSettings(
          Duration.ofMillis(500),
          Duration.ofSeconds(3),
          Duration.ofSeconds(30),
          Duration.ofSeconds(20),
          Duration.ofSeconds(10),
          Duration.ofMinutes(1),
          3,
          Duration.ofSeconds(1));

  @BeforeAll
  static void up() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void down() throws Exception {
    await(vertx.close(), 30);
  }

  @BeforeEach
  void db() throws Exception {
    pool = await(TestDatabases.open(vertx, "embedded"), 120);
    store = new JobStore(pool, SETTINGS);
    nodes = new NodeStore(pool);
    queries = new JobQueries(pool, SETTINGS.maxAttempts());
  }

  @AfterEach
  void close() {
    pool.close();
  }

  private UUID submit(String name, String json) throws Exception {
    return await(store.createCampaign(Campaign.parse(new JsonObject(json), name), "test"), 30);
  }

  /** The one best job for an idle node with one free slot, as a worker asks for it. */
  private Optional<JobLease> claim(String node, UUID instance) throws Exception {
    return await(store.claim(node, instance, false, 1), 30).stream().findFirst();
  }

  private String configOf(Optional<JobLease> lease) {
    return lease.orElseThrow().spec().name();
  }

  private void sql(String sql, Object... params) throws Exception {
    await(pool.preparedQuery(sql).execute(Tuple.wrap(params)), 30);
  }

  /** What the store told its observer: the master's meters count from exactly these calls. */
  static final class Recorded implements JobOutcomes {
    final List<UUID> finished = new java.util.concurrent.CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicInteger leased =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger retried =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void leased(List<Leased> l) {
      leased.addAndGet(l.size());
    }

    @Override
    public void finished(List<UUID> ids) {
      finished.addAll(ids);
    }

    @Override
    public void retried(int n) {
      retried.addAndGet(n);
    }
  }

  @Test
  void eachMoveIsToldOnceWhateverIsDeliveredAgain() throws Exception {
    Recorded seen = new Recorded();
    store.observe(seen);
    JobQueries observed = JobQueries.of(store);
    UUID cpu = Nodes.register(pool, "cpu-1");
    submit(
        "three",
        """
        {"configurations": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}\
        """);
    JobLease a = claim("cpu-1", cpu).orElseThrow();
    JobLease b = claim("cpu-1", cpu).orElseThrow();
    assertThat(seen.leased.get()).isEqualTo(2);
    for (JobLease l : List.of(a, b)) {
      await(store.move(l.jobId(), l.fencingToken(), JobState.RUNNING, "cpu-1", "started"), 30);
    }
    JobStore.Update done =
        new JobStore.Update(
            a.jobId(), a.fencingToken(), JobState.SUCCEEDED, false, new JsonObject(), null);
    JobStore.Update retryable =
        new JobStore.Update(
            b.jobId(), b.fencingToken(), JobState.FAILED, true, new JsonObject(), "oom");
    // Once in a batch (the fast path), then again in a batch and alone (repeats).
    await(store.apply("cpu-1", List.of(done, retryable)), 30);
    await(store.apply("cpu-1", List.of(done, retryable)), 30);
    await(
        store.complete(
            a.jobId(),
            a.fencingToken(),
            JobState.SUCCEEDED,
            false,
            new JsonObject(),
            "cpu-1",
            "finished"),
        30);
    await(
        store.complete(
            b.jobId(), b.fencingToken(), JobState.FAILED, true, new JsonObject(), "cpu-1", "oom"),
        30);
    assertThat(seen.finished).containsExactly(a.jobId());
    assertThat(seen.retried.get()).isEqualTo(1);
    // An operator's cancel of a queued job is a final state too; a second cancel is a conflict.
    UUID c =
        await(queries.list(new JobQueries.Filter(JobState.QUEUED, null, null, null, 5)), 30)
            .jobs()
            .stream()
            .map(j -> UUID.fromString(j.getString("job_id")))
            .filter(id -> !id.equals(b.jobId()))
            .findFirst()
            .orElseThrow();
    await(observed.cancel(c, "op", "not needed"), 30);
    await(observed.cancel(c, "op", "not needed"), 30);
    assertThat(seen.finished).containsExactly(a.jobId(), c);
    List<JobStore.FinishedJob> facts = await(store.finishedJobs(List.of(a.jobId(), c)), 30);
    assertThat(facts)
        .extracting(JobStore.FinishedJob::state)
        .containsExactlyInAnyOrder(JobState.SUCCEEDED, JobState.CANCELED);
  }

  @Test
  void liveBeforeDefaultBeforeBatchThenPriorityThenAge() throws Exception {
    UUID cpu = Nodes.register(pool, "cpu-1");
    submit(
        "batch",
        """
        {"configurations": [{"name": "batch-high", "queue": "batch", "priority": "high"}]}\
        """);
    submit(
        "default",
        """
        {"configurations": [{"name": "default-low", "priority": "low"}, {"name": "default-high", "priority": "high"}]}\
        """);
    submit(
        "live",
        """
        {"configurations": [{"name": "live-medium", "queue": "live"}]}\
        """);
    submit(
        "default2",
        """
        {"configurations": [{"name": "default-high-later", "priority": "high"}]}\
        """);
    List<String> order = new ArrayList<>();
    Optional<JobLease> l;
    while ((l = claim("cpu-1", cpu)).isPresent()) {
      order.add(configOf(l));
      await(
          store.move(l.get().jobId(), l.get().fencingToken(), JobState.RUNNING, "cpu-1", "started"),
          30);
      await(
          store.complete(
              l.get().jobId(),
              l.get().fencingToken(),
              JobState.SUCCEEDED,
              false,
              new JsonObject(),
              "cpu-1",
              "done"),
          30);
    }
    assertThat(order)
        .containsExactly(
            "live-medium", "default-high", "default-high-later", "default-low", "batch-high");
  }

  private List<String> claimMany(String node, UUID instance, boolean busy, int max)
      throws Exception {
    return await(store.claim(node, instance, busy, max), 30).stream()
        .map(l -> l.spec().name())
        .toList();
  }

  @Test
  void aWorkRequestForSeveralSlotsLeasesTheBestShareableJobsEachWithItsOwnToken() throws Exception {
    UUID a = Nodes.register(pool, "node-a");
    submit(
        "shared",
        """
        {"base": {"measure": {"exclusive": false}},
         "configurations": [{"name": "s1"}, {"name": "s2"}, {"name": "s3", "priority": "high"}, {"name": "s4"},
                            {"name": "gpu", "video": {"encoder": "h264_nvenc"}}]}\
        """);
    Nodes.register(pool, "gpu-1", new JsonArray().add("h264_nvenc"), Map.of());
    List<JobLease> leases = await(store.claim("node-a", a, false, 3), 30);
    // Priority first, then age; the GPU job is not this node's and blocks nothing.
    assertThat(leases).extracting(l -> l.spec().name()).containsExactly("s3", "s1", "s2");
    assertThat(leases).extracting(JobLease::fencingToken).doesNotHaveDuplicates();
    assertThat(leases).allSatisfy(l -> assertThat(l.attempt()).isEqualTo(1));
    assertThat(claimMany("node-a", a, true, 10)).containsExactly("s4");
    assertThat(claimMany("node-a", a, true, 10)).isEmpty();
    for (JobLease l : leases) {
      assertThat(await(store.events(l.jobId()), 30))
          .extracting(e -> e.getString("to"))
          .containsExactly("queued", "leased");
    }
  }

  @Test
  void anExclusiveJobComesAloneAndOnlyToAnIdleNode() throws Exception {
    UUID a = Nodes.register(pool, "node-a");
    submit(
        "mixed",
        """
        {"configurations": [{"name": "excl-first", "priority": "high"},
                            {"name": "shared-1", "measure": {"exclusive": false}},
                            {"name": "excl-later"},
                            {"name": "shared-2", "measure": {"exclusive": false}}]}\
        """);
    // Best first is exclusive: it alone, though four slots are free.
    assertThat(claimMany("node-a", a, false, 4)).containsExactly("excl-first");
    // The node now runs a job: only shareable jobs, passing over the exclusive one between them.
    assertThat(claimMany("node-a", a, true, 4)).containsExactly("shared-1", "shared-2");
    assertThat(claimMany("node-a", a, true, 4)).isEmpty();
    // Idle again: the exclusive job left behind is taken, alone.
    assertThat(claimMany("node-a", a, false, 4)).containsExactly("excl-later");
  }

  @Test
  void aBatchOfReportsIsAppliedInOrderEachWithItsOwnOutcome() throws Exception {
    UUID a = Nodes.register(pool, "node-a");
    submit(
        "batch",
        """
        {"base": {"measure": {"exclusive": false}},
         "configurations": [{"name": "ok"}, {"name": "fails"}, {"name": "flaky"}, {"name": "stale"}, {"name": "both"}]}\
        """);
    List<JobLease> l = await(store.claim("node-a", a, false, 4), 30);
    assertThat(l).hasSize(4);
    JobLease ok = l.get(0);
    JobLease fails = l.get(1);
    JobLease flaky = l.get(2);
    JobLease stale = l.get(3);
    List<JobStore.Applied> started =
        await(
            store.apply(
                "node-a",
                List.of(
                    new JobStore.Update(
                        ok.jobId(), ok.fencingToken(), JobState.RUNNING, false, null, null),
                    new JobStore.Update(
                        fails.jobId(), fails.fencingToken(), JobState.RUNNING, false, null, null),
                    new JobStore.Update(
                        flaky.jobId(), flaky.fencingToken(), JobState.RUNNING, false, null, null),
                    new JobStore.Update(
                        stale.jobId(),
                        stale.fencingToken() + 1000,
                        JobState.RUNNING,
                        false,
                        null,
                        null))),
            30);
    assertThat(started)
        .extracting(JobStore.Applied::jobId)
        .containsExactly(ok.jobId(), fails.jobId(), flaky.jobId(), stale.jobId());
    assertThat(started.subList(0, 3))
        .allSatisfy(
            x -> {
              assertThat(x.state()).isEqualTo(JobState.RUNNING);
              assertThat(x.from()).isEqualTo(JobState.LEASED);
              assertThat(x.attempt()).isEqualTo(1);
              assertThat(x.failure()).isNull();
            });
    assertThat(started.get(0).configKey()).isEqualTo(ok.configKey());
    assertThat(started.get(3).failure()).isInstanceOf(JobStore.StaleLeaseException.class);

    JobStore.Update done =
        new JobStore.Update(
            ok.jobId(),
            ok.fencingToken(),
            JobState.SUCCEEDED,
            false,
            new JsonObject().put("frames", 25),
            null);
    List<JobStore.Applied> ended =
        await(
            store.apply(
                "node-a",
                List.of(
                    done,
                    new JobStore.Update(
                        fails.jobId(),
                        fails.fencingToken(),
                        JobState.FAILED,
                        false,
                        new JsonObject(),
                        "encoder missing"),
                    new JobStore.Update(
                        flaky.jobId(),
                        flaky.fencingToken(),
                        JobState.FAILED,
                        true,
                        new JsonObject(),
                        "spawn failed"))),
            30);
    assertThat(ended)
        .extracting(JobStore.Applied::state)
        .containsExactly(JobState.SUCCEEDED, JobState.FAILED, JobState.RETRY_WAIT);
    assertThat(ended)
        .extracting(JobStore.Applied::from)
        .containsExactly(JobState.RUNNING, JobState.RUNNING, JobState.RUNNING);
    JsonObject okJob = await(queries.get(ok.jobId()), 30).orElseThrow();
    assertThat(okJob.getJsonObject("result").getInteger("frames")).isEqualTo(25);
    JsonObject failed = await(queries.get(fails.jobId()), 30).orElseThrow();
    assertThat(failed.getString("error")).isEqualTo("encoder missing");
    assertThat(failed.getString("error_class")).isEqualTo("permanent");
    assertThat(await(store.events(fails.jobId()), 30))
        .extracting(e -> e.getString("to") + ":" + e.getString("reason"))
        .containsExactly(
            "queued:campaign batch", "leased:claimed", "running:started", "failed:encoder missing");

    // A start and the same job's result in one batch: both taken, in order.
    JobLease both = await(store.claim("node-a", a, false, 1), 30).get(0);
    assertThat(
            await(
                store.apply(
                    "node-a",
                    List.of(
                        new JobStore.Update(
                            both.jobId(), both.fencingToken(), JobState.RUNNING, false, null, null),
                        new JobStore.Update(
                            both.jobId(),
                            both.fencingToken(),
                            JobState.SUCCEEDED,
                            false,
                            new JsonObject(),
                            null))),
                30))
        .extracting(JobStore.Applied::state, JobStore.Applied::from)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(JobState.RUNNING, JobState.LEASED),
            org.assertj.core.groups.Tuple.tuple(JobState.SUCCEEDED, JobState.RUNNING));

    // The same result again: taken, nothing moves, no second event.
    List<JobStore.Applied> again = await(store.apply("node-a", List.of(done)), 30);
    assertThat(again)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.state()).isEqualTo(JobState.SUCCEEDED);
              assertThat(x.from()).isNull();
            });
    assertThat(await(store.events(ok.jobId()), 30)).hasSize(4);
  }

  @Test
  void aCpuWorkerStillGetsCpuWorkWhileAGpuJobWaitsForTheGpuNode() throws Exception {
    UUID cpu = Nodes.register(pool, "cpu-1");
    UUID gpu =
        Nodes.register(
            pool, "gpu-1", new JsonArray().add("libx264").add("h264_nvenc"), Map.of("gpu", "yes"));
    // The GPU job is older and more urgent: it must not block the CPU job behind it.
    submit(
        "gpu",
        """
        {"configurations": [{"name": "nvenc", "queue": "live", "priority": "high", "video": {"encoder": "h264_nvenc"}}]}\
        """);
    submit(
        "cpu",
        """
        {"configurations": [{"name": "x264", "queue": "batch", "priority": "low"}]}\
        """);
    assertThat(configOf(claim("cpu-1", cpu))).isEqualTo("x264");
    assertThat(claim("cpu-1", cpu)).isEmpty();
    assertThat(configOf(claim("gpu-1", gpu))).isEqualTo("nvenc");
  }

  @Test
  void anEncoderNoNodeHasGoesToAnyNodeWhichFailsItWithTheReason() throws Exception {
    UUID cpu = Nodes.register(pool, "cpu-1");
    submit(
        "qsv",
        """
        {"configurations": [{"name": "qsv", "video": {"encoder": "h264_qsv"}}]}\
        """);
    assertThat(configOf(claim("cpu-1", cpu))).isEqualTo("qsv");
  }

  @Test
  void labelsAndANamedNodeSelectWhereAJobRuns() throws Exception {
    UUID a = Nodes.register(pool, "node-a", Nodes.SOFTWARE, Map.of("site", "lab", "disk", "ssd"));
    UUID b = Nodes.register(pool, "node-b", Nodes.SOFTWARE, Map.of("site", "lab"));
    submit(
        "sel",
        """
        {"configurations": [
          {"name": "needs-ssd", "requirements": {"labels": {"site": "lab", "disk": "ssd"}}},
          {"name": "only-b", "requirements": {"node": "node-b"}}]}\
        """);
    assertThat(configOf(claim("node-b", b))).isEqualTo("only-b");
    assertThat(claim("node-b", b)).isEmpty();
    assertThat(configOf(claim("node-a", a))).isEqualTo("needs-ssd");
  }

  @Test
  void aDrainingNodeTakesNothingNewUntilResumed() throws Exception {
    UUID a = Nodes.register(pool, "node-a");
    submit(
        "c",
        """
        {"configurations": [{"name": "one"}]}\
        """);
    assertThat(await(nodes.drain("node-a"), 30).orElseThrow().getString("state"))
        .isEqualTo("draining");
    assertThat(claim("node-a", a)).isEmpty();
    // Still draining after the node restarts (its old registration expired) and registers again.
    sql("UPDATE nodes SET last_seen = now() - interval '1 minute'");
    UUID again = Nodes.register(pool, "node-a");
    assertThat(claim("node-a", again)).isEmpty();
    await(nodes.resume("node-a"), 30);
    assertThat(claim("node-a", again)).isPresent();
    assertThat(await(nodes.drain("nobody"), 30)).isEmpty();
  }

  @Test
  void aProcessThatIsNotTheRegisteredOneGetsNoWork() throws Exception {
    Nodes.register(pool, "node-a");
    submit(
        "c",
        """
        {"configurations": [{"name": "one"}]}\
        """);
    assertThat(claim("node-a", UUID.randomUUID())).isEmpty();
  }

  @Test
  void aSecondLiveProcessWithTheSameIdIsRefusedUntilTheFirstIsLost() throws Exception {
    Nodes.register(pool, "node-a");
    assertThatThrownBy(() -> Nodes.register(pool, "node-a"))
        .isInstanceOf(NodeStore.NodeConflictException.class)
        .hasMessageContaining("node-a");
    // Not seen for longer than the lease: lost, and the id may be taken by a new process.
    sql("UPDATE nodes SET last_seen = now() - interval '1 minute'");
    assertThat(await(nodes.markLost(SETTINGS.lease(), null), 30)).containsExactly("node-a");
    UUID next = Nodes.register(pool, "node-a");
    assertThat(await(nodes.get("node-a"), 30).orElseThrow().getString("state")).isEqualTo("up");
    assertThatThrownBy(
            () ->
                await(
                    nodes.heartbeat(
                        "node-a",
                        UUID.randomUUID(),
                        new JsonArray(),
                        1,
                        null,
                        null,
                        SETTINGS.lease()),
                    30))
        .isInstanceOf(NodeStore.NodeConflictException.class);
    assertThat(
            await(
                    nodes.heartbeat(
                        "node-a", next, new JsonArray(), 1, 12.5, "measured", SETTINGS.lease()),
                    30)
                .getString("state"))
        .isEqualTo("up");
  }

  @Test
  void aNodeThatLeftTheClusterIsLost() throws Exception {
    UUID a = UUID.randomUUID();
    await(
        nodes.register(
            new JsonObject()
                .put("node_id", "node-a")
                .put("instance_id", a.toString())
                .put("cluster_node", "member-1"),
            SETTINGS.lease()),
        30);
    assertThat(await(nodes.markLost(SETTINGS.lease(), List.of("member-1", "member-2")), 30))
        .isEmpty();
    assertThat(await(nodes.markLost(SETTINGS.lease(), List.of("member-2")), 30))
        .containsExactly("node-a");
  }

  @Test
  void expiredLeasesGoBackToTheQueueAndTheOldTokenIsRefused() throws Exception {
    UUID a = Nodes.register(pool, "node-a");
    UUID b = Nodes.register(pool, "node-b");
    submit(
        "c",
        """
        {"configurations": [{"name": "one"}]}\
        """);
    JobLease first = claim("node-a", a).orElseThrow();
    await(
        store.move(first.jobId(), first.fencingToken(), JobState.RUNNING, "node-a", "started"), 30);
    // A heartbeat renews the lease; the sweep leaves it alone.
    JsonArray running =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("job_id", first.jobId().toString())
                    .put("fencing_token", first.fencingToken())
                    .put("activity", 5));
    assertThat(
            await(nodes.heartbeat("node-a", a, running, 0, null, null, SETTINGS.lease()), 30)
                .getJsonArray("revoked"))
        .isEmpty();
    assertThat(await(store.sweep("test"), 30)).isEmpty();
    // No heartbeat for a lease length.
    sql("UPDATE jobs SET lease_expires_at = now() - interval '1 second'");
    List<JobStore.Moved> moved = await(store.sweep("test"), 30);
    assertThat(moved)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.to()).isEqualTo(JobState.QUEUED);
              assertThat(m.reason()).contains("node-a");
            });
    JobLease second = claim("node-b", b).orElseThrow();
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    // The old attempt's worker comes back: its result is refused and its heartbeat says the job is
    // not its own.
    assertThatThrownBy(
            () ->
                await(
                    store.complete(
                        first.jobId(),
                        first.fencingToken(),
                        JobState.SUCCEEDED,
                        false,
                        new JsonObject(),
                        "node-a",
                        "late"),
                    30))
        .isInstanceOf(JobStore.StaleLeaseException.class);
    assertThat(
            await(nodes.heartbeat("node-a", a, running, 0, null, null, SETTINGS.lease()), 30)
                .getJsonArray("revoked"))
        .containsExactly(first.jobId().toString());
    assertThat(await(store.events(first.jobId()), 30))
        .extracting(e -> e.getString("to") + "#" + e.getInteger("attempt"))
        .containsExactly("queued#0", "leased#1", "running#1", "queued#1", "leased#2");
  }

  @Test
  void aLostNodesJobsAreRequeuedAndTheLastAttemptFails() throws Exception {
    UUID a = Nodes.register(pool, "node-a");
    submit(
        "c",
        """
        {"configurations": [{"name": "one"}]}\
        """);
    sql("UPDATE jobs SET max_attempts = 1");
    JobLease l = claim("node-a", a).orElseThrow();
    sql("UPDATE nodes SET state = 'lost'");
    List<JobStore.Moved> moved = await(store.sweep("test"), 30);
    assertThat(moved)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.to()).isEqualTo(JobState.FAILED);
              assertThat(m.reason()).contains("node node-a lost").contains("attempt 1 of 1");
            });
    assertThat(await(queries.get(l.jobId()), 30).orElseThrow().getString("error_class"))
        .isEqualTo("transient");
  }

  @Test
  void transientFailuresWaitWithBackoffThenRetryPermanentOnesFailAtOnce() throws Exception {
    UUID a = Nodes.register(pool, "node-a");
    submit(
        "c",
        """
        {"configurations": [{"name": "one"}, {"name": "two"}]}\
        """);
    JobLease one = claim("node-a", a).orElseThrow();
    assertThat(
            await(
                store.complete(
                    one.jobId(),
                    one.fencingToken(),
                    JobState.FAILED,
                    true,
                    new JsonObject(),
                    "node-a",
                    "could not run FFmpeg"),
                30))
        .isEqualTo(JobState.RETRY_WAIT);
    // Delivered twice: still one retry.
    assertThat(
            await(
                store.complete(
                    one.jobId(),
                    one.fencingToken(),
                    JobState.FAILED,
                    true,
                    new JsonObject(),
                    "node-a",
                    "could not run FFmpeg"),
                30))
        .isEqualTo(JobState.RETRY_WAIT);
    JsonObject waiting = await(queries.get(one.jobId()), 30).orElseThrow();
    assertThat(waiting.getString("not_before")).isNotNull();
    // The wait: 10 s base × 2^0 × [0.5, 1.5): between 5 and 15 s from now.
    var wait =
        await(
                pool.preparedQuery(
                        "SELECT extract(epoch FROM not_before - now()) AS s FROM jobs WHERE id ="
                            + " $1")
                    .execute(Tuple.of(one.jobId())),
                30)
            .iterator()
            .next()
            .getDouble("s");
    assertThat(wait).isBetween(4.0, 15.5);
    assertThat(await(store.sweep("test"), 30)).isEmpty();
    sql("UPDATE jobs SET not_before = now() - interval '1 second' WHERE state = 'retry_wait'");
    assertThat(await(store.sweep("test"), 30))
        .singleElement()
        .satisfies(m -> assertThat(m.to()).isEqualTo(JobState.QUEUED));

    JobLease two = claim("node-a", a).orElseThrow();
    assertThat(
            await(
                store.complete(
                    two.jobId(),
                    two.fencingToken(),
                    JobState.FAILED,
                    false,
                    new JsonObject(),
                    "node-a",
                    "encoder missing"),
                30))
        .isEqualTo(JobState.FAILED);
    assertThat(await(queries.get(two.jobId()), 30).orElseThrow().getString("error_class"))
        .isEqualTo("permanent");
  }

  @Test
  void aRunningJobWithNoProgressIsStoppedAndRetried() throws Exception {
    UUID a = Nodes.register(pool, "node-a");
    submit(
        "c",
        """
        {"configurations": [{"name": "one", "input": {"duration_s": 5}}]}\
        """);
    JobLease l = claim("node-a", a).orElseThrow();
    await(store.move(l.jobId(), l.fencingToken(), JobState.RUNNING, "node-a", "started"), 30);
    // Stall limit for a 5 s default-queue job: at least 20 s (the minimum here).
    assertThat(
            await(
                    pool.preparedQuery("SELECT stall_after_s FROM jobs WHERE id = $1")
                        .execute(Tuple.of(l.jobId())),
                    30)
                .iterator()
                .next()
                .getInteger(0))
        .isEqualTo(20);
    sql("UPDATE jobs SET progress_at = now() - interval '21 seconds'");
    // Progress reported by a heartbeat resets the clock.
    JsonArray running =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("job_id", l.jobId().toString())
                    .put("fencing_token", l.fencingToken())
                    .put("activity", 3));
    await(nodes.heartbeat("node-a", a, running, 0, null, null, SETTINGS.lease()), 30);
    assertThat(await(store.sweep("test"), 30)).isEmpty();
    sql("UPDATE jobs SET progress_at = now() - interval '21 seconds'");
    // The same activity count again is no progress.
    await(nodes.heartbeat("node-a", a, running, 0, null, null, SETTINGS.lease()), 30);
    assertThat(await(store.sweep("test"), 30))
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.to()).isEqualTo(JobState.RETRY_WAIT);
              assertThat(m.reason()).contains("no progress for 20 s");
            });
    // The worker, told to stop, reports "canceled" for the attempt: refused, the job still goes on
    // to its retry.
    assertThatThrownBy(
            () ->
                await(
                    store.complete(
                        l.jobId(),
                        l.fencingToken(),
                        JobState.CANCELED,
                        false,
                        new JsonObject(),
                        "node-a",
                        "canceled: stalled"),
                    30))
        .isInstanceOf(JobStore.StaleLeaseException.class);
    assertThat(await(queries.get(l.jobId()), 30).orElseThrow().getString("state"))
        .isEqualTo("retry_wait");
  }

  @Test
  void cancelStopsAJobWhateverItIsDoingAndItsLateResultIsHarmless() throws Exception {
    UUID a = Nodes.register(pool, "node-a");
    submit(
        "c",
        """
        {"configurations": [{"name": "one"}]}\
        """);
    JobLease l = claim("node-a", a).orElseThrow();
    await(store.move(l.jobId(), l.fencingToken(), JobState.RUNNING, "node-a", "started"), 30);
    JobQueries.Change c = await(queries.cancel(l.jobId(), "op", "not needed"), 30);
    assertThat(c.outcome())
        .isEqualTo(
            JobQueries.Outcome.CANCEL_REQUESTED); // canceled here; the master tells the worker
    assertThat(c.before()).isEqualTo(JobState.RUNNING);
    assertThat(await(queries.get(l.jobId()), 30).orElseThrow().getString("state"))
        .isEqualTo("canceled");
    // The worker stops FFmpeg and reports "canceled": accepted as a repeat.
    assertThat(
            await(
                store.complete(
                    l.jobId(),
                    l.fencingToken(),
                    JobState.CANCELED,
                    false,
                    new JsonObject(),
                    "node-a",
                    "canceled"),
                30))
        .isEqualTo(JobState.CANCELED);
    assertThat(await(queries.cancel(UUID.randomUUID(), "op", "x"), 30).outcome())
        .isEqualTo(JobQueries.Outcome.NOT_FOUND);
    assertThat(await(queries.cancel(l.jobId(), "op", "again"), 30).outcome())
        .isEqualTo(JobQueries.Outcome.CONFLICT);
  }

  @Test
  void aNewLeaderGivesLiveLeasesOneMoreLeaseLength() throws Exception {
    UUID a = Nodes.register(pool, "node-a");
    submit(
        "c",
        """
        {"configurations": [{"name": "one"}]}\
        """);
    claim("node-a", a).orElseThrow();
    sql("UPDATE jobs SET lease_expires_at = now() - interval '1 second'");
    await(store.leaderGrace("master-x"), 30);
    assertThat(await(store.sweep("master-x"), 30)).isEmpty();
    assertThat(
            await(pool.query("SELECT master_id FROM leader WHERE id = 1").execute(), 30)
                .iterator()
                .next()
                .getString("master_id"))
        .isEqualTo("master-x");
  }
}

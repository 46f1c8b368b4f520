package io.ffrtmp.cluster;

import static io.ffrtmp.cluster.ClusterHarness.waitFor;
import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.job.DispatchSettings;
import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.master.MasterVerticle;
import io.ffrtmp.master.dispatch.Housekeeping;
import io.ffrtmp.master.store.Database;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.support.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dispatch over the real clustered event bus, in one JVM: a master (MasterVerticle and Housekeeping
 * on a fresh PostgreSQL database) and three more Hazelcast members that host simulated workers,
 * which speak the worker protocol without FFmpeg. Each test deploys workers with node ids of its
 * own and undeploys them after; jobs are steered to them by drain/resume and by the jobs' own
 * requirements, never by waiting.
 */
class ClusterDispatchIT {

  static final DispatchSettings SETTINGS =
      new DispatchSettings(
          Duration.ofMillis(500),
          Duration.ofSeconds(5),
          Duration.ofMinutes(2),
          Duration.ofMinutes(1),
          Duration.ofSeconds(1),
          Duration.ofMinutes(1),
          3,
          Duration.ofSeconds(1));
  static final Duration WAIT = Duration.ofSeconds(30);

  static Vertx master;
  static final List<Vertx> members = new ArrayList<>();
  static Pool db;
  final List<String> deployments = new ArrayList<>();
  final List<String> campaigns = new ArrayList<>();

  @BeforeAll
  static void cluster() throws Exception {
    String name = "d" + UUID.randomUUID().toString().substring(0, 8);
    int base = 10_000 + ThreadLocalRandom.current().nextInt(0, 200) * 20;
    List<String> join =
        List.of(
            "127.0.0.1:" + base,
            "127.0.0.1:" + (base + 1),
            "127.0.0.1:" + (base + 2),
            "127.0.0.1:" + (base + 3));
    // The master first: the members that follow find it at the first address.
    master =
        await(
            ClusterSetup.start(
                new ClusterOptions("127.0.0.1", join, base, name, 0, null), new VertxOptions()),
            120);
    PgConnectOptions options = TestDatabases.fresh("embedded");
    db = await(Database.open(master, options, true), 120);
    JobStore store = new JobStore(db, SETTINGS);
    await(master.deployVerticle(new MasterVerticle(store)), 60);
    await(master.deployVerticle(new Housekeeping(store, options, "master-it")), 60);
    for (int i = 1; i <= 3; i++) {
      members.add(
          await(
              ClusterSetup.start(
                  new ClusterOptions("127.0.0.1", join, base + i, name, 0, null),
                  new VertxOptions()),
              120));
    }
  }

  @AfterAll
  static void down() throws Exception {
    for (Vertx v : members) {
      await(v.close(), 60);
    }
    if (master != null) {
      await(master.close(), 60);
    }
  }

  @AfterEach
  void undeploy() throws Exception {
    for (String c : campaigns) {
      request(
          Addresses.CAMPAIGN_CANCEL,
          new JsonObject().put("campaign_id", c).put("reason", "test over"));
    }
    for (String id : deployments) {
      for (Vertx v : members) {
        if (v.deploymentIDs().contains(id)) {
          await(v.undeploy(id), 30);
        }
      }
    }
  }

  /**
   * Deploys a simulated worker on cluster member {@code member} (0–2) and waits for its
   * registration.
   */
  SimulatedWorker worker(int member, SimulatedWorker.Options options) throws Exception {
    SimulatedWorker w = new SimulatedWorker(options.withHeartbeat(SETTINGS.heartbeat()));
    deployments.add(await(members.get(member).deployVerticle(w), 60));
    assertThat(w.registered()).isTrue();
    return w;
  }

  static JsonObject request(String address, JsonObject body) throws Exception {
    // From a worker's member, so every request crosses the cluster to the master.
    return await(
            members
                .get(2)
                .eventBus()
                .<JsonObject>request(address, body, new DeliveryOptions().setSendTimeout(30_000)),
            60)
        .body();
  }

  /**
   * Submits a campaign of the given configurations (names required); returns its job ids by
   * configuration name.
   */
  Map<String, String> submit(JsonObject... configurations) throws Exception {
    JsonObject base =
        new JsonObject()
            .put("input", new JsonObject().put("duration_s", 1))
            .put("video", new JsonObject().put("encoder", "libx264").put("resolution", "320x240"))
            .put("measure", new JsonObject().put("quality", new JsonArray()));
    JsonObject campaign =
        new JsonObject()
            .put("name", "dispatch")
            .put("base", base)
            .put("configurations", new JsonArray(List.of((Object[]) configurations)))
            .put("idle_baseline_s", 0);
    String id =
        request(
                Addresses.CAMPAIGN_SUBMIT,
                new JsonObject().put("campaign", campaign).put("name", "dispatch"))
            .getString("campaign_id");
    campaigns.add(id);
    Map<String, String> jobs = new LinkedHashMap<>();
    for (Row r :
        sql(
            "SELECT id, spec->>'name' AS name FROM jobs WHERE campaign_id = $1 ORDER BY seq",
            UUID.fromString(id))) {
      jobs.put(r.getString("name"), r.getUUID("id").toString());
    }
    return jobs;
  }

  static JsonObject job(String name) {
    return new JsonObject().put("name", name);
  }

  static JsonObject job(String name, String queue, String priority) {
    return job(name).put("queue", queue).put("priority", priority);
  }

  static Iterable<Row> sql(String sql, Object... params) throws Exception {
    return await(db.preparedQuery(sql).execute(Tuple.wrap(params)), 30);
  }

  static Row row(String jobId) throws Exception {
    return sql(
            "SELECT state, node_id, fencing_token, (SELECT count(*) FROM job_events e WHERE"
                + " e.job_id = j.id) AS events, (SELECT count(*) FROM results r WHERE r.job_id ="
                + " j.id) AS results FROM jobs j WHERE id = $1",
            UUID.fromString(jobId))
        .iterator()
        .next();
  }

  static void drain(String nodeId) throws Exception {
    assertThat(
            request(Addresses.NODE_DRAIN, new JsonObject().put("node_id", nodeId))
                .getString("state"))
        .isEqualTo("draining");
  }

  static void resume(String nodeId) throws Exception {
    assertThat(
            request(Addresses.NODE_RESUME, new JsonObject().put("node_id", nodeId))
                .getString("state"))
        .isEqualTo("up");
  }

  static List<String> names(List<SimulatedWorker.JobTimes> jobs) {
    return jobs.stream()
        .map(SimulatedWorker.JobTimes::lease)
        .map(JobLease::spec)
        .map(JobSpec::name)
        .toList();
  }

  @Test
  void liveBeforeDefaultBeforeBatchThenPriorityThenAge() throws Exception {
    SimulatedWorker w = worker(0, SimulatedWorker.Options.cpu("prio-1"));
    // Drained while the queue fills, so the order of its claims afterwards is the dispatch order
    // alone.
    drain("prio-1");
    submit(job("batch-high", "batch", "high"));
    submit(job("default-low", "default", "low"), job("default-high", "default", "high"));
    submit(job("live-medium", "live", "medium"));
    submit(job("default-high-later", "default", "high"));
    resume("prio-1");
    waitFor(WAIT, () -> w.done().size() == 5, "five jobs done on prio-1");
    assertThat(names(w.done()))
        .containsExactly(
            "live-medium", "default-high", "default-high-later", "default-low", "batch-high");
  }

  @Test
  void aGpuJobGoesOnlyToTheGpuNodeAndDoesNotBlockCpuWorkBehindIt() throws Exception {
    SimulatedWorker cpu = worker(0, SimulatedWorker.Options.cpu("hol-cpu"));
    SimulatedWorker gpu =
        worker(1, SimulatedWorker.Options.cpu("hol-gpu").withEncoders("libx264", "h264_nvenc"));
    drain("hol-gpu");
    // Older and more urgent than everything behind it, and only the (drained) GPU node can run it.
    String nvenc =
        submit(
                job("nvenc", "live", "high")
                    .put("video", new JsonObject().put("encoder", "h264_nvenc")))
            .get("nvenc");
    submit(
        job("x264-1", "batch", "low"),
        job("x264-2", "batch", "low"),
        job("x264-3", "batch", "low"));
    // The CPU node runs all three and then asks again and gets nothing: it was passed over the GPU
    // job each time.
    waitFor(
        WAIT,
        () -> cpu.done().size() == 3 && cpu.idle(),
        "the CPU node ran the three CPU jobs and went idle");
    assertThat(names(cpu.done())).containsExactly("x264-1", "x264-2", "x264-3");
    assertThat(names(cpu.started())).doesNotContain("nvenc");
    assertThat(row(nvenc).getString("state")).isEqualTo("queued");

    resume("hol-gpu");
    waitFor(WAIT, () -> gpu.done().size() == 1, "the GPU job done on the GPU node");
    assertThat(names(gpu.done())).containsExactly("nvenc");
    assertThat(row(nvenc).getString("node_id")).isEqualTo("hol-gpu");
  }

  @Test
  void labelsAndANamedNodeRouteJobs() throws Exception {
    SimulatedWorker a =
        worker(0, SimulatedWorker.Options.cpu("sel-a").withLabels(Map.of("site", "a")));
    SimulatedWorker b =
        worker(1, SimulatedWorker.Options.cpu("sel-b").withLabels(Map.of("site", "b")));
    drain("sel-b");
    submit(
        job("wants-site-b", "live", "high")
            .put(
                "requirements", new JsonObject().put("labels", new JsonObject().put("site", "b"))));
    submit(
        job("names-sel-b", "live", "high")
            .put("requirements", new JsonObject().put("node", "sel-b")));
    submit(
        job("names-sel-a", "batch", "low")
            .put("requirements", new JsonObject().put("node", "sel-a")));
    waitFor(WAIT, () -> a.done().size() == 1 && a.idle(), "sel-a ran its job and went idle");
    assertThat(names(a.started())).containsExactly("names-sel-a");

    resume("sel-b");
    waitFor(WAIT, () -> b.done().size() == 2, "both jobs for sel-b done");
    assertThat(names(b.done())).containsExactly("wants-site-b", "names-sel-b");
    assertThat(names(a.started())).containsExactly("names-sel-a");
  }

  @Test
  void aResultWithAStaleFencingTokenIsRefusedWith409AndChangesNothing() throws Exception {
    SimulatedWorker w = worker(0, SimulatedWorker.Options.cpu("fence-1").withHold(null));
    String id =
        submit(job("held").put("requirements", new JsonObject().put("node", "fence-1")))
            .get("held");
    waitFor(WAIT, () -> w.started().size() == 1, "the job started on fence-1");
    long token = w.started().get(0).lease().fencingToken();
    Row before = row(id);
    assertThat(before.getString("state")).isEqualTo("running");

    JsonObject stale =
        new JsonObject()
            .put("job_id", id)
            .put("fencing_token", token - 1)
            .put("node_id", "fence-1")
            .put("state", "succeeded")
            .put("result", new JsonObject().put("stale", true));
    assertThatThrownBy(() -> request(Addresses.JOB_RESULT, stale))
        .isInstanceOf(ReplyException.class)
        .satisfies(
            e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(Addresses.CONFLICT));
    Row after = row(id);
    assertThat(after.getString("state")).isEqualTo("running");
    assertThat(after.getLong("fencing_token")).isEqualTo(token);
    assertThat(after.getLong("events")).isEqualTo(before.getLong("events"));
    assertThat(after.getLong("results")).isZero();

    // The current holder's result still counts.
    w.finish(UUID.fromString(id));
    waitFor(WAIT, () -> w.done().size() == 1, "the holder's result taken");
    assertThat(row(id).getString("state")).isEqualTo("succeeded");
    assertThat(
            sql("SELECT result FROM results WHERE job_id = $1", UUID.fromString(id))
                .iterator()
                .next()
                .getJsonObject("result")
                .getBoolean("simulated"))
        .isTrue();
  }

  @Test
  void aMultiSlotWorkerLeasesAJobPerFreeSlotAndReportsInBatchesWithAnOutcomePerReport()
      throws Exception {
    SimulatedWorker w =
        worker(1, SimulatedWorker.Options.cpu("multi-1").withSlots(4).withHold(null).batched());
    JsonObject shared = new JsonObject().put("quality", new JsonArray()).put("exclusive", false);
    Map<String, String> ids =
        submit(
            IntStream.rangeClosed(1, 6)
                .mapToObj(
                    i ->
                        job("m" + i)
                            .put("measure", shared)
                            .put("requirements", new JsonObject().put("node", "multi-1")))
                .toArray(JsonObject[]::new));
    waitFor(
        WAIT, () -> w.started().size() == 4, "four jobs started on multi-1 from one work request");
    assertThat(names(w.started())).containsExactly("m1", "m2", "m3", "m4");
    Row counts =
        sql("SELECT count(*) FILTER (WHERE state = 'queued') AS queued, count(*) FILTER (WHERE"
                + " state = 'running') AS running FROM jobs WHERE node_id = 'multi-1' OR"
                + " spec->'requirements'->>'node' = 'multi-1'")
            .iterator()
            .next();
    assertThat(counts.getLong("queued")).isEqualTo(2);
    assertThat(counts.getLong("running")).isEqualTo(4);

    // A batch with a current and a stale report: each gets its own answer, the stale one changes
    // nothing.
    JobLease m1 = w.started().get(0).lease();
    JobLease m2 = w.started().get(1).lease();
    JsonObject reply =
        request(
            Addresses.JOB_UPDATES,
            new JsonObject()
                .put("node_id", "multi-1")
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("job_id", m1.jobId().toString())
                                .put("fencing_token", m1.fencingToken())
                                .put("state", "succeeded")
                                .put("result", new JsonObject().put("simulated", true)))
                        .add(
                            new JsonObject()
                                .put("job_id", m2.jobId().toString())
                                .put("fencing_token", m2.fencingToken() - 1)
                                .put("state", "succeeded"))));
    JsonArray answers = reply.getJsonArray("updates");
    assertThat(answers.getJsonObject(0).getString("state")).isEqualTo("succeeded");
    assertThat(answers.getJsonObject(1).getInteger("code")).isEqualTo(Addresses.CONFLICT);
    assertThat(row(m2.jobId().toString()).getString("state")).isEqualTo("running");

    // The worker's own reports, the repeat for m1 included, then the two jobs left.
    w.started().forEach(t -> w.finish(t.lease().jobId()));
    waitFor(WAIT, () -> w.started().size() == 6, "the last two jobs started as slots freed");
    w.started().subList(4, 6).forEach(t -> w.finish(t.lease().jobId()));
    waitFor(WAIT, () -> w.done().size() == 6, "all six results taken");
    for (String id : ids.values()) {
      Row r = row(id);
      assertThat(r.getString("state")).isEqualTo("succeeded");
      assertThat(r.getLong("events")).as("queued, leased, running, succeeded").isEqualTo(4);
      assertThat(r.getLong("results")).isEqualTo(1);
    }
  }

  @Test
  void anIdleWorkerStartsANewJobOnTheWakeUpNotItsPollTimer() throws Exception {
    // Its poll timer would first fire in ten minutes; heartbeats never ask for work.
    SimulatedWorker w =
        worker(0, SimulatedWorker.Options.cpu("wake-1").withPoll(Duration.ofMinutes(10)));
    waitFor(WAIT, w::idle, "wake-1 asked for work at start and got none");
    String id =
        submit(job("wake").put("requirements", new JsonObject().put("node", "wake-1"))).get("wake");
    waitFor(WAIT, () -> w.done().size() == 1, "wake-1 ran the new job");
    assertThat(names(w.done())).containsExactly("wake");
    assertThat(row(id).getString("state")).isEqualTo("succeeded");
  }
}

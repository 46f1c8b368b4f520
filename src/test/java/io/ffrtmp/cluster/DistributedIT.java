package io.ffrtmp.cluster;

import static io.ffrtmp.cluster.ClusterHarness.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Distributed mode with real processes: masters and workers as separate JVMs of the fat jar on
 * 127.0.0.1, real FFmpeg, a PostgreSQL server of the test's own, and this JVM in the cluster as an
 * event-bus client. One cluster for the class (masters start before workers); each test leaves it
 * as it found it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedIT {

  static ClusterHarness h;
  static ClusterHarness.Node master;
  static ClusterHarness.Node workerA;
  static ClusterHarness.Node workerB;

  @BeforeAll
  static void cluster() throws Exception {
    h = new ClusterHarness(Files.createTempDirectory("ffrtmp-cluster"));
    h.startDatabase();
    master = h.master("master-1");
    workerA = h.worker("worker-a", "--label", "site=a");
    workerB = h.worker("worker-b", "--label", "site=b");
    h.joinAsClient();
    waitFor(Duration.ofSeconds(60), () -> upNodes() == 2, "both workers registered");
  }

  @AfterAll
  static void down() {
    if (h != null) {
      h.close();
    }
  }

  static int upNodes() {
    try {
      return h.sql("SELECT count(*) AS n FROM nodes WHERE state = 'up'")
          .iterator()
          .next()
          .getInteger("n");
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * One job: synthetic 640x360 libx264 for {@code seconds} of input, no quality pass, optionally
   * pinned by labels.
   */
  static String submit(double seconds, JsonObject requirements) throws Exception {
    JsonObject base =
        new JsonObject()
            .put("input", new JsonObject().put("duration_s", seconds))
            .put(
                "video",
                new JsonObject()
                    .put("encoder", "libx264")
                    .put("preset", "medium")
                    .put("resolution", "640x360")
                    .put("fps", 30))
            .put("measure", new JsonObject().put("quality", new JsonArray()));
    if (requirements != null) {
      base.put("requirements", requirements);
    }
    JsonObject campaign =
        new JsonObject()
            .put("name", "dist")
            .put("base", base)
            .put("configurations", new JsonArray().add(new JsonObject()))
            .put("repeat", 1)
            .put("idle_baseline_s", 0);
    JsonObject reply =
        h.requestRetrying(
            Addresses.CAMPAIGN_SUBMIT,
            new JsonObject().put("campaign", campaign).put("name", "dist"));
    String campaignId = reply.getString("campaign_id");
    return h.sql("SELECT id FROM jobs WHERE campaign_id = $1", UUID.fromString(campaignId))
        .iterator()
        .next()
        .getUUID("id")
        .toString();
  }

  static Row job(String id) throws Exception {
    return h.sql(
            "SELECT state, attempt, node_id, error FROM jobs WHERE id = $1", UUID.fromString(id))
        .iterator()
        .next();
  }

  static void waitState(String id, String state, int seconds) throws Exception {
    waitFor(
        Duration.ofSeconds(seconds),
        () -> {
          try {
            return state.equals(h.jobState(id));
          } catch (Exception e) {
            return false;
          }
        },
        "job " + id + " reaching " + state);
  }

  static List<String> story(String id) throws Exception {
    List<String> out = new ArrayList<>();
    h.sql(
            "SELECT to_state, attempt FROM job_events WHERE job_id = $1 ORDER BY id",
            UUID.fromString(id))
        .forEach(r -> out.add(r.getString("to_state") + "#" + r.getInteger("attempt")));
    return out;
  }

  static ClusterHarness.Node byId(String nodeId) {
    return workerA.id.equals(nodeId) ? workerA : workerB;
  }

  @Test
  @Order(1)
  void aSingleJobSubmittedOverTheBusRunsAndAStaleFencingTokenIsRefused() throws Exception {
    // The client addresses another Vert.x application would use: submit, then query.
    assertThatThrownBy(
            () ->
                h.request(
                    Addresses.JOB_SUBMIT,
                    new JsonObject()
                        .put(
                            "spec",
                            new JsonObject()
                                .put(
                                    "video",
                                    new JsonObject().put("encoder", "libx264; rm -rf /")))))
        .isInstanceOf(ReplyException.class)
        .satisfies(
            e -> {
              assertThat(((ReplyException) e).failureCode()).isEqualTo(400);
              assertThat(e.getMessage()).contains("video.encoder");
            });
    JsonObject spec =
        new JsonObject()
            .put("input", new JsonObject().put("duration_s", 1))
            .put(
                "video",
                new JsonObject()
                    .put("encoder", "libx264")
                    .put("preset", "ultrafast")
                    .put("resolution", "320x240"))
            .put("measure", new JsonObject().put("quality", new JsonArray()));
    String id =
        h.request(Addresses.JOB_SUBMIT, new JsonObject().put("spec", spec).put("actor", "test"))
            .getString("job_id");
    waitState(id, "succeeded", 120);
    JsonObject got = h.request(Addresses.JOB_GET, new JsonObject().put("job_id", id));
    assertThat(got.getString("state")).isEqualTo("succeeded");
    assertThat(
            got.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("to")).toList())
        .containsExactly("queued", "leased", "running", "succeeded");
    long token =
        h.sql("SELECT fencing_token FROM jobs WHERE id = $1", UUID.fromString(id))
            .iterator()
            .next()
            .getLong(0);
    assertThatThrownBy(
            () ->
                h.request(
                    Addresses.JOB_RESULT,
                    new JsonObject()
                        .put("job_id", id)
                        .put("fencing_token", token - 1)
                        .put("node_id", "intruder")
                        .put("state", "failed")
                        .put("error", "late")))
        .isInstanceOf(ReplyException.class)
        .satisfies(e -> assertThat(((ReplyException) e).failureCode()).isEqualTo(409));
    assertThat(h.jobState(id)).isEqualTo("succeeded");
  }

  @Test
  @Order(1)
  void aSecondProcessOnAWorkersDataDirectoryIsRefused() throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of("--role", "worker", "--data-dir", h.dir.resolve(workerA.name).toString()));
    args.addAll(h.clientFlags());
    assertThat(h.runJar("dup", args, 120)).isEqualTo(1);
    assertThat(Files.readString(h.dir.resolve("dup.log")))
        .contains("another ffrtmp process is using the data directory")
        .contains(workerA.id);
  }

  @Test
  @Order(2)
  void aWorkerKilledMidJobLosesItAndAnotherFinishesItAsAttemptTwo() throws Exception {
    String id = submit(40, null);
    waitState(id, "running", 120);
    ClusterHarness.Node victim = byId(job(id).getString("node_id"));
    h.kill(victim);
    waitState(id, "succeeded", 240);
    Row done = job(id);
    assertThat(done.getInteger("attempt")).isEqualTo(2);
    assertThat(done.getString("node_id")).isNotEqualTo(victim.id);
    assertThat(
            h.sql("SELECT count(*) FROM results WHERE job_id = $1", UUID.fromString(id))
                .iterator()
                .next()
                .getLong(0))
        .isEqualTo(1);
    assertThat(story(id))
        .containsExactly(
            "queued#0",
            "leased#1",
            "running#1",
            "queued#1",
            "leased#2",
            "running#2",
            "succeeded#2");
    String why =
        h.sql(
                "SELECT reason FROM job_events WHERE job_id = $1 AND to_state = 'queued' AND"
                    + " attempt = 1",
                UUID.fromString(id))
            .iterator()
            .next()
            .getString(0);
    assertThat(why).contains(victim.id);
    // The node comes back under the same id (kept in its data directory).
    h.launch(victim);
    waitFor(Duration.ofSeconds(60), () -> upNodes() == 2, "the restarted worker registered again");
  }

  @Test
  @Order(3)
  void benchJoinsTheClusterAndRunsEveryConfigurationOnEveryNode() throws Exception {
    Path campaign = h.dir.resolve("hw.json");
    Files.writeString(
        campaign,
        """
        {"name": "hw", "base": {"input": {"duration_s": 1}, "video": {"resolution": "320x240", "fps": 30},
                                "measure": {"quality": ["psnr"]}},
         "configurations": [{"video": {"encoder": "libx264", "preset": "ultrafast"}},
                            {"video": {"encoder": "libx264", "preset": "veryfast"}}],
         "repeat": 1}\
        """);
    Path out = h.dir.resolve("hw-out");
    List<String> args =
        new ArrayList<>(
            List.of(
                "bench",
                campaign.toString(),
                "--every-node",
                "--out",
                out.toString(),
                "--no-progress"));
    args.addAll(h.clientFlags());
    int exit = h.runJar("bench-hw", args, 300);
    assertThat(exit).as(Files.readString(h.dir.resolve("bench-hw.log"))).isZero();
    JsonArray jobs =
        new JsonObject(Files.readString(out.resolve("results.json"))).getJsonArray("jobs");
    assertThat(jobs).hasSize(4);
    List<String> keys =
        jobs.stream().map(j -> ((JsonObject) j).getString("config_key")).sorted().toList();
    assertThat(keys)
        .anyMatch(k -> k.endsWith("@" + workerA.id))
        .anyMatch(k -> k.endsWith("@" + workerB.id));
    for (Object j : jobs) {
      JsonObject r = (JsonObject) j;
      assertThat(r.getString("state")).isEqualTo("succeeded");
      // Each ran where its key says.
      assertThat(r.getString("config_key"))
          .endsWith(
              "@"
                  + r.getJsonObject("node", new JsonObject())
                      .getString("node_id", job(r.getString("job_id")).getString("node_id")));
    }
    assertThat(Files.readString(h.dir.resolve("bench-hw.out"))).contains("@" + workerA.id);
  }

  static List<ProcessHandle> ffmpegUnder(ClusterHarness.Node n) {
    return n.process
        .descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false))
        .toList();
  }

  @Test
  @Order(4)
  void cancelStopsTheRunningFfmpegAndTheJobEndsCanceled() throws Exception {
    String id = submit(120, null);
    waitState(id, "running", 120);
    ClusterHarness.Node runner = byId(job(id).getString("node_id"));
    waitFor(
        Duration.ofSeconds(30),
        () -> !ffmpegUnder(runner).isEmpty(),
        "FFmpeg running on " + runner.name);
    List<ProcessHandle> ffmpeg = ffmpegUnder(runner);
    long t0 = System.nanoTime();
    JsonObject reply =
        h.request(
            Addresses.JOB_CANCEL, new JsonObject().put("job_id", id).put("reason", "not needed"));
    assertThat(reply.getString("state")).isEqualTo("canceled");
    assertThat(reply.getString("was")).isEqualTo("running");
    waitFor(
        Duration.ofSeconds(10),
        () -> ffmpeg.stream().noneMatch(ProcessHandle::isAlive),
        "FFmpeg stopped");
    System.out.printf("cancel reached FFmpeg in %.0f ms%n", (System.nanoTime() - t0) / 1e6);
    assertThat(h.jobState(id)).isEqualTo("canceled");
    // The worker's own report ("canceled", same token) is accepted as a repeat; the job stays
    // canceled.
    waitFor(
        Duration.ofSeconds(30),
        () -> {
          try {
            return Files.list(h.dir.resolve(runner.name).resolve("spool")).findAny().isEmpty();
          } catch (Exception e) {
            return true;
          }
        },
        "the worker's report delivered");
    assertThat(h.jobState(id)).isEqualTo("canceled");
    assertThat(story(id)).containsExactly("queued#0", "leased#1", "running#1", "canceled#1");
  }

  @Test
  @Order(5)
  void aDrainingNodeFinishesWhatRunsAndTakesNothingNew() throws Exception {
    String first = submit(15, new JsonObject().put("labels", new JsonObject().put("site", "a")));
    waitState(first, "running", 120);
    assertThat(
            h.request(Addresses.NODE_DRAIN, new JsonObject().put("node_id", workerA.id))
                .getString("state"))
        .isEqualTo("draining");
    String second = submit(1, new JsonObject().put("labels", new JsonObject().put("site", "a")));
    waitState(first, "succeeded", 180);
    // Several heartbeats later the job for site a still waits: the only node with that label is
    // draining.
    Thread.sleep(3000);
    assertThat(h.jobState(second)).isEqualTo("queued");
    assertThat(
            h.request(Addresses.NODE_GET, new JsonObject().put("node_id", workerA.id))
                .getString("state"))
        .isEqualTo("draining");
    h.request(Addresses.NODE_RESUME, new JsonObject().put("node_id", workerA.id));
    waitState(second, "succeeded", 120);
    assertThat(job(second).getString("node_id")).isEqualTo(workerA.id);
  }

  @Test
  @Order(6)
  void aResultFinishedWhileNoMasterAnswersIsDeliveredWhenOneIsBack() throws Exception {
    String id = submit(8, new JsonObject().put("labels", new JsonObject().put("site", "b")));
    waitState(id, "running", 120);
    h.stop(master);
    Path spool = h.dir.resolve(workerB.name).resolve("spool");
    waitFor(
        Duration.ofSeconds(180),
        () -> {
          try {
            return Files.isDirectory(spool)
                && Files.list(spool).anyMatch(f -> f.toString().endsWith(".json"));
          } catch (Exception e) {
            return false;
          }
        },
        "the finished result spooled on " + workerB.name);
    h.launch(master);
    waitState(id, "succeeded", 120);
    waitFor(
        Duration.ofSeconds(30),
        () -> {
          try {
            return Files.list(spool).noneMatch(f -> f.toString().endsWith(".json"));
          } catch (Exception e) {
            return false;
          }
        },
        "the spool emptied");
    assertThat(job(id).getInteger("attempt")).isEqualTo(1);
    assertThat(
            h.sql("SELECT count(*) FROM results WHERE job_id = $1", UUID.fromString(id))
                .iterator()
                .next()
                .getLong(0))
        .isEqualTo(1);
  }

  @Test
  @Order(7)
  void theMasterRidesOutAPostgresRestartWithoutLosingAJob() throws Exception {
    String id = submit(10, null);
    waitState(id, "running", 120);
    h.pg.restart();
    waitFor(
        Duration.ofSeconds(180),
        () -> {
          try {
            return "succeeded".equals(h.jobState(id));
          } catch (Exception e) {
            return false; // this client's own connections were dropped too; the pool opens new ones
          }
        },
        "job " + id + " succeeded after the database restart");
    assertThat(job(id).getInteger("attempt")).isEqualTo(1);
    // The master still serves.
    String next = submit(1, null);
    waitState(next, "succeeded", 120);
  }

  @Test
  @Order(8)
  void whenTheLeadingMasterDiesAnotherTakesOverHousekeeping() throws Exception {
    ClusterHarness.Node second = h.master("master-2");
    String leaderId = h.sql("SELECT master_id FROM leader").iterator().next().getString(0);
    ClusterHarness.Node leader = leaderId.equals(second.id) ? second : master;
    ClusterHarness.Node survivor = leader == master ? second : master;
    assertThat(leaderId).isEqualTo(leader.id);
    int members = ClusterSetup.members(h.client).size();
    h.kill(leader);
    waitFor(
        Duration.ofSeconds(60),
        () -> {
          try {
            return survivor.id.equals(
                h.sql(
                        "SELECT master_id FROM leader WHERE last_sweep > now() - interval '3"
                            + " seconds'")
                    .iterator()
                    .next()
                    .getString(0));
          } catch (Exception e) {
            return false;
          }
        },
        "the surviving master leading housekeeping");
    // Requests round-robin over the masters' consumers: wait until the cluster has dropped the dead
    // one's.
    waitFor(
        Duration.ofSeconds(60),
        () -> ClusterSetup.members(h.client).size() == members - 1,
        "the cluster noticing the dead master");
    // Housekeeping works there: a worker killed mid-job loses it to the other.
    String id = submit(30, null);
    waitState(id, "running", 120);
    ClusterHarness.Node victim = byId(job(id).getString("node_id"));
    h.kill(victim);
    waitState(id, "succeeded", 240);
    assertThat(job(id).getInteger("attempt")).isEqualTo(2);
  }
}

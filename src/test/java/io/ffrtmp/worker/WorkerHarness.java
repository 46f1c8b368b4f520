package io.ffrtmp.worker;

import static io.ffrtmp.support.Await.await;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.job.DispatchSettings;
import io.ffrtmp.job.JobState;
import io.ffrtmp.master.MasterVerticle;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.support.TestDatabases;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A master and one worker verticle on the embedded PostgreSQL with real FFmpeg and estimated
 * energy: for tests about what a job reads and how it is scored rather than about energy.
 */
final class WorkerHarness implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final Path dir;
  private final Pool pool;
  private final JobStore store;

  WorkerHarness(Path dir, UnaryOperator<WorkerConfig> configure) throws Exception {
    this(dir, Files.createDirectories(dir.resolve("no-powercap")), 200, configure);
  }

  /**
   * As above, with the worker's RAPL read from {@code powercapRoot} (a fake tree a test feeds, for
   * measured energy) every {@code pollMs}.
   */
  WorkerHarness(Path dir, Path powercapRoot, long pollMs, UnaryOperator<WorkerConfig> configure)
      throws Exception {
    this.dir = dir;
    pool = await(TestDatabases.open(vertx, "embedded"), 120);
    store = new JobStore(pool, DispatchSettings.DEFAULTS.withMaxAttempts(1));
    await(vertx.deployVerticle(new MasterVerticle(store)), 30);
    WorkerConfig config =
        new WorkerConfig(
            "test-node",
            dir.resolve("work"),
            dir.resolve("output"),
            "ffmpeg",
            new PowerConfig(powercapRoot, Path.of("/proc"), pollMs, null, null)
                .withHwmonRoot(Files.createDirectories(dir.resolve("no-hwmon")))
                .withNvmlLibrary(null)
                .withPerfRoot(dir.resolve("no-perf")),
            60_000,
            1,
            List.of(Files.createDirectories(dir.resolve("media"))));
    await(vertx.deployVerticle(new WorkerVerticle(configure.apply(config))), 60);
  }

  /** Submits a campaign and waits until every job of it is final; returns the stored results. */
  List<JsonObject> run(String campaignJson) throws Exception {
    JsonObject reply =
        await(
                vertx
                    .eventBus()
                    .<JsonObject>request(
                        Addresses.CAMPAIGN_SUBMIT,
                        new JsonObject()
                            .put("campaign", new JsonObject(campaignJson))
                            .put("actor", "test")),
                30)
            .body();
    UUID id = UUID.fromString(reply.getString("campaign_id"));
    Promise<Void> done = Promise.promise();
    vertx
        .eventBus()
        .<JsonObject>consumer(
            Addresses.JOB_EVENTS,
            m ->
                store
                    .campaignStates(id)
                    .onSuccess(
                        states -> {
                          if (!states.isEmpty()
                              && states.keySet().stream().allMatch(JobState::terminal)) {
                            done.tryComplete();
                          }
                        }));
    await(done.future(), 300);
    return await(store.campaignResults(id), 30);
  }

  @Override
  public void close() throws Exception {
    await(vertx.close(), 30);
  }
}

package io.ffrtmp.worker;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.PowerConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The settle wait against the CPU-utilisation model over a /proc/stat that never ticks: every
 * one-second reading is the model's idle power, {@value #MODEL_IDLE_W} W, so the baseline given
 * decides whether the node has settled.
 */
class SettleWaitTest {

  static final double MODEL_IDLE_W = 10.0;

  @TempDir Path dir;

  Vertx vertx;
  EnergyMeter meter;
  AtomicLong activity = new AtomicLong();

  @BeforeEach
  void up() throws Exception {
    // One worker thread: a wait that held it would keep every other blocking step of the node
    // waiting.
    vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(1));
    Path proc = Files.createDirectories(dir.resolve("proc"));
    Files.writeString(
        proc.resolve("stat"), "cpu  100 0 100 1000 0 0 0 0 0 0\ncpu0 100 0 100 1000 0 0 0 0 0 0\n");
    meter =
        EnergyMeter.open(
            PowerConfig.defaults()
                .withPowercapRoot(dir.resolve("no-powercap"))
                .withProcRoot(proc)
                .withHwmonRoot(dir.resolve("no-hwmon"))
                .withPerfRoot(dir.resolve("no-perf"))
                .withNvmlLibrary(null)
                .withPollIntervalMs(100)
                .withModelWatts(MODEL_IDLE_W, 50.0));
  }

  @AfterEach
  void down() throws Exception {
    meter.close();
    await(vertx.close(), 30);
  }

  private JobContext job(double settleMaxS, Double idleWatts) {
    JobSpec spec =
        JobSpec.fromJson(
            new JsonObject()
                .put(
                    "measure",
                    new JsonObject()
                        .put("quality", new JsonArray())
                        .put("settle_max_s", settleMaxS)
                        .put("settle_within", 0.05)));
    JobLease lease = new JobLease(UUID.randomUUID(), null, "settle", 1, 1, 1L, spec);
    JsonObject idle =
        idleWatts == null
            ? null
            : new JsonObject().put("avg_watts", idleWatts).put("provenance", "test");
    return new JobContext(
        lease, spec, dir.resolve("work"), new JsonObject(), idle, p -> {}, activity);
  }

  /** Runs the wait on one context, as the worker does. */
  private Future<Void> settle(Context context, JobContext job) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> new SettleWait(vertx, meter).run(job).onComplete(done));
    return done.future();
  }

  @Test
  void aNodeAlreadyAtIdleSettlesAfterOneReading() throws Exception {
    JobContext job = job(30, MODEL_IDLE_W);
    await(settle(vertx.getOrCreateContext(), job), 30);
    JsonObject s = job.result().getJsonObject("settle");
    assertThat(s.getBoolean("settled")).as(s.encode()).isTrue();
    assertThat(s.getDouble("waited_s")).as(s.encode()).isGreaterThanOrEqualTo(0.9).isLessThan(30.0);
    assertThat(s.getDouble("last_watts")).isEqualTo(MODEL_IDLE_W);
    assertThat(s.getDouble("limit_watts")).isEqualTo(10.5);
    assertThat(activity.get()).isEqualTo(1);
  }

  @Test
  void aCancelEndsTheWaitAtTheNextReading() throws Exception {
    JobContext job = job(600, 5.0);
    Future<Void> waiting = settle(vertx.getOrCreateContext(), job);
    job.cancel("test");
    await(waiting, 30);
    JsonObject s = job.result().getJsonObject("settle");
    assertThat(s.getBoolean("settled")).as(s.encode()).isFalse();
    assertThat(s.getDouble("waited_s")).as(s.encode()).isLessThan(30.0);
    assertThat(s.getDouble("last_watts")).isEqualTo(MODEL_IDLE_W);
    assertThat(s.getDouble("limit_watts")).isEqualTo(5.25);
    assertThat(activity.get()).isEqualTo(1);
  }

  @Test
  void aNodeThatStaysAboveTheLimitWaitsItOutWithoutHoldingAWorkerThread() throws Exception {
    JobContext job = job(2.5, 5.0);
    Context context = vertx.getOrCreateContext();
    Future<Void> waiting = settle(context, job);
    // Queued behind the first reading on the only worker thread: it runs between readings, or after
    // the whole wait.
    Promise<Long> other = Promise.promise();
    context.runOnContext(v -> vertx.executeBlocking(activity::get, false).onComplete(other));
    long readingsBeforeOther = await(other.future(), 30);
    await(waiting, 30);
    assertThat(readingsBeforeOther)
        .as("readings the other blocking step waited for")
        .isLessThanOrEqualTo(1);
    JsonObject s = job.result().getJsonObject("settle");
    assertThat(s.getBoolean("settled")).as(s.encode()).isFalse();
    assertThat(s.getDouble("waited_s")).as(s.encode()).isGreaterThanOrEqualTo(2.5);
    assertThat(activity.get()).as("one activity tick per reading").isGreaterThanOrEqualTo(3);
  }

  @Test
  void withoutABaselineTheJobRunsAtOnceAndSaysWhy() throws Exception {
    JobContext job = job(30, null);
    await(settle(vertx.getOrCreateContext(), job), 30);
    assertThat(job.result().getJsonObject("settle").encode())
        .isEqualTo("{\"settled\":false,\"reason\":\"no idle baseline measured on this node\"}");
    assertThat(activity.get()).isZero();
  }
}

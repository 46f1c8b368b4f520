package io.ffrtmp.worker;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.PowerConfig;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancel that reaches the runner before its job started (the worker registers the runner first)
 * is not lost.
 */
class JobRunnerCancelTest {

  @TempDir Path dir;

  @Test
  void aCancelBeforeTheRunEndsTheJobCanceledWithoutRunningFfmpeg() throws Exception {
    Vertx vertx = Vertx.vertx();
    Path proc = Files.createDirectories(dir.resolve("proc"));
    Files.writeString(
        proc.resolve("stat"), "cpu  100 0 100 1000 0 0 0 0 0 0\ncpu0 100 0 100 1000 0 0 0 0 0 0\n");
    PowerConfig power =
        PowerConfig.defaults()
            .withPowercapRoot(dir.resolve("no-powercap"))
            .withProcRoot(proc)
            .withHwmonRoot(dir.resolve("no-hwmon"))
            .withPerfRoot(dir.resolve("no-perf"))
            .withNvmlLibrary(null)
            .withModelWatts(10.0, 50.0);
    try (EnergyMeter meter = EnergyMeter.open(power)) {
      WorkerConfig config =
          new WorkerConfig("n1", dir.resolve("work"), dir.resolve("out"), "ffmpeg", power, 5000);
      JobRunner runner =
          new JobRunner(
              vertx,
              config,
              meter,
              FfmpegInfo.probe("ffmpeg"),
              new JsonObject(),
              new EnergyWindows(),
              Set.of());
      JobSpec spec =
          JobSpec.fromJson(
              new JsonObject().put("measure", new JsonObject().put("quality", new JsonArray())));
      JobLease lease = new JobLease(UUID.randomUUID(), null, "cancel", 1, 1, 1L, spec);
      Promise<JobRunner.Outcome> outcome = Promise.promise();
      vertx.runOnContext(
          v -> {
            runner.cancel("canceled by test");
            runner.run(lease, null, p -> {}).onComplete(outcome);
          });
      JobRunner.Outcome o = await(outcome.future(), 30);
      assertThat(o.state()).isEqualTo("canceled");
      assertThat(o.error()).isEqualTo("canceled: canceled by test");
      assertThat(o.result().containsKey("command")).as("no encode was started").isFalse();
      assertThat(dir.resolve("work").resolve(lease.jobId().toString())).doesNotExist();
    } finally {
      await(vertx.close(), 30);
    }
  }
}

package io.ffrtmp.worker;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.JobLease;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.worker.engine.ChildProcess;
import io.ffrtmp.worker.engine.SourceInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How an ended encode reads in the result, with a shell standing in for FFmpeg. */
class EncodeReportTest {

  private static final JsonObject ENERGY =
      new JsonObject()
          .put("provenance", "measured")
          .put("source", "rapl-powercap")
          .put("total_joules", 30.0)
          .put("duration_ms", 1000L);

  @TempDir Path dir;

  Vertx vertx;

  @BeforeEach
  void up() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void down() throws Exception {
    await(vertx.close(), 30);
  }

  private JobContext job() throws Exception {
    JobSpec spec =
        JobSpec.fromJson(new JsonObject().put("input", new JsonObject().put("duration_s", 1)));
    JobLease lease = new JobLease(UUID.randomUUID(), null, "report", 1, 1, 1L, spec);
    JobContext job =
        new JobContext(
            lease,
            spec,
            Files.createDirectories(dir.resolve("work")),
            new JsonObject(),
            null,
            p -> {},
            new AtomicLong());
    job.source(SourceInfo.synthetic(spec.input()));
    return job;
  }

  /**
   * Runs {@code sh -c script} to its end and reports it as an encode whose window saw {@code
   * energy}.
   */
  private Optional<JobRunner.Outcome> report(JobContext job, String script, JsonObject energy)
      throws Exception {
    Future<Optional<JobRunner.Outcome>> reported =
        ChildProcess.start(vertx, List.of("sh", "-c", script), job.workDir(), line -> {})
            .compose(
                child ->
                    child
                        .exit()
                        .map(
                            code ->
                                new EncodePass.Encoded(
                                    child,
                                    code,
                                    1000,
                                    EncodePass.cpuFromBench(child.stderrLines()),
                                    null,
                                    30,
                                    new EncodeWindow.Figures(energy, false, 0),
                                    null)))
            .compose(encoded -> new EncodeReport(vertx, 1).record(job, encoded));
    return await(reported, 30);
  }

  @Test
  void aCountedEncodeGetsItsRatesAndEnergyFigures() throws Exception {
    JobContext job = job();
    Files.write(job.encoded(), new byte[12_500]);
    String bench =
        "echo 'bench: utime=0.500s stime=0.250s rtime=1.000s' >&2; echo 'bench: maxrss=4096kB' >&2";
    assertThat(report(job, bench, ENERGY)).isEmpty();
    JsonObject r = job.result();
    assertThat(r.getInteger("exit_code")).isZero();
    assertThat(r.getDouble("cpu_seconds")).isEqualTo(0.75);
    assertThat(r.getLong("max_rss_kb")).isEqualTo(4096L);
    assertThat(r.getLong("frames")).isEqualTo(30L);
    assertThat(r.getDouble("duration_s")).isEqualTo(1.0);
    assertThat(r.getLong("bytes")).isEqualTo(12_500L);
    assertThat(r.getDouble("bitrate_kbps")).isEqualTo(100.0);
    assertThat(r.getJsonObject("energy").getDouble("joules_per_frame")).isEqualTo(1.0);
    assertThat(r.getJsonObject("energy").getJsonObject("attribution").getString("method"))
        .isEqualTo("exclusive");
  }

  @Test
  void anEncodeThatWroteNothingFailsForGood() throws Exception {
    JobContext job = job();
    JobRunner.Outcome o = report(job, "exit 0", ENERGY).orElseThrow();
    assertThat(o.state()).isEqualTo("failed");
    assertThat(o.retryable()).isFalse();
    assertThat(o.error()).startsWith("FFmpeg wrote no output: ").contains("encoded.mkv");
    assertThat(job.result().getString("error")).isEqualTo(o.error());
  }

  @Test
  void aFailedExitNamesItsLastStderrLine() throws Exception {
    JobRunner.Outcome o =
        report(job(), "echo first >&2; echo 'Unknown encoder' >&2; exit 3", ENERGY).orElseThrow();
    assertThat(o.error()).isEqualTo("FFmpeg exited with 3: Unknown encoder");
    assertThat(o.retryable()).isFalse();
  }

  @Test
  void aCanceledEncodeEndsCanceledWithoutAnError() throws Exception {
    JobContext job = job();
    job.cancel("operator");
    JobRunner.Outcome o = report(job, "exit 0", ENERGY).orElseThrow();
    assertThat(o.state()).isEqualTo("canceled");
    assertThat(o.error()).isEqualTo("canceled: operator");
    assertThat(job.result().containsKey("error")).isFalse();
  }

  @Test
  void aWindowThatDidNotCloseGivesNoFigureAndMayBeRetried() throws Exception {
    JobContext job = job();
    Files.write(job.encoded(), new byte[100]);
    JobRunner.Outcome o = report(job, "exit 0", null).orElseThrow();
    assertThat(o.retryable()).isTrue();
    assertThat(o.error()).startsWith("the energy window could not be closed");
    assertThat(job.result().containsKey("energy")).isFalse();
  }
}

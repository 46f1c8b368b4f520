package io.ffrtmp.cli.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.job.JobSpec;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code jobs submit} turns its flags into a job spec, before anything is sent. */
class JobsSubmitSpecTest {

  private static JsonObject spec(String... args) throws ClientException {
    JobsCommand.Submit submit = new JobsCommand.Submit();
    new CommandLine(submit).parseArgs(args);
    return submit.spec();
  }

  @Test
  void theIssuesLiveCommandBecomesALiveRelayOnTheLiveQueue() throws Exception {
    JsonObject json =
        spec(
            "--scenario",
            "live-720p30-h264",
            "--queue",
            "live",
            "--input",
            "rtmp://127.0.0.1/live/cam1",
            "--output",
            "rtmp://127.0.0.1/live/out",
            "--duration",
            "300");
    assertThat(json.getJsonObject("input").getMap())
        .containsEntry("type", "rtmp")
        .containsEntry("url", "rtmp://127.0.0.1/live/cam1")
        .containsEntry("duration_s", 300.0);
    assertThat(json.getJsonObject("output").getMap())
        .containsEntry("type", "rtmp")
        .containsEntry("url", "rtmp://127.0.0.1/live/out");
    JobSpec spec = JobSpec.fromJson(json);
    assertThat(spec.isLive()).isTrue();
    assertThat(spec.queue()).isEqualTo(JobSpec.Queue.LIVE);
    assertThat(spec.input().durationS()).isEqualTo(300);
    assertThat(spec.output().url()).hasToString("rtmp://127.0.0.1:1935/live/out");
  }

  @Test
  void anSrtInputAndAPlainPathAreToldApart() throws Exception {
    assertThat(spec("--input", "SRT://127.0.0.1:9000").getJsonObject("input").getString("type"))
        .isEqualTo("srt");
    JsonObject file = spec("--input", "clips/a.mp4").getJsonObject("input");
    assertThat(file.getString("type")).isEqualTo("file");
    assertThat(file.getString("path")).isEqualTo("clips/a.mp4");
  }

  @Test
  void otherSchemesAndAPathAsOutputAreBadInputNamingTheFlag() {
    assertThatThrownBy(() -> spec("--input", "http://example.org/a.mp4"))
        .isInstanceOf(ClientException.class)
        .hasMessageStartingWith("--input: ")
        .hasMessageContaining("rtmp://")
        .extracting(e -> ((ClientException) e).exitCode())
        .isEqualTo(2);
    assertThatThrownBy(() -> spec("--output", "out.flv"))
        .isInstanceOf(ClientException.class)
        .hasMessageStartingWith("--output: ")
        .extracting(e -> ((ClientException) e).exitCode())
        .isEqualTo(2);
  }
}

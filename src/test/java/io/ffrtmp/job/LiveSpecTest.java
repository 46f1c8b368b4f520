package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Live inputs and outputs in the job spec: their URLs' form, the host list and the live rules. */
class LiveSpecTest {

  private static JobSpec spec(String json) {
    return JobSpec.fromJson(new JsonObject(json));
  }

  private static SpecException rejected(String json) {
    try {
      spec(json);
    } catch (SpecException e) {
      return e;
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void anRtmpInputAndOutputRoundTripInCanonicalForm() {
    JobSpec s =
        spec(
            "{\"input\": {\"type\": \"rtmp\", \"url\": \"RTMP://LocalHost/live/cam1\","
                + " \"duration_s\": 30}, \"output\": {\"type\": \"rtmp\", \"url\":"
                + " \"rtmp://127.0.0.1:1936/live/out\"}}");
    assertThat(s.isLive()).isTrue();
    assertThat(s.input().url()).hasToString("rtmp://localhost:1935/live/cam1");
    assertThat(s.output().url()).hasToString("rtmp://127.0.0.1:1936/live/out");
    assertThat(s.measure().quality()).as("a live job has no quality pass").isEmpty();
    assertThat(s.timeoutS()).isEqualTo(330);
    JobSpec again = JobSpec.fromJson(s.toJson());
    assertThat(again).isEqualTo(s);
    assertThat(JobSpec.fromStored(s.toJson())).isEqualTo(s);
  }

  @Test
  void aLiveScenarioMakesALiveJobOnTheLiveQueue() {
    JobSpec cam = spec("{\"scenario\": \"live-720p30-h264\", \"input\": {\"duration_s\": 300}}");
    assertThat(cam.isLive()).isTrue();
    assertThat(cam.input().type()).isEqualTo("live_synthetic");
    assertThat(cam.queue()).isEqualTo(JobSpec.Queue.LIVE);
    assertThat(cam.video().resolution()).hasToString("1280x720");
    assertThat(cam.video().codec()).isEqualTo(Codec.H264);
    assertThat(cam.timeoutS()).isEqualTo(600);
    assertThat(JobSpec.fromJson(cam.toJson())).isEqualTo(cam);

    JobSpec relay =
        spec(
            "{\"scenario\": \"live-720p30-h264\", \"queue\": \"default\", \"input\": {\"type\":"
                + " \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/cam1\"}, \"output\": {\"type\":"
                + " \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/out\"}}");
    assertThat(relay.queue()).as("an explicit queue wins").isEqualTo(JobSpec.Queue.DEFAULT);
    assertThat(relay.input().url()).hasToString("rtmp://127.0.0.1:1935/live/cam1");
    assertThat(JobSpec.fromJson(relay.toJson())).isEqualTo(relay);

    JobSpec file =
        spec(
            "{\"scenario\": \"live-360p-h264\", \"input\": {\"type\": \"file\", \"path\":"
                + " \"a.mp4\"}}");
    assertThat(file.input().realtime()).as("a live scenario plays files at realtime").isTrue();
    assertThat(file.isLive()).isTrue();

    assertThat(spec("{\"scenario\": \"720p30-h264\"}").isLive()).isFalse();
    assertThat(
            rejected("{\"scenario\": \"live-720p30-h264\", \"input\": {\"type\": \"synthetic\"}}"))
        .hasMessageContaining("live_synthetic")
        .extracting(SpecException::field)
        .isEqualTo("input.type");
    assertThat(
            rejected(
                "{\"scenario\": \"live-720p-h264\", \"input\": {\"type\": \"file\", \"path\":"
                    + " \"a.mp4\", \"realtime\": false}}"))
        .extracting(SpecException::field)
        .isEqualTo("input.realtime");
    assertThat(rejected("{\"scenario\": \"live720p-h264\"}"))
        .hasMessageContaining("live-720p30-h264")
        .extracting(SpecException::field)
        .isEqualTo("scenario");
  }

  @Test
  void srtAndTheSyntheticCameraAndARealtimeFileAreLiveJobs() {
    JobSpec srt =
        spec(
            "{\"input\": {\"type\": \"srt\", \"url\": \"srt://127.0.0.1:9000\"},"
                + " \"output\": {\"type\": \"srt\", \"url\": \"srt://[::1]:9001\"}}");
    assertThat(srt.input().url()).hasToString("srt://127.0.0.1:9000");
    assertThat(srt.output().url()).hasToString("srt://[::1]:9001");
    JobSpec cam =
        spec(
            "{\"input\": {\"type\": \"live_synthetic\", \"resolution\": \"160x120\", \"fps\": 30,"
                + " \"duration_s\": 6}, \"measure\": {\"realtime_window_s\": 4}}");
    assertThat(cam.isLive()).isTrue();
    assertThat(cam.input().isPattern()).isTrue();
    assertThat(cam.measure().realtimeWindowS()).isEqualTo(4);
    assertThat(JobSpec.fromJson(cam.toJson())).isEqualTo(cam);
    JobSpec file =
        spec("{\"input\": {\"type\": \"file\", \"path\": \"a.mp4\", \"realtime\": true}}");
    assertThat(file.isLive()).isTrue();
    assertThat(JobSpec.fromJson(file.toJson())).isEqualTo(file);
    assertThat(spec("{}").isLive()).isFalse();
  }

  @Test
  void urlsThatCouldCarryOptionsOrCredentialsAreRefusedNamingTheField() {
    for (String bad :
        List.of(
            "rtmp://user:pw@127.0.0.1/live/a",
            "rtmp://127.0.0.1/live/a?x=1",
            "rtmp://127.0.0.1/live/a#f",
            "rtmp://127.0.0.1/live",
            "rtmp://127.0.0.1/live/a/b",
            "rtmp://127.0.0.1/live/a live=1",
            "rtmp://127.0.0.1:70000/live/a",
            "rtmp://127.0.0.1:/live/a",
            "rtmp://127.0.0.1/live/..%2f",
            "http://127.0.0.1/live/a",
            "file:///etc/passwd",
            "rtmp:///live/a",
            "rtmp://-x/live/a")) {
      SpecException e =
          rejected(
              new JsonObject()
                  .put("input", new JsonObject().put("type", "rtmp").put("url", bad))
                  .encode());
      assertThat(e.field()).as(bad).isEqualTo("input.url");
      assertThat(e.getMessage()).as(bad).contains("accepted: rtmp://HOST[:PORT]/APP/STREAM");
    }
    for (String bad :
        List.of(
            "srt://127.0.0.1",
            "srt://127.0.0.1:9000?mode=listener",
            "srt://127.0.0.1:9000/path",
            "rtmp://127.0.0.1:9000")) {
      SpecException e =
          rejected(
              new JsonObject()
                  .put("input", new JsonObject().put("type", "live_synthetic"))
                  .put("output", new JsonObject().put("type", "srt").put("url", bad))
                  .encode());
      assertThat(e.field()).as(bad).isEqualTo("output.url");
    }
    assertThat(rejected("{\"input\": {\"type\": \"rtmp\"}}").field()).isEqualTo("input.url");
  }

  @Test
  void liveRulesNameTheirField() {
    assertThat(
            rejected("{\"output\": {\"type\": \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/o\"}}")
                .field())
        .as("a stream output needs a live input")
        .isEqualTo("output.type");
    assertThat(
            rejected(
                    "{\"input\": {\"type\": \"live_synthetic\"}, \"measure\": {\"quality\":"
                        + " [\"psnr\"]}}")
                .field())
        .isEqualTo("measure.quality");
    assertThat(rejected("{\"measure\": {\"realtime_window_s\": 5}}").field())
        .isEqualTo("measure.realtime_window_s");
    assertThat(
            rejected(
                    "{\"input\": {\"type\": \"live_synthetic\"}, \"measure\":"
                        + " {\"realtime_window_s\": 1}}")
                .field())
        .isEqualTo("measure.realtime_window_s");
    assertThat(
            rejected("{\"input\": {\"type\": \"rtmp\", \"url\": \"rtmp://h/a/b\", \"fps\": 30}}")
                .field())
        .isEqualTo("input.fps");
    assertThat(rejected("{\"input\": {\"type\": \"synthetic\", \"realtime\": true}}").field())
        .isEqualTo("input.realtime");
    assertThat(rejected("{\"output\": {\"type\": \"file\", \"url\": \"rtmp://h/a/b\"}}").field())
        .isEqualTo("output.url");
  }

  @Test
  void theHostListAllowsLoopbackAndWhatWasAddedOnly() {
    JobSpec remote =
        spec(
            "{\"input\": {\"type\": \"rtmp\", \"url\": \"rtmp://media.lan/live/cam\"},"
                + " \"output\": {\"type\": \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/out\"}}");
    assertThatThrownBy(() -> LiveHosts.DEFAULT.check(remote))
        .isInstanceOfSatisfying(
            SpecException.class,
            e -> {
              assertThat(e.field()).isEqualTo("input.url");
              assertThat(e.getMessage())
                  .contains("'media.lan'", "127.0.0.1, localhost, ::1", "--live-allow-host");
            });
    LiveHosts.DEFAULT.with(List.of("Media.LAN")).check(remote);
    JobSpec out =
        spec(
            "{\"input\": {\"type\": \"live_synthetic\"}, \"output\": {\"type\": \"srt\","
                + " \"url\": \"srt://10.0.0.9:9000\"}}");
    assertThatThrownBy(() -> LiveHosts.DEFAULT.with(List.of("media.lan")).check(out))
        .isInstanceOfSatisfying(
            SpecException.class, e -> assertThat(e.field()).isEqualTo("output.url"));
    LiveHosts.DEFAULT.with(List.of("[::1]", "10.0.0.9")).check(out);
    assertThatThrownBy(() -> LiveHosts.checkOption("rtmp://x"))
        .hasMessageStartingWith("--live-allow-host: 'rtmp://x' is not a host");
  }

  @Test
  void theNaturalPatternIsPreRenderedSoNotALiveCamera() {
    assertThat(
            JobSpec.fromJson(
                    new JsonObject("{\"input\": {\"pattern\": \"natural\", \"duration_s\": 2}}"))
                .input()
                .pattern())
        .isEqualTo("natural");
    assertThatThrownBy(
            () ->
                JobSpec.fromJson(
                    new JsonObject(
                        "{\"input\": {\"type\": \"live_synthetic\", \"pattern\":"
                            + " \"natural\"}}")))
        .isInstanceOf(SpecException.class)
        .matches(e -> e.toString().startsWith("input.pattern: natural is pre-rendered"));
  }
}

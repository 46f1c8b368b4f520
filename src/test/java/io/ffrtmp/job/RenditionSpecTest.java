package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** ABR ladders in the job spec: the rungs' defaults, their outputs and every rule by field. */
class RenditionSpecTest {

  private static final String LIVE =
      "\"input\": {\"type\": \"live_synthetic\", \"resolution\": \"640x360\", \"duration_s\": 5},"
          + " \"output\": {\"type\": \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/out\"}";

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
  void aLiveLadderGetsOneStreamPerRungAndRoundTrips() {
    JobSpec s =
        spec(
            "{"
                + LIVE
                + ", \"video\": {\"encoder\": \"libx264\", \"preset\": \"veryfast\", \"fps\": 30},"
                + " \"renditions\": [{\"name\": \"360p\", \"resolution\": \"640x360\","
                + " \"bitrate\": \"1.2M\"}, {\"name\": \"180p\", \"resolution\": \"320x180\","
                + " \"bitrate\": 300, \"fps\": 15, \"preset\": \"ultrafast\"}]}");
    assertThat(s.isLadder()).isTrue();
    JobSpec.Rendition top = s.renditions().get(0);
    assertThat(top.video().bitrateKbps()).isEqualTo(1200);
    assertThat(top.video().rateControl()).isEqualTo(JobSpec.RateControl.CBR);
    assertThat(top.video().preset()).as("the job's preset").isEqualTo("veryfast");
    assertThat(top.output().url()).hasToString("rtmp://127.0.0.1:1935/live/out_360p");
    JobSpec.Rendition low = s.renditions().get(1);
    assertThat(low.video().bitrateKbps()).isEqualTo(300);
    assertThat(low.video().fps()).isEqualTo(15);
    assertThat(low.video().gop()).as("two seconds at 15 fps").isEqualTo(30);
    assertThat(low.video().preset()).isEqualTo("ultrafast");
    assertThat(low.output().url()).hasToString("rtmp://127.0.0.1:1935/live/out_180p");
    assertThat(s.configKey()).startsWith("ladder 360p=libx264 veryfast cbr1200k 640x360p30,");
    assertThat(JobSpec.fromJson(s.toJson())).isEqualTo(s);
    assertThat(JobSpec.fromStored(s.toJson())).isEqualTo(s);
  }

  @Test
  void aFileLadderDefaultsItsSourceToTheLargestRungAndHasNoQualityPass() {
    JobSpec s =
        spec(
            "{\"input\": {\"duration_s\": 2}, \"output\": {\"type\": \"file\"}, \"video\":"
                + " {\"rate_control\": \"vbr\"}, \"renditions\": [{\"name\": \"small\","
                + " \"resolution\": \"160x120\", \"bitrate\": \"200k\"}, {\"name\": \"big\","
                + " \"resolution\": \"320x240\", \"bitrate\": 400, \"encoder\": \"libx265\"}]}");
    assertThat(s.input().resolution()).isEqualTo(new Resolution(320, 240));
    assertThat(s.measure().quality()).isEmpty();
    assertThat(s.renditions().get(0).video().rateControl()).isEqualTo(JobSpec.RateControl.VBR);
    assertThat(s.renditions().get(1).video().encoder()).isEqualTo(Encoder.LIBX265);
    assertThat(s.renditions().get(1).video().codec()).isEqualTo(Codec.HEVC);
    assertThat(s.renditions().get(1).video().preset()).as("x265's default").isEqualTo("medium");
    assertThat(s.renditions().get(0).output().type()).isEqualTo("file");
    assertThat(JobSpec.fromStored(s.toJson())).isEqualTo(s);
  }

  @Test
  void anSrtLadderNamesEachRungsListener() {
    String base =
        "{\"input\": {\"type\": \"live_synthetic\", \"resolution\": \"320x240\"}, \"output\":"
            + " {\"type\": \"srt\", \"url\": \"srt://127.0.0.1:9000\"}, \"renditions\":"
            + " [{\"name\": \"a\", \"resolution\": \"160x120\", \"bitrate\": 200";
    assertThat(rejected(base + "}]}").field()).isEqualTo("renditions[0].output");
    JobSpec s =
        spec(
            base
                + ", \"output\": {\"type\": \"srt\", \"url\": \"srt://127.0.0.1:9001\"}},"
                + " {\"name\": \"b\", \"resolution\": \"320x240\", \"bitrate\": 400, \"output\":"
                + " {\"url\": \"srt://127.0.0.1:9002\"}}]}");
    assertThat(s.renditions().get(1).output().url()).hasToString("srt://127.0.0.1:9002");
  }

  @Test
  void eachRuleNamesItsField() {
    String rung = "{\"name\": \"a\", \"resolution\": \"160x120\", \"bitrate\": 200}";
    String[][] cases = {
      {"[]", "renditions"},
      {"[" + (rung + ",").repeat(8) + rung + "]", "renditions"},
      {"[{\"resolution\": \"160x120\", \"bitrate\": 200}]", "renditions[0].name"},
      {
        "[" + rung + ", {\"name\": \"A b\", \"resolution\": \"160x120\", \"bitrate\": 200}]",
        "renditions[1].name"
      },
      {"[" + rung + ", " + rung + "]", "renditions[1].name"},
      {"[{\"name\": \"a\", \"bitrate\": 200}]", "renditions[0].resolution"},
      {
        "[" + rung + ", {\"name\": \"b\", \"resolution\": \"161x120\", \"bitrate\": 200}]",
        "renditions[1].resolution"
      },
      {
        "[{\"name\": \"a\", \"resolution\": \"1280x720\", \"bitrate\": 200}]",
        "renditions[0].resolution"
      },
      {"[{\"name\": \"a\", \"resolution\": \"160x120\"}]", "renditions[0].bitrate"},
      {
        "[{\"name\": \"a\", \"resolution\": \"160x120\", \"bitrate\": \"5G\"}]",
        "renditions[0].bitrate"
      },
      {
        "[{\"name\": \"a\", \"resolution\": \"160x120\", \"bitrate\": 10}]", "renditions[0].bitrate"
      },
      {
        "[{\"name\": \"a\", \"resolution\": \"160x120\", \"bitrate\": 200, \"encoder\": \"auto\"}]",
        "renditions[0].encoder"
      },
      {
        "[{\"name\": \"a\", \"resolution\": \"160x120\", \"bitrate\": 200, \"preset\": \"p4\"}]",
        "renditions[0].preset"
      },
      {
        "[{\"name\": \"a\", \"resolution\": \"160x120\", \"bitrate\": 200, \"fps\": 0}]",
        "renditions[0].fps"
      },
      {
        "[{\"name\": \"a\", \"resolution\": \"160x120\", \"bitrate\": 200, \"size\": 1}]",
        "renditions[0].size"
      },
      {
        "[{\"name\": \"a\", \"resolution\": \"160x120\", \"bitrate\": 200, \"output\": {\"type\":"
            + " \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/x\"}}]",
        "renditions[0].output"
      },
    };
    for (String[] c : cases) {
      String json =
          "{\"input\": {\"resolution\": \"320x240\"}, \"video\": {\"encoder\": \"libx264\"},"
              + " \"renditions\": "
              + c[0]
              + "}";
      SpecException e = rejected(json);
      assertThat(e.field()).as(json + " → " + e.getMessage()).isEqualTo(c[1]);
      assertThat(e.getMessage()).as(json).contains("accepted");
    }
  }

  @Test
  void jobFieldsALadderDoesNotUseAreRefused() {
    String rungs =
        ", \"renditions\": [{\"name\": \"a\", \"resolution\": \"160x120\", \"bitrate\": 200}]}";
    assertThat(rejected("{\"video\": {\"crf\": 20}" + rungs).field()).isEqualTo("video.crf");
    assertThat(rejected("{\"video\": {\"rate_control\": \"crf\"}" + rungs).field())
        .isEqualTo("video.rate_control");
    // A live ladder keeps no source to score against; a file ladder scores each rendition.
    assertThat(
            rejected(
                    "{\"input\": {\"type\": \"live_synthetic\"}, \"output\": {\"type\":"
                        + " \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/o\"}, \"measure\":"
                        + " {\"quality\": [\"psnr\"]}"
                        + rungs)
                .field())
        .isEqualTo("measure.quality");
    assertThat(
            JobSpec.fromJson(new JsonObject("{\"measure\": {\"quality\": [\"psnr\"]}" + rungs))
                .measure()
                .quality())
        .containsExactly(JobSpec.QualityMetric.PSNR);
  }

  @Test
  void liveUrlsAreUniqueAndOnTheHostList() {
    String spec =
        "{"
            + LIVE
            + ", \"renditions\": [{\"name\": \"a\", \"resolution\": \"320x180\", \"bitrate\": 200,"
            + " \"output\": {\"type\": \"rtmp\", \"url\": \"rtmp://media.example/live/a\"}},"
            + " {\"name\": \"b\", \"resolution\": \"320x180\", \"bitrate\": 200, \"output\":"
            + " {\"type\": \"rtmp\", \"url\": \"rtmp://media.example/live/a\"}}]}";
    assertThat(rejected(spec).field()).isEqualTo("renditions[1].output.url");
    JobSpec ok = spec(spec.replace("live/a\"}}]", "live/b\"}}]"));
    try {
      LiveHosts.DEFAULT.check(ok);
      throw new AssertionError("a host off the list was allowed");
    } catch (SpecException e) {
      assertThat(e.field()).isEqualTo("renditions[0].output.url");
      assertThat(e.getMessage()).contains("media.example");
    }
  }
}

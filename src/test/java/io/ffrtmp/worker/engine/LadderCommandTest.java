package io.ffrtmp.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.job.JobSpec;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-process ABR ladder command: one decode, split, a chain and an output per rendition. */
class LadderCommandTest {

  private static JobSpec spec(String json) {
    return JobSpec.fromJson(new JsonObject(json));
  }

  private static List<String> encode(String json) {
    return FfmpegCommand.encode("ffmpeg", spec(json), Path.of("/w/encoded.mkv"));
  }

  private static String after(List<String> cmd, String flag) {
    return cmd.get(cmd.indexOf(flag) + 1);
  }

  /** The arguments after the {@code i}-th {@code -map}, up to the next one. */
  private static List<String> output(List<String> cmd, int i) {
    List<Integer> maps = new ArrayList<>();
    for (int k = 0; k < cmd.size(); k++) {
      if ("-map".equals(cmd.get(k))) {
        maps.add(k);
      }
    }
    int end = i + 1 < maps.size() ? maps.get(i + 1) : cmd.size();
    return cmd.subList(maps.get(i), end);
  }

  private static final String THREE =
      "{\"input\": {\"resolution\": \"1280x720\", \"duration_s\": 2}, \"output\": {\"type\":"
          + " \"file\"}, \"video\": {\"encoder\": \"libx264\", \"preset\": \"veryfast\"},"
          + " \"renditions\": [{\"name\": \"720p\", \"resolution\": \"1280x720\", \"bitrate\":"
          + " \"2.5M\"}, {\"name\": \"360p\", \"resolution\": \"640x360\", \"bitrate\": 800},"
          + " {\"name\": \"low\", \"resolution\": \"320x180\", \"bitrate\": \"300k\", \"fps\": 15,"
          + " \"encoder\": \"libvpx-vp9\"}]}";

  @Test
  void oneDecodeSplitIntoAScaledChainPerRendition() {
    List<String> cmd = encode(THREE);
    assertThat(cmd.stream().filter("-i"::equals)).as("one input, decoded once").hasSize(1);
    assertThat(cmd).doesNotContain("-vf");
    assertThat(after(cmd, "-filter_complex"))
        .isEqualTo(
            "[0:v]split=3[s0][s1][s2];"
                + "[s0]scale=1280:720:flags=bicubic,format=yuv420p[v0];"
                + "[s1]scale=640:360:flags=bicubic,format=yuv420p[v1];"
                + "[s2]scale=320:180:flags=bicubic,fps=15,format=yuv420p[v2]");
    assertThat(after(cmd, "-loglevel")).as("each output's account at the end").isEqualTo("verbose");
  }

  @Test
  void eachRenditionHasItsEncoderBitrateAndFile() {
    List<String> cmd = encode(THREE);
    assertThat(output(cmd, 0))
        .containsSubsequence("-map", "[v0]", "-c:v", "libx264", "-preset", "veryfast")
        .containsSubsequence("-b:v", "2500k", "-minrate", "2500k", "-maxrate", "2500k")
        .containsSubsequence("-bufsize", "5000k", "-g", "60", "-an")
        .endsWith("-f", "matroska", "/w/encoded-720p.mkv");
    assertThat(output(cmd, 1))
        .containsSubsequence("-map", "[v1]", "-b:v", "800k")
        .endsWith("/w/encoded-360p.mkv");
    assertThat(output(cmd, 2))
        .containsSubsequence("-map", "[v2]", "-c:v", "libvpx-vp9", "-cpu-used", "6")
        .containsSubsequence("-b:v", "300k", "-g", "30")
        .endsWith("/w/encoded-low.mkv");
  }

  @Test
  void aLiveLadderPublishesEachRenditionAsItsOwnStream() {
    JobSpec live =
        spec(
            "{\"input\": {\"type\": \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/cam\"}, \"output\":"
                + " {\"type\": \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/out\"}, \"renditions\":"
                + " [{\"name\": \"small\", \"resolution\": \"160x120\", \"bitrate\": 200},"
                + " {\"name\": \"big\", \"resolution\": \"320x240\", \"bitrate\": 400}]}");
    List<String> cmd =
        FfmpegCommand.encode(
            "ffmpeg",
            live,
            SourceInfo.live(live.input(), java.net.URI.create("rtmp://127.0.0.1/live/cam")),
            Path.of("/w/encoded.mkv"));
    assertThat(after(cmd, "-filter_complex"))
        .as("a stream's rate is unknown until it plays: always paced")
        .isEqualTo(
            "[0:v]split=2[s0][s1];[s0]scale=160:120:flags=bicubic,fps=30,format=yuv420p[v0];"
                + "[s1]scale=320:240:flags=bicubic,fps=30,format=yuv420p[v1]");
    assertThat(output(cmd, 0)).endsWith("-f", "flv", "rtmp://127.0.0.1:1935/live/out_small");
    assertThat(output(cmd, 1)).endsWith("-f", "flv", "rtmp://127.0.0.1:1935/live/out_big");
  }

  @Test
  void aSingleOutputJobIsUnchanged() {
    List<String> cmd = encode("{\"video\": {\"resolution\": \"320x240\"}}");
    assertThat(cmd).doesNotContain("-filter_complex", "-map");
    assertThat(after(cmd, "-loglevel")).isEqualTo("info");
  }

  @Test
  void gstreamerSplitsOneDecodeWithATeeIntoABranchPerRendition() {
    JobSpec ladder = spec(THREE);
    List<String> argv =
        GstCommand.encode(
            "gst-launch-1.0", ladder, SourceInfo.synthetic(ladder.input()), Path.of("/w/e.mkv"));
    assertThat(argv.stream().filter("videotestsrc"::equals)).as("one source").hasSize(1);
    assertThat(argv)
        .containsSubsequence(
            "videorate",
            "name=ffrtmp-rate",
            "silent=false",
            "skip-to-first=true",
            "!",
            "videoconvert",
            "!",
            "video/x-raw,format=I420,framerate=30/1",
            "!",
            "tee",
            "name=ffrtmp-split");
    // Each branch starts at the tee's pad without a "!" and runs to its own file.
    assertThat(argv)
        .containsSubsequence(
            "ffrtmp-split.",
            "!",
            "queue",
            "!",
            "videoscale",
            "!",
            "video/x-raw,format=I420,width=1280,height=720,pixel-aspect-ratio=1/1,framerate=30/1",
            "!",
            "x264enc",
            "speed-preset=veryfast",
            "pass=cbr",
            "bitrate=2500")
        .containsSubsequence(
            "identity",
            "name=ffrtmp-progress",
            "silent=false",
            "!",
            "matroskamux",
            "!",
            "filesink",
            "location=/w/encoded-720p.mkv");
    assertThat(argv)
        .containsSubsequence("name=ffrtmp-progress-1", "!", "matroskamux", "!", "filesink")
        .contains("location=/w/encoded-360p.mkv", "location=/w/encoded-low.mkv")
        .containsSubsequence(
            "ffrtmp-split.",
            "!",
            "queue",
            "!",
            "videorate",
            "!",
            "videoscale",
            "!",
            "video/x-raw,format=I420,width=320,height=180,pixel-aspect-ratio=1/1,framerate=15/1",
            "!",
            "vp9enc")
        .contains("target-bitrate=300000", "name=ffrtmp-progress-2");
    assertThat(argv.stream().filter("ffrtmp-split."::equals)).hasSize(3);
    assertThat(argv.get(argv.indexOf("ffrtmp-split.") - 1))
        .as("no ! before a branch")
        .isNotEqualTo("!");
    assertThat(GstCommand.requiredElements(ladder)).contains("tee", "queue", "x264enc", "vp9enc");
  }

  @Test
  void aLiveGstreamerLadderReadsTheStreamForItsDurationAndPublishesEachRung() {
    JobSpec live =
        spec(
            "{\"input\": {\"type\": \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/cam\","
                + " \"duration_s\": 4}, \"output\": {\"type\": \"rtmp\", \"url\":"
                + " \"rtmp://127.0.0.1/live/out\"}, \"renditions\": [{\"name\": \"small\","
                + " \"resolution\": \"160x120\", \"bitrate\": 200}, {\"name\": \"big\","
                + " \"resolution\": \"320x240\", \"bitrate\": 400}]}");
    List<String> argv =
        GstCommand.encode(
            "gst-launch-1.0",
            live,
            SourceInfo.live(live.input(), java.net.URI.create("rtmp://127.0.0.1/live/cam")),
            Path.of("/w/encoded.mkv"));
    assertThat(argv)
        .containsSubsequence(
            "rtmp2src",
            "location=rtmp://127.0.0.1/live/cam",
            "!",
            "flvdemux",
            "!",
            "decodebin",
            "!",
            "videorate")
        .as("4 s at 30 fps, then end of stream")
        .containsSubsequence("identity", "eos-after=120", "!", "tee")
        .containsSubsequence(
            "flvmux",
            "streamable=true",
            "!",
            "rtmp2sink",
            "location=rtmp://127.0.0.1:1935/live/out_small")
        .contains("location=rtmp://127.0.0.1:1935/live/out_big")
        .doesNotContain("filesink");
  }
}

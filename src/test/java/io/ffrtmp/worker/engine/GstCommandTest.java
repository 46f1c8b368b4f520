package io.ffrtmp.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.Resolution;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gst-launch-1.0 argument lists a spec becomes, property by property. */
class GstCommandTest {

  private static JobSpec spec(String json) {
    return JobSpec.fromJson(new JsonObject(json));
  }

  private static List<String> encode(String json) {
    JobSpec s = spec(json);
    return GstCommand.encode(
        "gst-launch-1.0", s, SourceInfo.synthetic(s.input()), Path.of("/w/encoded.mkv"));
  }

  /** The element's own tokens: from its name to the next "!". */
  private static List<String> element(List<String> argv, String name) {
    int at = argv.indexOf(name);
    assertThat(at).as(name + " in " + argv).isGreaterThanOrEqualTo(0);
    List<String> tokens = new ArrayList<>();
    for (int i = at; i < argv.size() && !argv.get(i).equals("!"); i++) {
      tokens.add(argv.get(i));
    }
    return tokens;
  }

  private static String bitrateSpec(String encoder, String rc) {
    return "{\"video\": {\"encoder\": \""
        + encoder
        + "\", \"rate_control\": \""
        + rc
        + "\", \"bitrate\": \"5M\", \"resolution\": \"320x240\"}}";
  }

  @Test
  void syntheticX264CrfPipelineIsOneArgumentPerTokenWithBangsOfTheirOwn() {
    List<String> argv =
        encode(
            "{\"input\": {\"duration_s\": 2}, \"video\": {\"resolution\": \"320x240\", \"preset\":"
                + " \"veryfast\", \"crf\": 20, \"gop\": 60}}");
    assertThat(argv)
        .containsExactly(
            "gst-launch-1.0",
            "-e",
            "-v",
            "videotestsrc",
            "pattern=ball",
            "num-buffers=60",
            "!",
            "video/x-raw,format=I420,width=320,height=240,pixel-aspect-ratio=1/1,framerate=30/1",
            "!",
            "videorate",
            "name=ffrtmp-rate",
            "silent=false",
            "skip-to-first=true",
            "!",
            "videoconvert",
            "!",
            "videoscale",
            "!",
            "video/x-raw,format=I420,width=320,height=240,pixel-aspect-ratio=1/1,framerate=30/1",
            "!",
            "x264enc",
            "speed-preset=veryfast",
            "pass=qual",
            "quantizer=20",
            "vbv-buf-capacity=0",
            "key-int-max=60",
            "!",
            "h264parse",
            "!",
            "identity",
            "name=ffrtmp-progress",
            "silent=false",
            "!",
            "matroskamux",
            "!",
            "filesink",
            "location=/w/encoded.mkv");
  }

  @Test
  void scaledAndRetimedToTheSpecsSizeAndRate() {
    List<String> argv =
        encode(
            "{\"input\": {\"resolution\": \"1920x1080\", \"fps\": 60}, \"video\": {\"resolution\":"
                + " \"640x360\", \"fps\": 29.97}}");
    assertThat(argv)
        .contains(
            "video/x-raw,format=I420,width=1920,height=1080,pixel-aspect-ratio=1/1,framerate=60/1",
            "video/x-raw,format=I420,width=640,height=360,pixel-aspect-ratio=1/1,framerate=2997/100");
    assertThat(GstCommand.fraction(23.976)).isEqualTo("2997/125");
    assertThat(GstCommand.fraction(240)).isEqualTo("240/1");
  }

  @Test
  void x264encBitrateIsKilobitsPerSecond() {
    // The old tool sent "5M" to GStreamer as 5 kbit/s: 5 Mbit/s is bitrate=5000 here.
    assertThat(element(encode(bitrateSpec("libx264", "cbr")), "x264enc"))
        .contains("pass=cbr", "bitrate=5000", "vbv-buf-capacity=2000");
  }

  @Test
  void x265encBitrateIsKilobitsPerSecondWithTheVbvInItsOptionString() {
    List<String> x265 = element(encode(bitrateSpec("libx265", "cbr")), "x265enc");
    assertThat(x265).contains("bitrate=5000", "option-string=vbv-maxrate=5000:vbv-bufsize=10000");
    assertThat(x265).contains("tune=0", "log-level=error");
  }

  @Test
  void vp9encTargetBitrateIsBitsPerSecond() {
    List<String> vp9 = element(encode(bitrateSpec("libvpx-vp9", "cbr")), "vp9enc");
    assertThat(vp9).contains("end-usage=cbr", "target-bitrate=5000000");
    assertThat(vp9).contains("deadline=1000000", "cpu-used=6", "row-mt=true");
    assertThat(element(encode(bitrateSpec("libvpx-vp9", "vbr")), "vp9enc"))
        .contains("end-usage=vbr", "target-bitrate=5000000");
  }

  @Test
  void av1encTargetBitrateIsKilobitsPerSecond() {
    List<String> av1 = element(encode(bitrateSpec("libaom-av1", "vbr")), "av1enc");
    assertThat(av1).contains("end-usage=vbr", "target-bitrate=5000");
    assertThat(encode(bitrateSpec("libaom-av1", "vbr"))).contains("av1parse");
  }

  @Test
  void crfOfVp9AndAv1IsAFixedQuantizerOnTheSameScale() {
    assertThat(element(encode("{\"video\": {\"encoder\": \"libvpx-vp9\", \"crf\": 33}}"), "vp9enc"))
        .contains("min-quantizer=33", "max-quantizer=33");
    assertThat(element(encode("{\"video\": {\"encoder\": \"libaom-av1\", \"crf\": 40}}"), "av1enc"))
        .contains("end-usage=q", "min-quantizer=40", "max-quantizer=40");
    assertThat(element(encode("{\"video\": {\"encoder\": \"libx265\", \"crf\": 30}}"), "x265enc"))
        .contains("option-string=crf=30");
  }

  @Test
  void threadsGoToTheEncoder() {
    assertThat(element(encode("{\"video\": {\"threads\": 3}}"), "x264enc")).contains("threads=3");
    assertThat(
            element(encode("{\"video\": {\"encoder\": \"libvpx-vp9\", \"threads\": 2}}"), "vp9enc"))
        .contains("threads=2");
  }

  @Test
  void aLiveQueueMakesTheTestSourceLive() {
    assertThat(element(encode("{\"queue\": \"live\"}"), "videotestsrc")).contains("is-live=true");
    assertThat(element(encode("{}"), "videotestsrc")).doesNotContain("is-live=true");
  }

  @Test
  void aFileIsDecodedAndCutAtItsDuration() {
    JobSpec s =
        spec("{\"input\": {\"type\": \"file\", \"path\": \"clips/a.mp4\", \"duration_s\": 2}}");
    SourceInfo src =
        new SourceInfo(
            List.of("-t", "2", "-i", "/media/clips/a!b c.mp4"),
            new Resolution(640, 360),
            25,
            2,
            "file",
            Path.of("/media/clips/a!b c.mp4"));
    List<String> argv = GstCommand.encode("gst-launch-1.0", s, src, Path.of("/w/encoded.mkv"));
    // A "!" or a space in a name stays inside its own argument (gst-launch escapes each one).
    assertThat(argv)
        .containsSequence("filesrc", "location=/media/clips/a!b c.mp4", "!", "decodebin");
    assertThat(argv).containsSequence("identity", "eos-after=50");
  }

  @Test
  void aRealtimeFileWaitsForTheClockLikeFfmpegsRe() {
    JobSpec s =
        spec(
            "{\"input\": {\"type\": \"file\", \"path\": \"a.mp4\", \"realtime\": true,"
                + " \"duration_s\": 2}, \"output\": {\"type\": \"rtmp\", \"url\":"
                + " \"rtmp://127.0.0.1/live/out\"}}");
    SourceInfo src =
        new SourceInfo(
                List.of("-t", "2", "-i", "/media/a.mp4"),
                new Resolution(640, 360),
                25,
                2,
                "file",
                Path.of("/media/a.mp4"))
            .atRealtime();
    List<String> argv = GstCommand.encode("gst-launch-1.0", s, src, Path.of("/w/encoded.mkv"));
    assertThat(argv)
        .containsSubsequence("identity", "eos-after=50", "!", "clocksync", "!", "videorate")
        .endsWith(
            "flvmux",
            "streamable=true",
            "!",
            "rtmp2sink",
            "location=rtmp://127.0.0.1:1935/live/out");
    assertThat(GstCommand.requiredElements(s)).contains("clocksync", "flvmux", "rtmp2sink");
  }

  @Test
  void anSrtInputAndOutputAreCallersThroughSrtsrcAndSrtsink() {
    JobSpec s =
        spec(
            "{\"input\": {\"type\": \"srt\", \"url\": \"srt://127.0.0.1:9000\","
                + " \"duration_s\": 3}, \"output\": {\"type\": \"srt\", \"url\":"
                + " \"srt://127.0.0.1:9001\"}, \"video\": {\"fps\": 25}}");
    List<String> argv =
        GstCommand.encode(
            "gst-launch-1.0",
            s,
            SourceInfo.live(s.input(), s.input().url()),
            Path.of("/w/encoded.mkv"));
    assertThat(argv)
        .containsSubsequence("srtsrc", "uri=srt://127.0.0.1:9000", "!", "tsdemux", "!", "decodebin")
        .containsSubsequence("identity", "eos-after=75", "!", "x264enc")
        .endsWith("mpegtsmux", "!", "srtsink", "uri=srt://127.0.0.1:9001");
  }

  @Test
  void aCodecAStreamContainerCannotCarryIsRefusedNamingTheOutput() {
    JobSpec vp9 =
        spec(
            "{\"input\": {\"type\": \"srt\", \"url\": \"srt://127.0.0.1:9000\"},"
                + " \"output\": {\"type\": \"srt\", \"url\": \"srt://127.0.0.1:9001\"},"
                + " \"video\": {\"encoder\": \"libvpx-vp9\"}}");
    assertThatThrownBy(() -> GstCommand.requiredElements(vp9))
        .isInstanceOf(GstCommand.Unsupported.class)
        .hasMessageStartingWith("engine_lacks_option: output: GStreamer's mpegtsmux")
        .hasMessageContaining("not vp9");
    JobSpec hevc =
        spec(
            "{\"input\": {\"type\": \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/a\"},"
                + " \"output\": {\"type\": \"rtmp\", \"url\": \"rtmp://127.0.0.1/live/b\"},"
                + " \"video\": {\"encoder\": \"libx265\"}}");
    assertThatThrownBy(() -> GstCommand.requiredElements(hevc))
        .isInstanceOf(GstCommand.Unsupported.class)
        .hasMessageContaining("flvmux carries H.264 only, not hevc");
  }

  @Test
  void pathsWithQuotesOrBackslashesAreRefused() {
    JobSpec s = spec("{\"input\": {\"type\": \"file\", \"path\": \"clips/a.mp4\"}}");
    SourceInfo src =
        new SourceInfo(
            List.of(),
            new Resolution(640, 360),
            25,
            2,
            "file",
            Path.of("/media/a\" ! fakesink.mp4"));
    assertThatThrownBy(() -> GstCommand.encode("gst-launch-1.0", s, src, Path.of("/w/e.mkv")))
        .isInstanceOf(GstCommand.Unsupported.class)
        .hasMessageStartingWith("engine_lacks_option");
  }

  @Test
  void encodersGStreamerLacksAreAReasonNotACrash() {
    for (String enc : List.of("libsvtav1", "h264_nvenc", "hevc_qsv", "h264_vaapi")) {
      JobSpec s = spec("{\"video\": {\"encoder\": \"" + enc + "\"}}");
      assertThatThrownBy(() -> GstCommand.requiredElements(s))
          .isInstanceOf(GstCommand.Unsupported.class)
          .satisfies(
              e ->
                  assertThat(((GstCommand.Unsupported) e).code()).isEqualTo("engine_lacks_encoder"))
          .hasMessageContaining(enc);
    }
  }

  @Test
  void optionsX264encCannotExpressAreRefused() {
    assertThatThrownBy(() -> encode("{\"video\": {\"crf\": 51}}"))
        .hasMessageStartingWith("engine_lacks_option");
    assertThatThrownBy(
            () ->
                encode(
                    "{\"video\": {\"rate_control\": \"vbr\", \"bitrate\": \"2M\", \"max_bitrate\":"
                        + " \"4M\"}}"))
        .hasMessageStartingWith("engine_lacks_option");
  }

  @Test
  void everyPropertyValueIsANumberAnEnumNameOrAPath() {
    // Whatever a spec holds, the pipeline's tokens are drawn from this alphabet: no quotes, no
    // spaces, no second "!" inside a token, nothing a parser would read as a new element.
    for (String enc : List.of("libx264", "libx265", "libvpx-vp9", "libaom-av1")) {
      for (String rc : List.of("crf", "cbr")) {
        String json =
            "{\"video\": {\"encoder\": \""
                + enc
                + "\", \"rate_control\": \""
                + rc
                + "\""
                + (rc.equals("crf") ? "" : ", \"bitrate\": 2500")
                + "}}";
        for (String token : encode(json)) {
          assertThat(token).matches("!|[A-Za-z0-9_./=:,-]+");
        }
      }
    }
  }

  @Test
  void theReferenceIsTheSameSourceRenderedLosslessly() {
    JobSpec s =
        spec(
            "{\"input\": {\"pattern\": \"smptehdbars\", \"duration_s\": 1}, \"video\":"
                + " {\"resolution\": \"320x240\"}}");
    List<String> argv = GstCommand.reference("gst-launch-1.0", s.input(), Path.of("/w/ref.mkv"));
    assertThat(argv)
        .containsSequence("videotestsrc", "pattern=smpte-rp-219", "num-buffers=30")
        .containsSequence("avenc_ffv1", "!", "matroskamux", "!", "filesink", "location=/w/ref.mkv");
  }

  @Test
  void aPreRenderedNaturalPatternIsReadFromItsFileNotDrawnByVideotestsrc() {
    JobSpec s =
        spec(
            "{\"input\": {\"pattern\": \"natural\", \"duration_s\": 2}, \"video\":"
                + " {\"resolution\": \"640x360\", \"fps\": 25, \"encoder\": \"libx264\"}}");
    Path render = Path.of("/data/render-cache/natural-v1-640x360-25fps-50f.mkv");
    SourceInfo src = SourceInfo.prerendered(s.input(), render, new JsonObject());
    List<String> argv = GstCommand.encode("gst-launch-1.0", s, src, Path.of("/w/encoded.mkv"));
    assertThat(argv).containsSequence("filesrc", "location=" + render, "!", "decodebin");
    assertThat(argv).doesNotContain("videotestsrc");
    assertThat(GstCommand.requiredElements(s)).contains("filesrc", "decodebin");
    assertThat(GstCommand.requiredElements(s)).doesNotContain("videotestsrc");
    // FFmpeg reads the same file, at its own size and rate: no scale or fps filter.
    List<String> ff = FfmpegCommand.encode("ffmpeg", s, src, Path.of("/w/encoded.mkv"));
    assertThat(ff).containsSequence("-i", render.toString());
    assertThat(ff).doesNotContain("lavfi");
    assertThat(ff.get(ff.indexOf("-vf") + 1)).isEqualTo("format=yuv420p");
  }

  @Test
  void aQualityTargetIsRefusedAsAnOptionGstreamerLacks() {
    JobSpec s =
        spec(
            "{\"engine\": \"gstreamer\", \"video\": {\"encoder\": \"libx264\", \"target\":"
                + " {\"metric\": \"psnr\", \"value\": 40}}}");
    assertThatThrownBy(() -> GstCommand.requiredElements(s))
        .isInstanceOf(GstCommand.Unsupported.class)
        .hasMessageStartingWith("engine_lacks_option: video.target:")
        .hasMessageContaining("engine ffmpeg only");
    assertThat(
            ((GstCommand.Unsupported) catchThrowable(() -> GstCommand.requiredElements(s))).code())
        .isEqualTo(GstCommand.LACKS_OPTION);
  }
}

package io.ffrtmp.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** gst-launch-1.0 -v output, as GStreamer 1.22 prints it, into FFmpeg-shaped progress. */
class GstProgressParserTest {

  static String frame(int bytes) {
    return "/GstPipeline:pipeline0/GstIdentity:ffrtmp-progress: last-message = chain   *******"
        + " (ffrtmp-progress:sink) ("
        + bytes
        + " bytes, dts: 999:59:59.933333334, pts: 1000:00:00.000000000, duration:"
        + " 0:00:00.033333333, offset: 0, offset_end: -1, flags: 00000640 discont marker header ,"
        + " meta: none) 0x7f6e20098120";
  }

  @Test
  void framesBytesAndRatesEveryHalfSecondAndAtTheEnd() {
    AtomicLong now = new AtomicLong(0);
    List<Progress> out = new ArrayList<>();
    GstProgressParser p = new GstProgressParser(out::add, 30, now::get);
    p.accept(
        "/GstPipeline:pipeline0/GstIdentity:ffrtmp-progress: last-message = event   *******"
            + " (ffrtmp-progress:sink) E (type: stream-start (10254), ...)");
    for (int i = 0; i < 15; i++) {
      now.addAndGet(20_000_000); // 20 ms a frame: 50 fps, 1.67x realtime at 30 fps
      p.accept(frame(1000));
    }
    assertThat(out).isEmpty(); // 300 ms so far
    for (int i = 0; i < 15; i++) {
      now.addAndGet(20_000_000);
      p.accept(frame(1000));
    }
    assertThat(out).hasSize(1);
    Progress mid = out.get(0);
    assertThat(mid.frame()).isEqualTo(25);
    assertThat(mid.fps()).isEqualTo(50.0);
    assertThat(mid.totalSizeBytes()).isEqualTo(25_000);
    assertThat(mid.end()).isFalse();
    p.accept("/GstPipeline:pipeline0/GstVideoRate:ffrtmp-rate: duplicate = 2");
    p.accept("/GstPipeline:pipeline0/GstVideoRate:ffrtmp-rate: drop = 1");
    p.accept("Got EOS from element \"pipeline0\".");
    p.accept(frame(1000)); // nothing counts after the end
    Progress last = out.get(out.size() - 1);
    assertThat(last.end()).isTrue();
    assertThat(last.frame()).isEqualTo(30);
    assertThat(last.outTimeUs()).isEqualTo(1_000_000);
    assertThat(last.speed()).isEqualTo(1.667);
    assertThat(last.bitrateKbps()).isEqualTo(240.0); // 30000 bytes in 1 s
    assertThat(last.dupFrames()).isEqualTo(2);
    assertThat(last.dropFrames()).isEqualTo(1);
  }

  @Test
  void otherElementsAndCapsLinesAreNotFrames() {
    List<Progress> out = new ArrayList<>();
    AtomicLong now = new AtomicLong(0);
    GstProgressParser p = new GstProgressParser(out::add, 30, now::get);
    p.accept(
        "/GstPipeline:pipeline0/GstIdentity:identity0: last-message = chain   *******"
            + " (identity0:sink) (77 bytes, dts: none)");
    p.accept(
        "/GstPipeline:pipeline0/GstIdentity:ffrtmp-progress.GstPad:src: caps = video/x-h264,"
            + " width=(int)320");
    now.set(2_000_000_000L);
    p.accept("Got EOS from element \"pipeline0\".");
    assertThat(out).hasSize(1);
    assertThat(out.get(0).frame()).isZero();
  }
}

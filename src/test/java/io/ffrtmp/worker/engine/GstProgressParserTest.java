package io.ffrtmp.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** gst-launch-1.0 -v output, as GStreamer 1.22 prints it, into FFmpeg-shaped progress. */
class GstProgressParserTest {

  /** One probe's buffers as gst-launch -v prints them: offsets add up, pts advance a frame. */
  static final class Probe {
    private final String name;
    private long offset;
    private long index;

    Probe(String name) {
      this.name = name;
    }

    String frame(int bytes) {
      long ptsNs = index++ * 1_000_000_000L / 30;
      String line =
          "/GstPipeline:pipeline0/GstIdentity:"
              + name
              + ": last-message = chain   ******* ("
              + name
              + ":sink) ("
              + bytes
              + " bytes, dts: 999:59:59.933333334, pts: 1000:00:"
              + String.format(
                  java.util.Locale.ROOT,
                  "%02d.%09d",
                  ptsNs / 1_000_000_000L,
                  ptsNs % 1_000_000_000L)
              + ", duration: 0:00:00.033333333, offset: "
              + offset
              + ", offset_end: -1, flags: 00000640 discont marker header , meta: none)"
              + " 0x7f6e20098120";
      offset += bytes;
      return line;
    }
  }

  private final Probe main = new Probe("ffrtmp-progress");

  String frame(int bytes) {
    return main.frame(bytes);
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
  void aLaddersRungsAreCountedByTheirOwnProbesAndProgressFollowsTheFirst() {
    AtomicLong now = new AtomicLong(0);
    List<Progress> out = new ArrayList<>();
    GstProgressParser p = new GstProgressParser(out::add, 30, now::get);
    Probe second = new Probe("ffrtmp-progress-1");
    Probe third = new Probe("ffrtmp-progress-2");
    for (int i = 0; i < 10; i++) {
      p.accept(frame(1000));
      p.accept(second.frame(400));
      if (i % 2 == 0) {
        p.accept(third.frame(100));
      }
    }
    p.accept("Got EOS from element \"pipeline0\".");
    assertThat(out.get(out.size() - 1).frame()).isEqualTo(10);
    assertThat(out.get(out.size() - 1).totalSizeBytes()).isEqualTo(10_000);
    assertThat(p.outputs())
        .containsExactly(
            java.util.Map.entry(0, new GstProgressParser.Output(10, 10_000)),
            java.util.Map.entry(1, new GstProgressParser.Output(10, 4_000)),
            java.util.Map.entry(2, new GstProgressParser.Output(5, 500)));
  }

  /**
   * With several streaming threads gst-launch repeats some notifications and loses others (seen
   * with a two-rung ladder: 61 and 57 lines for 60 frames each); the counts stay exact.
   */
  @Test
  void repeatedAndLostLinesDoNotChangeTheCount() {
    List<Progress> out = new ArrayList<>();
    GstProgressParser p = new GstProgressParser(out::add, 30, new AtomicLong(0)::get);
    for (int i = 0; i < 60; i++) {
      String line = frame(100 + i);
      if (i == 30 || i == 31) {
        continue; // lost
      }
      p.accept(line);
      if (i % 7 == 0) {
        p.accept(line); // repeated
      }
    }
    p.accept("Got EOS from element \"pipeline0\".");
    Progress last = out.get(out.size() - 1);
    assertThat(last.frame()).isEqualTo(60);
    assertThat(last.totalSizeBytes()).isEqualTo(60 * 100 + 59 * 60 / 2);
  }

  @Test
  void clockTimesAreReadToTheNanosecond() {
    assertThat(GstProgressParser.clockTimeNs("1000:00:01.033333333"))
        .as("1000 h and 1.033333333 s")
        .isEqualTo(1000L * 3600 * 1_000_000_000L + 1_033_333_333L);
    assertThat(GstProgressParser.clockTimeNs("0:00:00.5")).isEqualTo(500_000_000L);
    assertThat(GstProgressParser.clockTimeNs("none")).isEqualTo(-1);
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

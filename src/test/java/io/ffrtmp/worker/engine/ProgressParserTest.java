package io.ffrtmp.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressParserTest {

  private static List<Progress> parse(String text) {
    List<Progress> out = new ArrayList<>();
    ProgressParser p = new ProgressParser(out::add);
    text.lines().forEach(p::accept);
    return out;
  }

  @Test
  void parsesABlockWithPaddedValuesAndSuffixes() {
    List<Progress> blocks =
        parse(
            """
            frame=30
            fps=29.50
            stream_0_0_q=-1.0
            bitrate= 338.0kbits/s
            total_size=38069
            out_time_us=901000
            out_time_ms=901000
            out_time=00:00:00.901000
            dup_frames=1
            drop_frames=2
            speed=  15x
            progress=end
            """);
    assertThat(blocks).hasSize(1);
    Progress p = blocks.get(0);
    assertThat(p.frame()).isEqualTo(30);
    assertThat(p.fps()).isEqualTo(29.5);
    assertThat(p.bitrateKbps()).isEqualTo(338.0);
    assertThat(p.totalSizeBytes()).isEqualTo(38069);
    assertThat(p.outTimeUs()).isEqualTo(901000);
    assertThat(p.dupFrames()).isEqualTo(1);
    assertThat(p.dropFrames()).isEqualTo(2);
    assertThat(p.speed()).isEqualTo(15.0);
    assertThat(p.end()).isTrue();
  }

  @Test
  void notAvailableAndSentinelsBecomeNull() {
    Progress p =
        parse(
                """
                frame=0
                fps=0.00
                bitrate=N/A
                total_size=N/A
                out_time_us=-9223372036854775807
                out_time=-577014:32:22.775808
                speed=N/A
                progress=continue
                """)
            .get(0);
    assertThat(p.bitrateKbps()).isNull();
    assertThat(p.totalSizeBytes()).isNull();
    assertThat(p.outTimeUs()).isNull();
    assertThat(p.speed()).isNull();
    assertThat(p.end()).isFalse();
  }

  @Test
  void fallsBackToOutTimeClock() {
    Progress p = parse("frame=50\nout_time=00:01:01.920000\nprogress=continue\n").get(0);
    assertThat(p.outTimeUs()).isEqualTo(61_920_000L);
  }

  @Test
  void emitsOneSamplePerBlockAndIgnoresNoise() {
    List<Progress> blocks =
        parse(
            "frame=1\n"
                + "progress=continue\n"
                + "garbage line\n"
                + "frame=2\n"
                + "progress=continue\n"
                + "frame=3\n"
                + "progress=end\n");
    assertThat(blocks).extracting(Progress::frame).containsExactly(1L, 2L, 3L);
  }
}

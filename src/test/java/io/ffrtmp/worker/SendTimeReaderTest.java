package io.ffrtmp.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.worker.engine.FfmpegCommand;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The send-time strip read back: bits, markers, the clock's wrap and misreads. */
class SendTimeReaderTest {

  /** The strip as the reader prints it: cell i is bit i % 8 of byte i / 8, 1 = black. */
  static String xbm(long value, boolean whiteStart, boolean blackEnd) {
    int cells = FfmpegCommand.STAMP_CELLS;
    boolean[] black = new boolean[cells];
    black[0] = !whiteStart;
    for (int i = 1; i <= FfmpegCommand.STAMP_BITS; i++) {
      boolean one = ((value >> (FfmpegCommand.STAMP_BITS - i)) & 1) == 1;
      black[i] = !one; // a 1 is drawn white
    }
    black[cells - 1] = blackEnd;
    int[] bytes = new int[(cells + 7) / 8];
    for (int i = 0; i < cells; i++) {
      if (black[i]) {
        bytes[i / 8] |= 1 << (i % 8);
      }
    }
    List<String> out = new ArrayList<>();
    for (int b : bytes) {
      out.add(String.format("0x%02x", b));
    }
    return String.join(",", out);
  }

  @Test
  void theStripReadsBackTheValueItCarries() {
    for (long v : new long[] {0, 1, 12_345_678, (1L << FfmpegCommand.STAMP_BITS) - 1}) {
      assertThat(SendTimeReader.sendTime(xbm(v, true, true))).isEqualTo(v);
    }
  }

  @Test
  void wrongMarkersOrGarbageAreNotATime() {
    assertThat(SendTimeReader.sendTime(xbm(42, false, true))).isNull();
    assertThat(SendTimeReader.sendTime(xbm(42, true, false))).isNull();
    assertThat(SendTimeReader.sendTime("0xzz,0x00,0x00,0x00")).isNull();
    assertThat(SendTimeReader.sendTime("0x00")).isNull();
  }

  @Test
  void latencyIsArrivalMinusSendAcrossTheClocksWrapAndMisreadsAreCounted() {
    long modulus = 1L << FfmpegCommand.STAMP_BITS;
    AtomicLong now = new AtomicLong();
    SendTimeReader r = new SendTimeReader(now::get);
    // 250 ms, then 300 ms across the wrap of the 24-bit clock, then a strip 10 minutes old.
    frame(r, now, 10_000 + 250, 10_000);
    frame(r, now, modulus + 100, modulus - 200);
    frame(r, now, 700_000, 100_000);
    r.accept("#define frame_width 26"); // a new frame's header resets a half-read one
    r.accept("0x00,");
    r.accept("static char frame_bits[] = {");
    r.accept(xbm(5, false, true) + "};"); // markers wrong
    JsonObject j = r.toJson();
    assertThat(j.getLong("samples")).isEqualTo(2);
    assertThat(j.getLong("p50")).isEqualTo(250);
    assertThat(j.getLong("max")).isEqualTo(300);
    assertThat(j.getInteger("unreadable")).isEqualTo(2);
    assertThat(j.getString("method")).contains("send-time strip");
  }

  private static void frame(SendTimeReader r, AtomicLong now, long arrival, long sent) {
    now.set(arrival);
    r.accept("#define frame_width " + FfmpegCommand.STAMP_CELLS);
    r.accept("static char frame_bits[] = {");
    r.accept(xbm(Math.floorMod(sent, 1L << FfmpegCommand.STAMP_BITS), true, true) + "};");
  }
}

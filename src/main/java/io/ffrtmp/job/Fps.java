package io.ffrtmp.job;

import java.math.BigDecimal;

/** Frame-rate checks and formatting shared by specs and scenarios. */
final class Fps {

  private Fps() {}

  static double check(String field, double fps) {
    if (!(fps >= 1 && fps <= 240)) {
      throw new SpecException(
          field, fps + " is out of range; accepted: 1 to 240 frames per second");
    }
    return fps;
  }

  /** 30.0 → "30", 29.97 → "29.97": what FFmpeg and humans read. */
  static String format(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}

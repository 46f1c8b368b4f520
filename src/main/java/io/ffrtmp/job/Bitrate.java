package io.ffrtmp.job;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses bitrates as users write them for FFmpeg: {@code 2500k}, {@code 10M}, {@code 800000}, or a
 * number of kbit/s.
 */
public final class Bitrate {

  public static final String ACCEPTED =
      "a number of kbit/s, or text such as 800k, 2.5M or 10M (32 kbit/s to 500 Mbit/s)";
  private static final Pattern TEXT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmM]?)");

  private Bitrate() {}

  /** Returns kbit/s. */
  public static int parseKbps(String field, Object value) {
    double kbps;
    if (value instanceof Number n) {
      kbps = n.doubleValue();
    } else if (value instanceof String s) {
      Matcher m = TEXT.matcher(s.trim());
      if (!m.matches()) {
        throw new SpecException(field, "'" + s + "' is not a bitrate; accepted: " + ACCEPTED);
      }
      double v = Double.parseDouble(m.group(1));
      String unit = m.group(2).toLowerCase(Locale.ROOT);
      kbps =
          switch (unit) {
            case "k" -> v;
            case "m" -> v * 1000;
            default -> v / 1000; // a bare number in text is bits per second, as FFmpeg reads it
          };
    } else {
      throw new SpecException(field, "must be a number or a string; accepted: " + ACCEPTED);
    }
    if (!(kbps >= 32 && kbps <= 500_000)) {
      throw new SpecException(field, "'" + value + "' is out of range; accepted: " + ACCEPTED);
    }
    return (int) Math.round(kbps);
  }
}

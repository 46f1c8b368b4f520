package io.ffrtmp.job;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A frame size; parsed from {@code 1280x720} or a common name such as {@code 720p} or {@code 4K}.
 */
public record Resolution(int width, int height) {

  public static final String ACCEPTED =
      "WIDTHxHEIGHT with even numbers from 16 to 8192 (e.g. 1280x720), "
          + "or one of 240p, 360p, 480p, 540p, 720p, 1080p, 1440p, 2160p, 4K";

  private static final Pattern WXH = Pattern.compile("(\\d{1,5})x(\\d{1,5})");
  static final Map<String, Resolution> NAMED =
      Map.of(
          "240p", new Resolution(426, 240),
          "360p", new Resolution(640, 360),
          "480p", new Resolution(854, 480),
          "540p", new Resolution(960, 540),
          "720p", new Resolution(1280, 720),
          "1080p", new Resolution(1920, 1080),
          "1440p", new Resolution(2560, 1440),
          "2160p", new Resolution(3840, 2160),
          "4k", new Resolution(3840, 2160));

  public static Resolution parse(String field, String text) {
    if (text == null) {
      throw new SpecException(field, "missing; accepted: " + ACCEPTED);
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    Resolution named = NAMED.get(t);
    if (named != null) {
      return named;
    }
    Matcher m = WXH.matcher(t);
    if (!m.matches()) {
      throw new SpecException(field, "'" + text + "' is not a resolution; accepted: " + ACCEPTED);
    }
    int w = Integer.parseInt(m.group(1));
    int h = Integer.parseInt(m.group(2));
    if (w < 16 || h < 16 || w > 8192 || h > 8192 || w % 2 != 0 || h % 2 != 0) {
      throw new SpecException(field, "'" + text + "' is out of range; accepted: " + ACCEPTED);
    }
    return new Resolution(w, h);
  }

  public long pixels() {
    return (long) width * height;
  }

  @Override
  public String toString() {
    return width + "x" + height;
  }
}

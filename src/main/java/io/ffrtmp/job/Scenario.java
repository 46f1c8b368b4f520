package io.ffrtmp.job;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A named shorthand such as {@code 4K60-h265} or {@code 1080p-h264}: it expands into resolution,
 * frame rate and codec (and so the default encoder). Explicit fields in the spec override what the
 * scenario sets. A {@code live-} prefix ({@code live-720p30-h264}) makes it a live job: the input
 * is a live one (a {@code live_synthetic} camera unless given; a file plays at realtime) and the
 * queue is {@code live} unless given.
 */
public record Scenario(String name, Resolution resolution, double fps, Codec codec, boolean live) {

  public static final String ACCEPTED =
      "[live-]RESOLUTION[FPS]-CODEC, e.g. 720p30-h264, 1080p60-hevc, 4K60-h265, 1440p-av1,"
          + " live-720p30-h264; resolutions 240p 360p 480p 540p 720p 1080p 1440p 2160p 4K; codecs"
          + " h264, h265/hevc, av1, vp9; fps defaults to 30";

  private static final Pattern FORM =
      Pattern.compile("(live-)?(\\d{3,4}p|4k)(\\d{1,3})?-([a-z0-9.]+)");

  public static Scenario parse(String field, String text) {
    Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new SpecException(field, "'" + text + "' is not a scenario; accepted: " + ACCEPTED);
    }
    Resolution res = Resolution.NAMED.get(m.group(2));
    if (res == null) {
      throw new SpecException(
          field,
          "'"
              + m.group(2)
              + "' in '"
              + text
              + "' is not a known resolution; accepted: "
              + ACCEPTED);
    }
    double fps = m.group(3) == null ? 30 : Fps.check(field, Integer.parseInt(m.group(3)));
    Codec codec;
    try {
      codec = Codec.parse(field, m.group(4));
    } catch (SpecException e) {
      throw new SpecException(
          field, "'" + m.group(4) + "' in '" + text + "' is not a codec; accepted: " + ACCEPTED);
    }
    return new Scenario(text.trim(), res, fps, codec, m.group(1) != null);
  }
}

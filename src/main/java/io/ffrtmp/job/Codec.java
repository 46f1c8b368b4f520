package io.ffrtmp.job;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Video codec families a job can ask for. */
public enum Codec {
  H264("h264", "libx264"),
  HEVC("hevc", "libx265"),
  AV1("av1", "libsvtav1"),
  VP9("vp9", "libvpx-vp9");

  private final String id;
  private final String defaultEncoder;

  Codec(String id, String defaultEncoder) {
    this.id = id;
    this.defaultEncoder = defaultEncoder;
  }

  public String id() {
    return id;
  }

  /** The software encoder {@code encoder: auto} picks for this codec. */
  public String defaultEncoder() {
    return defaultEncoder;
  }

  public static Codec parse(String field, String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "h264", "avc", "h.264" -> {
        return H264;
      }
      case "hevc", "h265", "h.265" -> {
        return HEVC;
      }
      case "av1" -> {
        return AV1;
      }
      case "vp9" -> {
        return VP9;
      }
      default ->
          throw new SpecException(field, "'" + text + "' is not a codec; accepted: " + accepted());
    }
  }

  public static String accepted() {
    return Arrays.stream(values()).map(Codec::id).collect(Collectors.joining(", "))
        + " (h265 = hevc)";
  }
}

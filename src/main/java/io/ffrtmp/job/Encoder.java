package io.ffrtmp.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The encoders ffrtmp knows how to drive, with what each accepts. A name outside this list is bad
 * input (exit 2); a listed encoder missing from the local FFmpeg build is a failed configuration at
 * run time.
 */
public enum Encoder {
  LIBX264("libx264", Codec.H264, Hardware.NONE, PresetLists.X26X, 0, 51, 23),
  LIBX265("libx265", Codec.HEVC, Hardware.NONE, PresetLists.X26X, 0, 51, 28),
  LIBSVTAV1("libsvtav1", Codec.AV1, Hardware.NONE, PresetLists.range(0, 13), 1, 63, 35),
  LIBAOM_AV1("libaom-av1", Codec.AV1, Hardware.NONE, PresetLists.range(0, 8), 0, 63, 32),
  LIBVPX_VP9("libvpx-vp9", Codec.VP9, Hardware.NONE, PresetLists.range(0, 8), 0, 63, 32),
  H264_NVENC("h264_nvenc", Codec.H264, Hardware.NVENC, PresetLists.NVENC, 0, 51, 23),
  HEVC_NVENC("hevc_nvenc", Codec.HEVC, Hardware.NVENC, PresetLists.NVENC, 0, 51, 28),
  H264_QSV("h264_qsv", Codec.H264, Hardware.QSV, PresetLists.QSV, 1, 51, 23),
  HEVC_QSV("hevc_qsv", Codec.HEVC, Hardware.QSV, PresetLists.QSV, 1, 51, 28),
  H264_VAAPI("h264_vaapi", Codec.H264, Hardware.VAAPI, List.of(), 0, 51, 23),
  HEVC_VAAPI("hevc_vaapi", Codec.HEVC, Hardware.VAAPI, List.of(), 0, 51, 28);

  /** How frames reach the encoder. */
  public enum Hardware {
    NONE,
    NVENC,
    QSV,
    VAAPI
  }

  private final String ffmpegName;
  private final Codec codec;
  private final Hardware hardware;
  private final List<String> presets;
  private final int crfMin;
  private final int crfMax;
  private final int defaultCrf;

  Encoder(
      String ffmpegName,
      Codec codec,
      Hardware hardware,
      List<String> presets,
      int crfMin,
      int crfMax,
      int defaultCrf) {
    this.ffmpegName = ffmpegName;
    this.codec = codec;
    this.hardware = hardware;
    this.presets = presets;
    this.crfMin = crfMin;
    this.crfMax = crfMax;
    this.defaultCrf = defaultCrf;
  }

  public String ffmpegName() {
    return ffmpegName;
  }

  public Codec codec() {
    return codec;
  }

  public Hardware hardware() {
    return hardware;
  }

  /**
   * Presets in order from fastest to slowest for the x26x family; numeric presets for AV1/VP9
   * (higher = faster).
   */
  public List<String> presets() {
    return presets;
  }

  public int crfMin() {
    return crfMin;
  }

  public int crfMax() {
    return crfMax;
  }

  public int defaultCrf() {
    return defaultCrf;
  }

  /** The preset used when a spec names none; null when the encoder has no presets. */
  public String defaultPreset() {
    return switch (this) {
      case LIBX264, LIBX265 -> "medium";
      case LIBSVTAV1 -> "10";
      case LIBAOM_AV1, LIBVPX_VP9 -> "6";
      case H264_NVENC, HEVC_NVENC -> "p4";
      case H264_QSV, HEVC_QSV -> "medium";
      case H264_VAAPI, HEVC_VAAPI -> null;
    };
  }

  public static Optional<Encoder> byName(String name) {
    return Arrays.stream(values()).filter(e -> e.ffmpegName.equals(name)).findFirst();
  }

  public static String accepted() {
    return Arrays.stream(values()).map(Encoder::ffmpegName).collect(Collectors.joining(", "))
        + ", auto";
  }

  /** Encoder names grouped by codec, for help texts. */
  public static Map<Codec, List<String>> byCodec() {
    Map<Codec, List<String>> m = new LinkedHashMap<>();
    for (Encoder e : values()) {
      m.computeIfAbsent(e.codec, c -> new ArrayList<>()).add(e.ffmpegName);
    }
    return m;
  }
}

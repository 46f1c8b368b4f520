package io.ffrtmp.job;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Preset vocabularies shared by several encoders (kept outside the enum: constants cannot refer
 * forward).
 */
final class PresetLists {

  static final List<String> X26X =
      List.of(
          "ultrafast",
          "superfast",
          "veryfast",
          "faster",
          "fast",
          "medium",
          "slow",
          "slower",
          "veryslow",
          "placebo");
  static final List<String> NVENC = List.of("p1", "p2", "p3", "p4", "p5", "p6", "p7");
  static final List<String> QSV =
      List.of("veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow");

  private PresetLists() {}

  static List<String> range(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(Integer::toString).toList();
  }
}

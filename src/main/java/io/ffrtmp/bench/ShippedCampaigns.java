package io.ffrtmp.bench;

import java.io.InputStream;
import java.util.List;

/**
 * The campaign files of conf/campaigns, also packed into the jar so {@code bench quick} works from
 * any directory.
 */
final class ShippedCampaigns {

  static final List<String> NAMES =
      List.of(
          "quick",
          "quick-natural",
          "natural-clips",
          "codecs-1080p",
          "bitrate-ladder",
          "x264-presets",
          "engines",
          "live-density",
          "crf-sweep",
          "target-psnr",
          "target-vmaf");

  private ShippedCampaigns() {}

  /**
   * Opens a shipped campaign by name ({@code quick}) or by its path in the repository; null when
   * there is none.
   */
  static InputStream open(String nameOrPath) {
    String base = baseName(nameOrPath);
    if (!NAMES.contains(base)) {
      return null;
    }
    return ShippedCampaigns.class.getResourceAsStream("/campaigns/" + base + ".json");
  }

  static String baseName(String nameOrPath) {
    String n = nameOrPath.replace('\\', '/');
    n = n.substring(n.lastIndexOf('/') + 1);
    return n.endsWith(".json") ? n.substring(0, n.length() - 5) : n;
  }
}

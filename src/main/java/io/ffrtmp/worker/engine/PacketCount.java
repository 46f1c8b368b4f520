package io.ffrtmp.worker.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The video packets in an encoded file, counted by the ffprobe beside FFmpeg without decoding (each
 * packet is one frame). A GStreamer encode's frames come from this where it wrote a file:
 * gst-launch's per-buffer notifications, which its progress counts while it runs, can repeat or
 * lose a line when another thread touches the probe (seen as 59 of 60 frames in a ladder).
 */
public final class PacketCount {

  private PacketCount() {}

  /** The ffprobe command: every packet of the first video stream read, none decoded. */
  static List<String> command(String ffmpeg, Path file) {
    return List.of(
        Ffprobe.binary(ffmpeg),
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-count_packets",
        "-show_entries",
        "stream=nb_read_packets",
        "-of",
        "csv=p=0",
        file.toString());
  }

  /** Blocking: run on a worker thread. */
  public static long of(String ffmpeg, Path file) throws IOException {
    String out = Ffprobe.run(command(ffmpeg, file), file, 60).strip();
    try {
      return Long.parseLong(out);
    } catch (NumberFormatException e) {
      throw new IOException("ffprobe gave no packet count for " + file.getFileName() + ": " + out);
    }
  }
}

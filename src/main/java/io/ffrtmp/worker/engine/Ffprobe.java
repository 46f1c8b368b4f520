package io.ffrtmp.worker.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The ffprobe beside the node's FFmpeg, and a blocking run of it on a file. */
final class Ffprobe {

  private Ffprobe() {}

  /**
   * {@code /usr/bin/ffmpeg} → {@code /usr/bin/ffprobe}; a bare {@code ffmpeg} → {@code ffprobe}.
   */
  static String binary(String ffmpeg) {
    Path bin = Path.of(ffmpeg);
    return bin.getParent() == null ? "ffprobe" : bin.resolveSibling("ffprobe").toString();
  }

  /**
   * Runs {@code command} (an ffprobe argument list reading {@code file}) and returns its output;
   * fails naming the file and ffprobe's own words when it does not exit 0 within {@code limitS}.
   * Blocking: run on a worker thread.
   */
  static String run(List<String> command, Path file, long limitS) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(limitS, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("ffprobe could not read " + file.getFileName() + ": " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while probing " + file.getFileName(), e);
    }
    return out;
  }
}

package io.ffrtmp.worker;

import io.ffrtmp.job.JobSpec;
import io.ffrtmp.worker.engine.NaturalPattern;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Pre-rendered synthetic inputs, one file per (pattern, size, rate, length), kept in a directory of
 * the worker's data directory and reused by every job that asks for the same frames. Bounded: a
 * render that would take the directory past {@link #MAX_BYTES} first removes the least recently
 * used renders; a render larger than the cap on its own is refused. Blocking: call on a worker
 * thread.
 */
final class RenderCache {

  /** The most the cache directory holds: a few 720p clips of ten seconds (415 MB each). */
  static final long MAX_BYTES = 4L << 30;

  /** One lock per cache directory: two slots asking for the same render make it once. */
  private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

  /** What the job reads, and what it cost to make (outside the energy window). */
  record Rendered(Path file, long bytes, double renderS, boolean reused) {
    JsonObject toJson(JobSpec.Input in) {
      return new JsonObject()
          .put("pattern", in.pattern())
          .put("graph_version", NaturalPattern.VERSION)
          .put("file", file.toString())
          .put("format", "raw yuv420p in Matroska (lossless)")
          .put("bytes", bytes)
          .put("render_s", renderS)
          .put("reused", reused)
          .put(
              "note",
              "rendered before the job's energy window (its cost is not in J/frame); the encode"
                  + " and the quality reference read this same file");
    }
  }

  private final Path dir;
  private final long maxBytes;

  RenderCache(Path dir) {
    this(dir, MAX_BYTES);
  }

  RenderCache(Path dir, long maxBytes) {
    this.dir = dir.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
  }

  /** The file name of a render: every part is a validated number or a fixed name. */
  static String key(JobSpec.Input in) {
    return in.pattern()
        + "-"
        + NaturalPattern.VERSION
        + "-"
        + in.resolution()
        + "-"
        + BigDecimal.valueOf(in.fps()).stripTrailingZeros().toPlainString().replace('.', '_')
        + "fps-"
        + in.frames()
        + "f.mkv";
  }

  /** The render of this input, made now unless an earlier job made it. */
  Rendered get(String ffmpeg, JobSpec.Input in) throws IOException {
    return get(ffmpeg, in, () -> {});
  }

  /** As above; {@code alive} is called about once a second while the render runs. */
  Rendered get(String ffmpeg, JobSpec.Input in, Runnable alive) throws IOException {
    long need = NaturalPattern.rawBytes(in);
    if (need > maxBytes) {
      throw new IOException(
          "input: "
              + in.pattern()
              + " at "
              + in.resolution()
              + " for "
              + in.frames()
              + " frames needs "
              + need / (1 << 20)
              + " MiB pre-rendered, more than the render cache's "
              + maxBytes / (1 << 20)
              + " MiB; accepted: a shorter or smaller input");
    }
    synchronized (LOCKS.computeIfAbsent(dir, d -> new Object())) {
      Files.createDirectories(dir);
      Path file = dir.resolve(key(in));
      if (Files.isRegularFile(file) && Files.size(file) > 0) {
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        return new Rendered(file, Files.size(file), 0, true);
      }
      evictFor(need);
      Path partial = dir.resolve(key(in) + ".partial");
      Path log = dir.resolve(key(in) + ".log");
      long startNs = System.nanoTime();
      try {
        run(NaturalPattern.render(ffmpeg, in, partial), log, timeoutS(in), alive);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(partial);
        Files.deleteIfExists(log);
      }
      double renderS = Math.round((System.nanoTime() - startNs) / 1e6) / 1e3;
      return new Rendered(file, Files.size(file), renderS, false);
    }
  }

  /** Rendering runs at a few frames a second on a small node: a minute plus 0.2 s a frame. */
  static long timeoutS(JobSpec.Input in) {
    return 60 + in.frames() / 5;
  }

  /** Removes the least recently used renders (and leftovers) until {@code need} more fits. */
  private void evictFor(long need) throws IOException {
    List<Path> files = new ArrayList<>();
    long total = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        if (!Files.isRegularFile(p)) {
          continue;
        }
        if (!p.getFileName().toString().endsWith(".mkv")) {
          Files.deleteIfExists(p); // a partial render or log of a worker that died mid-render
          continue;
        }
        files.add(p);
        total += Files.size(p);
      }
    }
    files.sort(Comparator.comparing(RenderCache::modified));
    for (Path oldest : files) {
      if (total + need <= maxBytes) {
        break;
      }
      total -= Files.size(oldest);
      Files.deleteIfExists(oldest);
    }
  }

  private static FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private static void run(List<String> cmd, Path log, long timeoutS, Runnable alive)
      throws IOException {
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    try {
      long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
      while (!p.waitFor(1, TimeUnit.SECONDS) && System.nanoTime() < deadlineNs) {
        alive.run();
      }
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
        throw new IOException("pre-rendering the input took longer than " + timeoutS + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while pre-rendering the input", e);
    }
    if (p.exitValue() != 0) {
      String out = Files.readString(log, StandardCharsets.UTF_8).strip();
      String last = out.isEmpty() ? "" : out.substring(out.lastIndexOf('\n') + 1);
      throw new IOException(
          "pre-rendering the input failed (FFmpeg exit " + p.exitValue() + "): " + last);
    }
  }
}

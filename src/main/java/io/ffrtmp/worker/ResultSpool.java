package io.ffrtmp.worker;

import io.ffrtmp.cluster.JobReport;
import io.ffrtmp.job.JobLease;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Results not yet acknowledged by a master, one file per attempt ({@code <job id>-<fencing
 * token>.json}, the report's JSON) in the worker's data directory. A result is written here before
 * it is sent and removed once a master has taken it (or refused it for good), so a worker that
 * finishes while no master answers delivers it later, after a restart too. Delivery is idempotent
 * on the master's side. Blocking: call off the event loop.
 */
public final class ResultSpool {

  private final Path dir;

  /** Reports in the spool now: counted at start and kept up by put and remove, never rescanned. */
  private final AtomicInteger count = new AtomicInteger();

  /** Counts what an earlier run left in {@code dir} (blocking). */
  public ResultSpool(Path dir) {
    this.dir = dir;
    count.set(files().size());
  }

  /** Reports waiting for a master. */
  public int count() {
    return count.get();
  }

  public Path dir() {
    return dir;
  }

  /** Writes the report atomically (temporary file, then rename). */
  public void put(JobReport report) {
    try {
      Files.createDirectories(dir);
      Path file = file(report.fence());
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      boolean replaces = Files.exists(file);
      Files.writeString(tmp, report.toJson().encode(), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      if (!replaces) {
        count.incrementAndGet();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot spool the result of job " + report.fence().jobId() + " in " + dir, e);
    }
  }

  public void remove(JobLease.Fence fence) {
    try {
      if (Files.deleteIfExists(file(fence))) {
        count.decrementAndGet();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every spooled result, oldest first. Unreadable files are skipped (and left for a person to look
   * at).
   */
  public List<JobReport> all() {
    List<Path> files = files();
    files.sort(
        (a, b) -> {
          try {
            return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
          } catch (IOException e) {
            return 0;
          }
        });
    List<JobReport> out = new ArrayList<>();
    for (Path f : files) {
      try {
        out.add(JobReport.fromJson(new JsonObject(Files.readString(f, StandardCharsets.UTF_8))));
      } catch (IOException | RuntimeException e) {
        // A torn or foreign file: not ours to delete.
      }
    }
    return out;
  }

  private List<Path> files() {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
      ds.forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** The job id is a UUID: nothing else gets into the name. */
  private Path file(JobLease.Fence fence) {
    return dir.resolve(fence.jobId() + "-" + fence.token() + ".json");
  }
}

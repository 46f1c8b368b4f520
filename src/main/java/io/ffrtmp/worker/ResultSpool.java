package io.ffrtmp.worker;

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
import java.util.UUID;

/**
 * Results not yet acknowledged by a master, one file per attempt ({@code <job id>-<fencing token>.json}) in the worker's
 * data directory. A result is written here before it is sent and removed once a master has taken it (or refused it for
 * good), so a worker that finishes while no master answers delivers it later, after a restart too. Delivery is
 * idempotent on the master's side. Blocking: call off the event loop.
 */
public final class ResultSpool {

  private final Path dir;

  public ResultSpool(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** Writes the result body atomically (temporary file, then rename). */
  public void put(JsonObject body) {
    try {
      Files.createDirectories(dir);
      Path file = file(body);
      Path tmp = dir.resolve(file.getFileName() + ".tmp");
      Files.writeString(tmp, body.encode(), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool the result of job " + body.getString("job_id") + " in " + dir, e);
    }
  }

  public void remove(JsonObject body) {
    try {
      Files.deleteIfExists(file(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every spooled result, oldest first. Unreadable files are skipped (and left for a person to look at). */
  public List<JsonObject> all() {
    List<Path> files = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
      ds.forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.sort((a, b) -> {
      try {
        return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
      } catch (IOException e) {
        return 0;
      }
    });
    List<JsonObject> out = new ArrayList<>();
    for (Path f : files) {
      try {
        out.add(new JsonObject(Files.readString(f, StandardCharsets.UTF_8)));
      } catch (IOException | RuntimeException e) {
        // A torn or foreign file: not ours to delete.
      }
    }
    return out;
  }

  private Path file(JsonObject body) {
    UUID job = UUID.fromString(body.getString("job_id")); // also keeps the name free of anything but a UUID
    return dir.resolve(job + "-" + body.getLong("fencing_token") + ".json");
  }
}

package io.ffrtmp.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where file inputs may come from. A spec's {@code input.path} is resolved against each configured
 * root in turn; the result must stay inside that root after following every symlink, and be a
 * readable regular file.
 */
public final class MediaRoots {

  /** The input cannot be used; the message is for the user and names the field. */
  public static final class RejectedException extends Exception {
    public RejectedException(String message) {
      super(message);
    }
  }

  private MediaRoots() {}

  /** Blocking (file system). */
  public static Path resolve(List<Path> roots, String relative) throws RejectedException {
    if (roots.isEmpty()) {
      throw new RejectedException(
          "input.path: file inputs need a media root on the worker (bench --media-root DIR); "
              + "none is configured");
    }
    for (Path root : roots) {
      Path base = root.toAbsolutePath().normalize();
      Path candidate = base.resolve(relative).normalize();
      if (!candidate.startsWith(base) || !Files.exists(candidate)) {
        continue;
      }
      try {
        Path real = candidate.toRealPath();
        if (!real.startsWith(base.toRealPath())) {
          throw new RejectedException(
              "input.path: '"
                  + relative
                  + "' leads outside the media root "
                  + base
                  + " (through a symbolic link); accepted: files inside a media root");
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
          throw new RejectedException("input.path: '" + relative + "' is not a readable file");
        }
        return real;
      } catch (IOException e) {
        throw new RejectedException(
            "input.path: '" + relative + "' cannot be read: " + e.getMessage());
      }
    }
    throw new RejectedException(
        "input.path: '" + relative + "' is not under any media root (" + roots + ")");
  }
}

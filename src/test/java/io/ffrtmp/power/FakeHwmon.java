package io.ffrtmp.power;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A fake {@code /sys/class/hwmon} tree: hwmonN directories with a name file and energy/power
 * attributes.
 */
public final class FakeHwmon {

  private final Path root;

  public FakeHwmon(Path root) {
    this.root = root;
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path root() {
    return root;
  }

  /** Creates hwmon{@code n} with the given driver name; returns its directory. */
  public Path device(int n, String driver) {
    Path dir = root.resolve("hwmon" + n);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    write(dir, "name", driver);
    return dir;
  }

  /** Writes an attribute atomically (the meter may read it at any moment). */
  public void write(Path dir, String file, Object value) {
    try {
      Path tmp = dir.resolve("." + file + ".tmp");
      Files.writeString(tmp, value + "\n");
      Files.move(
          tmp,
          dir.resolve(file),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.ffrtmp.power;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads one small sysfs or procfs file. A seam so tests, which run as root and can read a 0400
 * file, can still inject the AccessDeniedException an ordinary user gets from {@code energy_uj}
 * since Linux 5.10.
 */
@FunctionalInterface
interface CounterReader {

  /**
   * Reopens the file each time: sysfs attributes are regenerated on open, and at 1 Hz the 11-16 us
   * cost is noise.
   */
  CounterReader FILES = file -> Files.readString(file).trim();

  String read(Path file) throws IOException;

  default long readLong(Path file) throws IOException {
    String text = read(file);
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IOException("not an integer in " + file + ": '" + text + "'", e);
    }
  }
}

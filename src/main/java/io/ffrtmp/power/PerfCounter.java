package io.ffrtmp.power;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * One perf event opened with perf_event_open(2) for every task on one CPU, counting (no sampling),
 * enabled from the open, read_format 0: each read(2) returns the one u64 count.
 */
final class PerfCounter implements PerfCounters.Counter {

  /** perf_event_attr is zeroed over this many bytes; larger than any field set here. */
  static final int ATTR_BLOCK = 128;

  /**
   * PERF_ATTR_SIZE_VER5, accepted by every kernel since 4.1 and by newer ones (they zero-extend).
   */
  static final int ATTR_SIZE = 112;

  /** perf_event_open flag: the fd is closed on exec, so ffmpeg children never inherit it. */
  static final long PERF_FLAG_FD_CLOEXEC = 1L << 3;

  static final int EPERM = 1;
  static final int ENOENT = 2;
  static final int EACCES = 13;
  static final int ENODEV = 19;
  static final int EINVAL = 22;
  static final int EOPNOTSUPP = 95;

  /** Thrown when the kernel refuses the open; carries errno. */
  static final class OpenException extends IOException {
    private final int errno;

    OpenException(String message, int errno) {
      super(message);
      this.errno = errno;
    }

    int errno() {
      return errno;
    }

    boolean permission() {
      return errno == EACCES || errno == EPERM;
    }
  }

  private final int fd;
  private final String what;
  private volatile boolean closed;

  private PerfCounter(int fd, String what) {
    this.fd = fd;
    this.what = what;
  }

  static long syscallNumber(String osArch) {
    return switch (osArch.toLowerCase(Locale.ROOT)) {
      case "amd64", "x86_64" -> PerfLibc.NR_PERF_EVENT_OPEN_X86_64;
      case "aarch64", "arm64" -> PerfLibc.NR_PERF_EVENT_OPEN_AARCH64;
      default -> -1;
    };
  }

  static PerfCounter open(int type, long config, int cpu) throws IOException {
    String what =
        "perf event type " + type + " config 0x" + Long.toHexString(config) + " on cpu " + cpu;
    long nr = syscallNumber(System.getProperty("os.arch", ""));
    if (nr < 0) {
      throw new OpenException(
          "perf_event_open: unsupported architecture " + System.getProperty("os.arch"), EOPNOTSUPP);
    }
    PerfLibc libc;
    try {
      libc = PerfLibc.Holder.LIBC;
    } catch (LinkageError e) {
      throw new IOException("cannot load libc through JNA: " + e, e);
    }
    try (Memory attr = new Memory(ATTR_BLOCK)) {
      attr.clear();
      attr.setInt(0, type);
      attr.setInt(4, ATTR_SIZE);
      attr.setLong(8, config);
      long fd = libc.syscall(nr, attr, -1L, cpu, -1L, PERF_FLAG_FD_CLOEXEC);
      if (fd < 0) {
        int errno = Native.getLastError();
        throw new OpenException(
            "perf_event_open(" + what + ") failed: errno " + errno + " (" + errnoName(errno) + ")",
            errno);
      }
      return new PerfCounter((int) fd, what);
    }
  }

  static String errnoName(int errno) {
    return switch (errno) {
      case EPERM -> "EPERM";
      case ENOENT -> "ENOENT";
      case EACCES -> "EACCES";
      case ENODEV -> "ENODEV";
      case EINVAL -> "EINVAL";
      case EOPNOTSUPP -> "EOPNOTSUPP";
      default -> "errno " + errno;
    };
  }

  @Override
  public long count() throws IOException {
    if (closed) {
      throw new IOException(what + " is closed");
    }
    byte[] buf = new byte[8];
    long n = PerfLibc.Holder.LIBC.read(fd, buf, buf.length);
    if (n != 8) {
      int errno = n < 0 ? Native.getLastError() : 0;
      throw new IOException(
          "read of " + what + " returned " + n + (n < 0 ? " (" + errnoName(errno) + ")" : ""));
    }
    return ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder()).getLong();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      PerfLibc.Holder.LIBC.close(fd);
    }
  }
}

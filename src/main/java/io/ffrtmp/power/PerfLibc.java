package io.ffrtmp.power;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The three libc calls {@link PerfCounter} needs. perf_event_open has no libc wrapper, so it goes
 * through {@code syscall(2)}; the int arguments are passed as longs so every register is
 * sign-extended whatever the variadic ABI does with the upper half. errno after a -1 return is
 * {@link Native#getLastError()}. Public only because JNA builds a proxy for it.
 */
public interface PerfLibc extends Library {

  /** __NR_perf_event_open on x86_64. */
  long NR_PERF_EVENT_OPEN_X86_64 = 298;

  /** __NR_perf_event_open on aarch64 (the generic syscall table). */
  long NR_PERF_EVENT_OPEN_AARCH64 = 241;

  long syscall(long number, Pointer attr, long pid, long cpu, long groupFd, long flags);

  long read(int fd, byte[] buf, long count);

  int close(int fd);

  /** Loaded on first use; loading libc cannot fail on Linux. */
  final class Holder {
    static final PerfLibc LIBC = Native.load("c", PerfLibc.class);

    private Holder() {}
  }
}

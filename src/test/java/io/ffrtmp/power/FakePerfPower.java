package io.ffrtmp.power;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake perf power PMU tree (type, events, scale, unit) with a fake CPU topology, and a {@link
 * PerfCounters} whose counts a test sets, keyed by "config@cpu".
 */
final class FakePerfPower implements PerfCounters {

  static final double SCALE = 2.3283064365386962890625e-10; // 2^-32 J, what Intel and AMD publish

  final Path perfRoot;
  final Path cpuRoot;
  final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  final List<String> opened = new ArrayList<>();
  int closed;

  /** {@code packageOfCpu[i]} is the physical package of cpu i. */
  FakePerfPower(Path dir, int type, int... packageOfCpu) {
    perfRoot = dir.resolve("power");
    cpuRoot = dir.resolve("cpu");
    write(perfRoot.resolve("type"), type + "\n");
    event("energy-cores", 0x01);
    event("energy-pkg", 0x02);
    event("energy-ram", 0x03);
    event("energy-gpu", 0x04);
    event("energy-psys", 0x05);
    for (int cpu = 0; cpu < packageOfCpu.length; cpu++) {
      write(
          cpuRoot.resolve("cpu" + cpu).resolve("topology").resolve("physical_package_id"),
          packageOfCpu[cpu] + "\n");
    }
    write(
        cpuRoot.resolve("cpufreq").resolve("boost"), "1\n"); // a non-CPU entry, as in the real tree
  }

  void event(String name, int config) {
    Path events = perfRoot.resolve("events");
    write(events.resolve(name), "event=0x" + String.format("%02x", config) + "\n");
    write(events.resolve(name + ".scale"), "2.3283064365386962890625e-10\n");
    write(events.resolve(name + ".unit"), "Joules\n");
  }

  void remove(String event) throws IOException {
    Path events = perfRoot.resolve("events");
    Files.delete(events.resolve(event));
    Files.delete(events.resolve(event + ".scale"));
    Files.delete(events.resolve(event + ".unit"));
  }

  AtomicLong counter(long config, int cpu) {
    return counts.computeIfAbsent(config + "@" + cpu, k -> new AtomicLong());
  }

  /** Adds {@code joules} to a counter, in counts. */
  void add(long config, int cpu, double joules) {
    counter(config, cpu).addAndGet(Math.round(joules / SCALE));
  }

  @Override
  public synchronized Counter open(int type, long config, int cpu) {
    opened.add(type + ":" + config + "@" + cpu);
    AtomicLong c = counter(config, cpu);
    return new Counter() {
      @Override
      public long count() {
        return c.get();
      }

      @Override
      public void close() {
        synchronized (FakePerfPower.this) {
          closed++;
        }
      }
    };
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

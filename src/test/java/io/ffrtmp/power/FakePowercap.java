package io.ffrtmp.power;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake {@code /sys/class/powercap} tree with the kernel's file layout, plus a {@link Feeder} that
 * advances chosen counters at a known power on a background thread. Public so tests in other
 * packages can point the meter at it (via {@code PowerConfig.withPowercapRoot(fake.root())}) and
 * know exactly what energy went in.
 *
 * <p>Zones are addressed by directory id: "intel-rapl:0" (package-0), "intel-rapl:0:1" (dram of
 * package 0).
 */
public final class FakePowercap {

  /**
   * max_energy_range_uj of a real Intel package: 0xFFFFFFFF counts of 2^-14 J (Scaphandre #351).
   */
  public static final long INTEL_MAX_ENERGY_RANGE_UJ = 262_143_328_850L;

  /** max_energy_range_uj of an AMD Zen package: 0xFFFFFFFF counts of 2^-16 J, about 65,536 J. */
  public static final long AMD_MAX_ENERGY_RANGE_UJ = 65_535_999_984L;

  private final Path root;
  private final Map<String, Long> maxRangeUj = new ConcurrentHashMap<>();
  private final Map<String, Long> energyUj = new ConcurrentHashMap<>();

  private FakePowercap(Path root) {
    this.root = root;
    mkdirs(root.resolve("intel-rapl"));
    write(root.resolve("intel-rapl").resolve("enabled"), "1");
  }

  /**
   * Intel server layout: per socket N a zone "intel-rapl:N" named package-N with subzones
   * "intel-rapl:N:0" (core) and "intel-rapl:N:1" (dram).
   */
  public static FakePowercap intel(Path root, int sockets) {
    FakePowercap fake = new FakePowercap(root);
    for (int s = 0; s < sockets; s++) {
      fake.zone("intel-rapl:" + s, "package-" + s, INTEL_MAX_ENERGY_RANGE_UJ);
      fake.zone("intel-rapl:" + s + ":0", "core", INTEL_MAX_ENERGY_RANGE_UJ);
      fake.zone("intel-rapl:" + s + ":1", "dram", INTEL_MAX_ENERGY_RANGE_UJ);
    }
    return fake;
  }

  /**
   * AMD layout: per socket N only "intel-rapl:N" named package-N; EPYC and Ryzen have no dram
   * domain.
   */
  public static FakePowercap amd(Path root, int sockets) {
    FakePowercap fake = new FakePowercap(root);
    for (int s = 0; s < sockets; s++) {
      fake.zone("intel-rapl:" + s, "package-" + s, AMD_MAX_ENERGY_RANGE_UJ);
    }
    return fake;
  }

  /** A tree whose only zone is psys ("intel-rapl:0"). */
  public static FakePowercap psysOnly(Path root) {
    FakePowercap fake = new FakePowercap(root);
    fake.zone("intel-rapl:0", "psys", INTEL_MAX_ENERGY_RANGE_UJ);
    return fake;
  }

  /** Adds a psys zone as the next top-level zone, as client Intel parts have; returns its id. */
  public String addPsys() {
    int next = 0;
    while (Files.exists(root.resolve("intel-rapl:" + next))) {
      next++;
    }
    String id = "intel-rapl:" + next;
    zone(id, "psys", INTEL_MAX_ENERGY_RANGE_UJ);
    return id;
  }

  /** Adds an uncore subzone to package {@code socket}; returns its id. */
  public String addUncore(int socket) {
    String id = "intel-rapl:" + socket + ":2";
    zone(id, "uncore", INTEL_MAX_ENERGY_RANGE_UJ);
    return id;
  }

  /**
   * Adds "intel-rapl-mmio:0" named package-0, the MMIO duplicate of the MSR package zone; returns
   * its id.
   */
  public String addMmioPackage() {
    mkdirs(root.resolve("intel-rapl-mmio"));
    String id = "intel-rapl-mmio:0";
    zone(id, "package-0", INTEL_MAX_ENERGY_RANGE_UJ);
    return id;
  }

  /** Creates (or replaces) a zone directory with name, energy_uj = 0 and max_energy_range_uj. */
  public void zone(String id, String name, long maxEnergyRangeUj) {
    Path dir = root.resolve(id);
    mkdirs(dir);
    write(dir.resolve("name"), name);
    write(dir.resolve("enabled"), "1");
    maxRangeUj.put(id, maxEnergyRangeUj);
    write(dir.resolve("max_energy_range_uj"), Long.toString(maxEnergyRangeUj));
    setEnergyUj(id, 0);
  }

  public Path root() {
    return root;
  }

  public Path zoneDir(String id) {
    return root.resolve(id);
  }

  public long maxEnergyRangeUj(String id) {
    return maxRangeUj.get(id);
  }

  public void setMaxEnergyRangeUj(String id, long maxUj) {
    maxRangeUj.put(id, maxUj);
    write(root.resolve(id).resolve("max_energy_range_uj"), Long.toString(maxUj));
  }

  public long energyUj(String id) {
    return energyUj.get(id);
  }

  /**
   * Writes energy_uj atomically (temp file + rename) because the meter may read it at any moment.
   */
  public void setEnergyUj(String id, long uj) {
    energyUj.put(id, uj);
    Path file = root.resolve(id).resolve("energy_uj");
    Path tmp = root.resolve(id).resolve(".energy_uj.tmp");
    write(tmp, Long.toString(uj));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Puts the counter {@code joulesBeforeWrap} below its maximum so feeding it soon forces a wrap.
   */
  public void setNearWrap(String id, double joulesBeforeWrap) {
    setEnergyUj(id, maxEnergyRangeUj(id) - Math.round(joulesBeforeWrap * 1e6));
  }

  public Feeder feeder() {
    return new Feeder(this, 2);
  }

  /**
   * Advances counters at constant power on a daemon thread, wrapping like the hardware, and keeps
   * the exact energy it wrote per zone so a test can compare a meter against it.
   */
  public static final class Feeder implements AutoCloseable {
    private final FakePowercap fake;
    private final long tickMs;
    private final Map<String, Long> writtenUj = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread thread;

    Feeder(FakePowercap fake, long tickMs) {
      this.fake = fake;
      this.tickMs = tickMs;
    }

    /**
     * Starts feeding; keys are zone ids ("intel-rapl:0"), values watts. Returns once the thread
     * runs.
     */
    public synchronized Feeder start(Map<String, Double> wattsByZone) {
      if (running) {
        throw new IllegalStateException("feeder already running");
      }
      Map<String, Double> rates = new LinkedHashMap<>(wattsByZone);
      rates.keySet().forEach(id -> writtenUj.putIfAbsent(id, 0L));
      running = true;
      thread = new Thread(() -> feed(rates), "fake-powercap-feeder");
      thread.setDaemon(true);
      thread.start();
      return this;
    }

    private void feed(Map<String, Double> rates) {
      long startNanos = System.nanoTime();
      Map<String, Long> fedThisRun = new LinkedHashMap<>();
      rates.keySet().forEach(id -> fedThisRun.put(id, 0L));
      while (running) {
        // Energy follows elapsed time, not tick count, so sleep jitter cannot change the rate.
        long elapsedNanos = System.nanoTime() - startNanos;
        for (Map.Entry<String, Double> rate : rates.entrySet()) {
          String id = rate.getKey();
          long due = Math.round(rate.getValue() * elapsedNanos / 1e3);
          long step = due - fedThisRun.get(id);
          if (step > 0) {
            long max = fake.maxEnergyRangeUj(id);
            long next = Math.floorMod(fake.energyUj(id) + step, max + 1);
            fake.setEnergyUj(id, next);
            // Counted only once the file holds it, so writtenMicrojoules never runs ahead of what a
            // reader sees.
            fedThisRun.put(id, due);
            writtenUj.merge(id, step, Long::sum);
          }
        }
        try {
          Thread.sleep(tickMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    /**
     * Stops feeding and waits until the last write is on disk, so energy written is final
     * afterwards.
     */
    public synchronized void stop() {
      // No interrupt: Files.writeString goes through an interruptible channel and would lose a
      // write midway.
      running = false;
      if (thread != null) {
        try {
          thread.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        thread = null;
      }
    }

    /** Energy written to a zone since this feeder was created, in microjoules. */
    public long writtenMicrojoules(String id) {
      return writtenUj.getOrDefault(id, 0L);
    }

    public double writtenJoules(String id) {
      return writtenMicrojoules(id) / 1e6;
    }

    @Override
    public void close() {
      stop();
    }
  }

  private static void mkdirs(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

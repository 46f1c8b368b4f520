package io.ffrtmp.hardware;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fake /proc, /sys and /dev trees under one directory, for HardwareProbe, NodeSnapshot and doctor
 * tests.
 */
public final class FakeMachine {

  public final Path proc;
  public final Path sys;
  public final Path dev;

  public FakeMachine(Path root) throws IOException {
    proc = Files.createDirectories(root.resolve("proc"));
    sys = Files.createDirectories(root.resolve("sys"));
    dev = Files.createDirectories(root.resolve("dev"));
  }

  public HardwareProbe probe() {
    return new HardwareProbe(proc, sys, dev);
  }

  /**
   * Two sockets of {@code coresPerSocket} cores with two threads each, as a dual-Xeon kernel lists
   * them.
   */
  public FakeMachine cpuinfo(int sockets, int coresPerSocket) throws IOException {
    StringBuilder sb = new StringBuilder();
    int processor = 0;
    for (int thread = 0; thread < 2; thread++) {
      for (int socket = 0; socket < sockets; socket++) {
        for (int core = 0; core < coresPerSocket; core++) {
          sb.append("processor\t: ")
              .append(processor++)
              .append('\n')
              .append("model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz\n")
              .append("physical id\t: ")
              .append(socket)
              .append('\n')
              .append("core id\t\t: ")
              .append(core)
              .append('\n')
              .append("cpu cores\t: ")
              .append(coresPerSocket)
              .append("\n\n");
        }
      }
    }
    return write(proc.resolve("cpuinfo"), sb.toString());
  }

  public FakeMachine meminfo(long kib) throws IOException {
    return write(
        proc.resolve("meminfo"), "MemTotal:       " + kib + " kB\nMemFree:         1000 kB\n");
  }

  /**
   * {@code /proc/stat} of an idle machine with {@code cpus} logical CPUs, enough for the
   * CPU-utilisation model.
   */
  public FakeMachine procStat(int cpus) throws IOException {
    StringBuilder sb = new StringBuilder("cpu  1000 0 500 90000 100 0 20 0 0 0\n");
    for (int i = 0; i < cpus; i++) {
      sb.append("cpu").append(i).append(" 0 0 0 0 0 0 0 0 0 0\n");
    }
    return write(proc.resolve("stat"), sb.append("intr 0\nctxt 0\nbtime 0\n").toString());
  }

  public FakeMachine governor(String name) throws IOException {
    return write(sys.resolve("devices/system/cpu/cpu0/cpufreq/scaling_governor"), name + "\n");
  }

  public FakeMachine renderNode(String name, String vendorId, String deviceId) throws IOException {
    write(dev.resolve("dri").resolve(name), "");
    Path pci = sys.resolve("class/drm").resolve(name).resolve("device");
    write(pci.resolve("vendor"), vendorId + "\n");
    return write(pci.resolve("device"), deviceId + "\n");
  }

  public FakeMachine nvidia(String model, boolean deviceFile) throws IOException {
    write(
        proc.resolve("driver/nvidia/gpus/0000:01:00.0/information"),
        "Model: \t\t " + model + "\nIRQ:   \t\t 130\nBus Location: \t 0000:01:00.0\n");
    return deviceFile ? write(dev.resolve("nvidia0"), "") : this;
  }

  private FakeMachine write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    return this;
  }
}

package io.ffrtmp.power;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An initialised NVML session: loads libnvidia-ml through JNA when the meter opens (never at class
 * load, so a machine without the NVIDIA driver pays nothing), enumerates GPUs, reads energy
 * counters and status. NVML is thread-safe, so the poll thread and callers of {@link #gpus()} may
 * use it at the same time. Every call blocks.
 */
final class Nvml implements AutoCloseable {

  static final String STATUS_NAME = "nvml";
  static final String NOT_FOUND = "libnvidia-ml not found";
  static final String NOT_FOUND_FIX =
      "install the NVIDIA driver (nvidia-driver / libnvidia-ml) if this node has an NVIDIA GPU";

  /**
   * The driver package ships only the versioned name; the unversioned symlink comes with
   * development packages.
   */
  private static final String VERSIONED_NAME = "libnvidia-ml.so.1";

  private final NvmlLibrary lib;
  private final String library;
  private final List<Device> devices;
  private final AtomicBoolean shutdown = new AtomicBoolean();

  /** One GPU as enumerated at open; handles stay valid until nvmlShutdown. */
  record Device(int index, Pointer handle, String name, String uuid, boolean energyCounter) {}

  /**
   * Result of looking for NVML: an open session (null when unusable), and a status for NVML and
   * every GPU.
   */
  record Probe(Nvml nvml, List<SourceStatus> statuses) {}

  private Nvml(NvmlLibrary lib, String library, List<Device> devices) {
    this.lib = lib;
    this.library = library;
    this.devices = List.copyOf(devices);
  }

  static Probe probe(String library) {
    List<SourceStatus> statuses = new ArrayList<>();
    if (library == null) {
      statuses.add(
          gpuStatus(
              STATUS_NAME,
              "-",
              false,
              "NVML not looked at: nvmlLibrary is null in the config",
              "set nvmlLibrary (default \""
                  + PowerConfig.DEFAULT_NVML_LIBRARY
                  + "\") to measure NVIDIA GPUs",
              null));
      return new Probe(null, statuses);
    }
    NvmlLibrary lib;
    try {
      lib = load(library);
    } catch (UnsatisfiedLinkError e) {
      statuses.add(
          gpuStatus(
              STATUS_NAME,
              library,
              false,
              NOT_FOUND + " (" + library + ": " + e.getMessage() + ")",
              NOT_FOUND_FIX,
              null));
      return new Probe(null, statuses);
    }
    int rc = lib.nvmlInit_v2();
    if (rc != NvmlLibrary.SUCCESS) {
      statuses.add(
          gpuStatus(
              STATUS_NAME,
              library,
              false,
              "nvmlInit_v2 failed: " + describe(lib, rc),
              rc == NvmlLibrary.ERROR_DRIVER_NOT_LOADED
                  ? "load the NVIDIA kernel module (sudo modprobe nvidia; nvidia-smi should then"
                      + " list the GPU)"
                  : "check that the NVIDIA driver matches libnvidia-ml and that nvidia-smi works",
              null));
      return new Probe(null, statuses);
    }
    IntByReference count = new IntByReference();
    rc = lib.nvmlDeviceGetCount_v2(count);
    if (rc != NvmlLibrary.SUCCESS) {
      lib.nvmlShutdown();
      statuses.add(
          gpuStatus(
              STATUS_NAME,
              library,
              false,
              "nvmlDeviceGetCount_v2 failed: " + describe(lib, rc),
              "check that nvidia-smi lists the GPUs",
              null));
      return new Probe(null, statuses);
    }
    List<Device> devices = new ArrayList<>();
    List<SourceStatus> gpuStatuses = new ArrayList<>();
    for (int i = 0; i < count.getValue(); i++) {
      String label = NvmlSource.zoneLabel(i);
      PointerByReference handle = new PointerByReference();
      rc = lib.nvmlDeviceGetHandleByIndex_v2(i, handle);
      if (rc != NvmlLibrary.SUCCESS) {
        gpuStatuses.add(
            gpuStatus(
                label,
                library + "#" + i,
                false,
                "nvmlDeviceGetHandleByIndex_v2 failed: " + describe(lib, rc),
                "check the GPU with nvidia-smi (a lost or inaccessible GPU cannot be measured)",
                null));
        continue;
      }
      Pointer h = handle.getValue();
      String name = text(lib, h, true);
      String uuid = text(lib, h, false);
      String where = uuid != null ? uuid : library + "#" + i;
      LongByReference energy = new LongByReference();
      rc = lib.nvmlDeviceGetTotalEnergyConsumption(h, energy);
      boolean counter = rc == NvmlLibrary.SUCCESS;
      devices.add(new Device(i, h, name, uuid, counter));
      if (counter) {
        gpuStatuses.add(
            gpuStatus(
                label,
                where,
                true,
                name + ": energy counter readable; summed into the gpu scope",
                null,
                NvmlSource.RESOLUTION));
      } else if (rc == NvmlLibrary.ERROR_NOT_SUPPORTED) {
        gpuStatuses.add(
            gpuStatus(
                label,
                where,
                false,
                name
                    + ": energy counter not supported "
                    + "(nvmlDeviceGetTotalEnergyConsumption: "
                    + describe(lib, rc)
                    + "; it needs a Volta or newer GPU); its power gauge is not integrated into"
                    + " energy, so this GPU's energy is not measured",
                "none in software: GPU energy is measured only on Volta or newer GPUs",
                null));
      } else {
        gpuStatuses.add(
            gpuStatus(
                label,
                where,
                false,
                name + ": nvmlDeviceGetTotalEnergyConsumption failed: " + describe(lib, rc),
                "check the GPU with nvidia-smi -q -d POWER",
                null));
      }
    }
    long measured = devices.stream().filter(Device::energyCounter).count();
    statuses.add(
        gpuStatus(
            STATUS_NAME,
            library,
            true,
            "NVML loaded: " + devices.size() + " GPU(s), " + measured + " with an energy counter",
            null,
            null));
    statuses.addAll(gpuStatuses);
    return new Probe(new Nvml(lib, library, devices), statuses);
  }

  private static NvmlLibrary load(String library) {
    try {
      return Native.load(library, NvmlLibrary.class);
    } catch (UnsatisfiedLinkError e) {
      if (PowerConfig.DEFAULT_NVML_LIBRARY.equals(library)) {
        try {
          return Native.load(VERSIONED_NAME, NvmlLibrary.class);
        } catch (UnsatisfiedLinkError again) {
          e.addSuppressed(again);
        }
      }
      throw e;
    }
  }

  private static SourceStatus gpuStatus(
      String name, String path, boolean usable, String detail, String fix, String resolution) {
    return new SourceStatus(name, path, usable, detail, fix, Scopes.GPU, resolution);
  }

  List<Device> devices() {
    return devices;
  }

  String library() {
    return library;
  }

  /** Cumulative energy of one GPU in millijoules since the driver loaded. */
  long energyMillijoules(Device device) throws IOException {
    LongByReference energy = new LongByReference();
    int rc = lib.nvmlDeviceGetTotalEnergyConsumption(device.handle(), energy);
    if (rc != NvmlLibrary.SUCCESS) {
      throw new IOException(
          "nvmlDeviceGetTotalEnergyConsumption("
              + NvmlSource.zoneLabel(device.index())
              + "): "
              + describe(lib, rc));
    }
    return energy.getValue();
  }

  /**
   * One nvmlProcessUtilizationSample_t; percentages of the sample period, pid and timeStamp
   * unsigned.
   */
  record ProcessSample(
      long pid,
      long timeStampUs,
      int smPercent,
      int memoryPercent,
      int encoderPercent,
      int decoderPercent) {}

  /**
   * Answer of nvmlDeviceGetProcessUtilization: {@code rc} SUCCESS with the samples (empty for
   * NOT_FOUND, i.e. no sample since lastSeen), or the failing return code (NOT_SUPPORTED and
   * others) with {@code error} describing it.
   */
  record ProcessSamples(int rc, List<ProcessSample> samples, String error) {

    boolean ok() {
      return rc == NvmlLibrary.SUCCESS;
    }
  }

  private static final int PROCESS_UTILISATION_TRIES = 3;

  /**
   * Per-process utilisation samples of one GPU newer than {@code lastSeenUs} (CPU timestamp in µs):
   * asks for the count with a null buffer, then fills an array; retried when more samples arrived
   * between the two calls.
   */
  ProcessSamples processUtilisation(Device device, long lastSeenUs) {
    if (shutdown.get()) {
      return new ProcessSamples(NvmlLibrary.ERROR_UNINITIALIZED, List.of(), "NVML is shut down");
    }
    Pointer h = device.handle();
    IntByReference count = new IntByReference(0);
    int rc = lib.nvmlDeviceGetProcessUtilization(h, null, count, lastSeenUs);
    for (int attempt = 0; attempt < PROCESS_UTILISATION_TRIES; attempt++) {
      if (rc == NvmlLibrary.ERROR_NOT_FOUND
          || (rc == NvmlLibrary.SUCCESS && count.getValue() == 0)) {
        return new ProcessSamples(NvmlLibrary.SUCCESS, List.of(), null);
      }
      if (rc != NvmlLibrary.SUCCESS && rc != NvmlLibrary.ERROR_INSUFFICIENT_SIZE) {
        return failed(rc);
      }
      int n = count.getValue();
      if (n < 0 || n > 1 << 16) {
        return new ProcessSamples(
            NvmlLibrary.ERROR_INVALID_ARGUMENT,
            List.of(),
            "nvmlDeviceGetProcessUtilization: implausible sample count "
                + Integer.toUnsignedString(n));
      }
      NvmlLibrary.ProcessUtilizationSample[] buffer =
          (NvmlLibrary.ProcessUtilizationSample[])
              new NvmlLibrary.ProcessUtilizationSample().toArray(n);
      count.setValue(n);
      rc = lib.nvmlDeviceGetProcessUtilization(h, buffer, count, lastSeenUs);
      if (rc == NvmlLibrary.SUCCESS) {
        List<ProcessSample> samples = new ArrayList<>(count.getValue());
        for (int i = 0; i < Math.min(count.getValue(), n); i++) {
          NvmlLibrary.ProcessUtilizationSample s = buffer[i];
          samples.add(
              new ProcessSample(
                  Integer.toUnsignedLong(s.pid),
                  s.timeStamp,
                  s.smUtil,
                  s.memUtil,
                  s.encUtil,
                  s.decUtil));
        }
        return new ProcessSamples(NvmlLibrary.SUCCESS, samples, null);
      }
      // INSUFFICIENT_SIZE: samples arrived between the two calls; count now holds the number
      // needed.
    }
    return rc == NvmlLibrary.ERROR_NOT_FOUND
        ? new ProcessSamples(NvmlLibrary.SUCCESS, List.of(), null)
        : failed(rc);
  }

  private ProcessSamples failed(int rc) {
    return new ProcessSamples(
        rc, List.of(), "nvmlDeviceGetProcessUtilization: " + describe(lib, rc));
  }

  /** Reads the status of every GPU now; empty after close. */
  List<GpuStatus> gpus() {
    if (shutdown.get()) {
      return List.of();
    }
    List<GpuStatus> result = new ArrayList<>(devices.size());
    for (Device d : devices) {
      Pointer h = d.handle();
      NvmlLibrary.Utilization util = new NvmlLibrary.Utilization();
      boolean utilOk = lib.nvmlDeviceGetUtilizationRates(h, util) == NvmlLibrary.SUCCESS;
      NvmlLibrary.Memory memory = new NvmlLibrary.Memory();
      boolean memoryOk = lib.nvmlDeviceGetMemoryInfo(h, memory) == NvmlLibrary.SUCCESS;
      IntByReference sessions = new IntByReference();
      Integer sessionCount =
          lib.nvmlDeviceGetEncoderSessions(h, sessions, null) == NvmlLibrary.SUCCESS
              ? sessions.getValue()
              : null;
      IntByReference milliwatts = new IntByReference();
      Double watts =
          lib.nvmlDeviceGetPowerUsage(h, milliwatts) == NvmlLibrary.SUCCESS
              ? Integer.toUnsignedLong(milliwatts.getValue()) / 1000.0
              : null;
      result.add(
          new GpuStatus(
              d.index(),
              d.name(),
              d.uuid(),
              d.energyCounter(),
              utilOk ? util.gpu : null,
              utilOk ? util.memory : null,
              codecUtilisation(h, true),
              codecUtilisation(h, false),
              temperature(h),
              clock(h, NvmlLibrary.CLOCK_GRAPHICS),
              clock(h, NvmlLibrary.CLOCK_SM),
              clock(h, NvmlLibrary.CLOCK_MEM),
              clock(h, NvmlLibrary.CLOCK_VIDEO),
              memoryOk ? memory.total : null,
              memoryOk ? memory.used : null,
              memoryOk ? memory.free : null,
              sessionCount,
              watts));
    }
    return result;
  }

  private Integer codecUtilisation(Pointer h, boolean encoder) {
    IntByReference utilisation = new IntByReference();
    IntByReference periodUs = new IntByReference();
    int rc =
        encoder
            ? lib.nvmlDeviceGetEncoderUtilization(h, utilisation, periodUs)
            : lib.nvmlDeviceGetDecoderUtilization(h, utilisation, periodUs);
    return rc == NvmlLibrary.SUCCESS ? utilisation.getValue() : null;
  }

  private Integer temperature(Pointer h) {
    IntByReference celsius = new IntByReference();
    return lib.nvmlDeviceGetTemperature(h, NvmlLibrary.TEMPERATURE_GPU, celsius)
            == NvmlLibrary.SUCCESS
        ? celsius.getValue()
        : null;
  }

  private Integer clock(Pointer h, int type) {
    IntByReference mhz = new IntByReference();
    return lib.nvmlDeviceGetClockInfo(h, type, mhz) == NvmlLibrary.SUCCESS ? mhz.getValue() : null;
  }

  private static String text(NvmlLibrary lib, Pointer h, boolean name) {
    byte[] buffer =
        new byte[name ? NvmlLibrary.DEVICE_NAME_BUFFER_SIZE : NvmlLibrary.DEVICE_UUID_BUFFER_SIZE];
    int rc =
        name
            ? lib.nvmlDeviceGetName(h, buffer, buffer.length)
            : lib.nvmlDeviceGetUUID(h, buffer, buffer.length);
    if (rc != NvmlLibrary.SUCCESS) {
      return null;
    }
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, StandardCharsets.UTF_8);
  }

  static String describe(NvmlLibrary lib, int rc) {
    String text;
    try {
      text = lib.nvmlErrorString(rc);
    } catch (UnsatisfiedLinkError e) {
      text = null;
    }
    return (text == null ? "NVML error" : text) + " (nvmlReturn_t " + rc + ")";
  }

  /** nvmlShutdown, once. */
  @Override
  public void close() {
    if (shutdown.compareAndSet(false, true)) {
      lib.nvmlShutdown();
    }
  }
}

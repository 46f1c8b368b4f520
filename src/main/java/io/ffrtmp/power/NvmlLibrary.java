package io.ffrtmp.power;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The part of libnvidia-ml (NVML, nvml.h) the meter uses, with the library's own symbol names and C
 * signatures. Every call returns an nvmlReturn_t; {@code nvmlDevice_t} is an opaque pointer. Public
 * only because JNA builds a proxy for it; use {@link EnergyMeter#gpus()} rather than calling it.
 */
public interface NvmlLibrary extends Library {

  int SUCCESS = 0;
  int ERROR_UNINITIALIZED = 1;
  int ERROR_INVALID_ARGUMENT = 2;
  int ERROR_NOT_SUPPORTED = 3;
  int ERROR_NO_PERMISSION = 4;

  /**
   * nvmlDeviceGetProcessUtilization: no sample newer than lastSeenTimeStamp (an ordinary answer).
   */
  int ERROR_NOT_FOUND = 6;

  int ERROR_INSUFFICIENT_SIZE = 7;
  int ERROR_DRIVER_NOT_LOADED = 9;
  int ERROR_GPU_IS_LOST = 15;
  int ERROR_LIBRARY_NOT_FOUND = 12;

  /** NVML_DEVICE_NAME_V2_BUFFER_SIZE; older drivers write at most 64 bytes into it. */
  int DEVICE_NAME_BUFFER_SIZE = 96;

  /** NVML_DEVICE_UUID_V2_BUFFER_SIZE. */
  int DEVICE_UUID_BUFFER_SIZE = 96;

  /** nvmlTemperatureSensors_t NVML_TEMPERATURE_GPU. */
  int TEMPERATURE_GPU = 0;

  /** nvmlClockType_t. */
  int CLOCK_GRAPHICS = 0;

  int CLOCK_SM = 1;
  int CLOCK_MEM = 2;
  int CLOCK_VIDEO = 3;

  int nvmlInit_v2();

  int nvmlShutdown();

  /** const char* nvmlErrorString(nvmlReturn_t result); the string is static inside the library. */
  String nvmlErrorString(int result);

  int nvmlDeviceGetCount_v2(IntByReference deviceCount);

  int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

  int nvmlDeviceGetName(Pointer device, byte[] name, int length);

  int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

  /** unsigned long long millijoules since the driver was last loaded; Volta and newer. */
  int nvmlDeviceGetTotalEnergyConsumption(Pointer device, LongByReference energy);

  /**
   * unsigned int milliwatts; a 1 s average on Ampere (except GA100) and newer, instantaneous
   * before.
   */
  int nvmlDeviceGetPowerUsage(Pointer device, IntByReference power);

  int nvmlDeviceGetUtilizationRates(Pointer device, Utilization utilization);

  int nvmlDeviceGetEncoderUtilization(
      Pointer device, IntByReference utilization, IntByReference samplingPeriodUs);

  int nvmlDeviceGetDecoderUtilization(
      Pointer device, IntByReference utilization, IntByReference samplingPeriodUs);

  int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference temp);

  int nvmlDeviceGetClockInfo(Pointer device, int type, IntByReference clock);

  int nvmlDeviceGetMemoryInfo(Pointer device, Memory memory);

  /**
   * With a null sessionInfos array NVML only writes the number of active encoder sessions to
   * sessionCount.
   */
  int nvmlDeviceGetEncoderSessions(
      Pointer device, IntByReference sessionCount, Pointer sessionInfos);

  /**
   * Per-process utilisation samples newer than lastSeenTimeStamp (CPU timestamp, µs). With a null
   * array NVML writes the number of samples to processSamplesCount (answering INSUFFICIENT_SIZE);
   * with an array of that many entries it fills them and writes the number written. NOT_FOUND means
   * no sample since lastSeenTimeStamp.
   */
  int nvmlDeviceGetProcessUtilization(
      Pointer device,
      ProcessUtilizationSample[] utilization,
      IntByReference processSamplesCount,
      long lastSeenTimeStamp);

  /**
   * nvmlProcessUtilizationSample_t: {unsigned int pid; unsigned long long timeStamp; unsigned int
   * smUtil, memUtil, encUtil, decUtil}; 32 bytes with the padding after pid, which JNA's default
   * alignment reproduces.
   */
  @Structure.FieldOrder({"pid", "timeStamp", "smUtil", "memUtil", "encUtil", "decUtil"})
  class ProcessUtilizationSample extends Structure {
    public int pid;
    public long timeStamp;
    public int smUtil;
    public int memUtil;
    public int encUtil;
    public int decUtil;
  }

  /**
   * nvmlUtilization_t: percent of the last sample period the GPU (SM) and the memory controller
   * were busy.
   */
  @Structure.FieldOrder({"gpu", "memory"})
  class Utilization extends Structure {
    public int gpu;
    public int memory;
  }

  /** nvmlMemory_t: bytes, unsigned long long each. */
  @Structure.FieldOrder({"total", "free", "used"})
  class Memory extends Structure {
    public long total;
    public long free;
    public long used;
  }
}

/*
 * A stand-in for libnvidia-ml.so with the real NVML symbol names and C signatures (nvml.h), so tests exercise the
 * JNA binding end to end on machines without an NVIDIA GPU. Every call re-reads a control file whose path is
 * compiled in (-DCONTROL_FILE="..."), one "key value" pair per line, so a test steers the values by rewriting it:
 *
 *   init_rc 0            count 2              name.0 Tesla_V100      uuid.0 GPU-0000
 *   energy_mj.0 1000     energy_mj_rc.1 3     util_gpu.0 40          util_mem.0 10
 *   enc.0 55             dec.0 20             temp.0 61              clock.0.3 1100
 *   mem_total.0 ...      mem_used.0 ...       mem_free.0 ...         sessions.0 2      power_mw.0 150000
 *   proc_count.0 2       proc.0.0 <pid> <timeStamp_us> <sm> <mem> <enc> <dec>      proc_util_rc.0 15
 *
 * Per-process samples (nvmlDeviceGetProcessUtilization): proc_count.<gpu> is the number of proc.<gpu>.<k> lines;
 * only samples with a timeStamp newer than lastSeenTimeStamp are returned, NVML_ERROR_NOT_FOUND (6) when none is.
 * Without proc_count.<gpu> the call answers NOT_SUPPORTED, like a GPU without per-process accounting.
 *
 * A missing key makes the call return NVML_ERROR_NOT_SUPPORTED (3), like a GPU without that sensor; a
 * "<key>_rc.<index>" entry (e.g. energy_mj_rc.1 3) forces a return code. Underscores in names stand for spaces.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef CONTROL_FILE
#error "compile with -DCONTROL_FILE=\"/path/to/control\""
#endif

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct { unsigned int gpu; unsigned int memory; } nvmlUtilization_t;
typedef struct { unsigned long long total; unsigned long long free; unsigned long long used; } nvmlMemory_t;
/* nvml.h layout: 4 bytes of padding after pid on LP64. */
typedef struct {
  unsigned int pid;
  unsigned long long timeStamp;
  unsigned int smUtil;
  unsigned int memUtil;
  unsigned int encUtil;
  unsigned int decUtil;
} nvmlProcessUtilizationSample_t;

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_NOT_FOUND 6
#define NVML_ERROR_INSUFFICIENT_SIZE 7

static int initialised;

/* Finds key in the control file; copies its value text to out. Returns 1 when found. */
static int lookup_text(const char *key, char *out, size_t size) {
  FILE *f = fopen(CONTROL_FILE, "r");
  if (!f) {
    return 0;
  }
  char line[512];
  int found = 0;
  size_t keylen = strlen(key);
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, key, keylen) == 0 && line[keylen] == ' ') {
      char *value = line + keylen + 1;
      value[strcspn(value, "\r\n")] = 0;
      snprintf(out, size, "%s", value);
      found = 1;
      break;
    }
  }
  fclose(f);
  return found;
}

static int lookup(const char *key, unsigned long long *out) {
  char text[128];
  if (!lookup_text(key, text, sizeof text)) {
    return 0;
  }
  *out = strtoull(text, NULL, 10);
  return 1;
}

static int device_index(nvmlDevice_t device) {
  return (int) ((intptr_t) device) - 1;
}

/* The forced return code for key prefix "<what>_rc.<index>", or -1 when none is set. */
static int forced_rc(const char *what, int index) {
  char key[64];
  unsigned long long rc;
  snprintf(key, sizeof key, "%s_rc.%d", what, index);
  return lookup(key, &rc) ? (int) rc : -1;
}

static nvmlReturn_t value_of(const char *what, nvmlDevice_t device, unsigned long long *out) {
  char key[64];
  if (!initialised) {
    return NVML_ERROR_UNINITIALIZED;
  }
  int index = device_index(device);
  int rc = forced_rc(what, index);
  if (rc >= 0) {
    return rc;
  }
  snprintf(key, sizeof key, "%s.%d", what, index);
  return lookup(key, out) ? NVML_SUCCESS : NVML_ERROR_NOT_SUPPORTED;
}

nvmlReturn_t nvmlInit_v2(void) {
  unsigned long long rc = 0;
  lookup("init_rc", &rc);
  if (rc == 0) {
    initialised = 1;
  }
  return (nvmlReturn_t) rc;
}

nvmlReturn_t nvmlShutdown(void) {
  initialised = 0;
  return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 6: return "Not Found";
    case 7: return "Insufficient Size";
    case 15: return "GPU is lost";
    case 9: return "Driver Not Loaded";
    case 12: return "NVML Shared Library Not Found";
    default: return "Unknown Error";
  }
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount) {
  unsigned long long count = 0;
  if (!initialised) {
    return NVML_ERROR_UNINITIALIZED;
  }
  lookup("count", &count);
  *deviceCount = (unsigned int) count;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  unsigned long long count = 0;
  if (!initialised) {
    return NVML_ERROR_UNINITIALIZED;
  }
  lookup("count", &count);
  if (index >= count) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  *device = (nvmlDevice_t) (intptr_t) (index + 1);
  return NVML_SUCCESS;
}

static nvmlReturn_t text_of(const char *what, nvmlDevice_t device, char *out, unsigned int length) {
  char key[64];
  char text[128];
  if (!initialised) {
    return NVML_ERROR_UNINITIALIZED;
  }
  snprintf(key, sizeof key, "%s.%d", what, device_index(device));
  if (!lookup_text(key, text, sizeof text)) {
    return NVML_ERROR_NOT_SUPPORTED;
  }
  if (strlen(text) + 1 > length) {
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  for (char *c = text; *c; c++) {
    if (*c == '_') {
      *c = ' ';
    }
  }
  memcpy(out, text, strlen(text) + 1);
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
  return text_of("name", device, name, length);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
  return text_of("uuid", device, uuid, length);
}

nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
  return value_of("energy_mj", device, energy);
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
  unsigned long long v;
  nvmlReturn_t rc = value_of("power_mw", device, &v);
  if (rc == NVML_SUCCESS) {
    *power = (unsigned int) v;
  }
  return rc;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
  unsigned long long gpu, memory;
  nvmlReturn_t rc = value_of("util_gpu", device, &gpu);
  if (rc == NVML_SUCCESS) {
    rc = value_of("util_mem", device, &memory);
  }
  if (rc == NVML_SUCCESS) {
    utilization->gpu = (unsigned int) gpu;
    utilization->memory = (unsigned int) memory;
  }
  return rc;
}

static nvmlReturn_t codec(const char *what, nvmlDevice_t device, unsigned int *utilization,
                          unsigned int *samplingPeriodUs) {
  unsigned long long v;
  nvmlReturn_t rc = value_of(what, device, &v);
  if (rc == NVML_SUCCESS) {
    *utilization = (unsigned int) v;
    *samplingPeriodUs = 167000;
  }
  return rc;
}

nvmlReturn_t nvmlDeviceGetEncoderUtilization(nvmlDevice_t device, unsigned int *utilization,
                                             unsigned int *samplingPeriodUs) {
  return codec("enc", device, utilization, samplingPeriodUs);
}

nvmlReturn_t nvmlDeviceGetDecoderUtilization(nvmlDevice_t device, unsigned int *utilization,
                                             unsigned int *samplingPeriodUs) {
  return codec("dec", device, utilization, samplingPeriodUs);
}

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensorType, unsigned int *temp) {
  unsigned long long v;
  if (sensorType != 0) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  nvmlReturn_t rc = value_of("temp", device, &v);
  if (rc == NVML_SUCCESS) {
    *temp = (unsigned int) v;
  }
  return rc;
}

nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t device, int type, unsigned int *clock) {
  char key[64];
  unsigned long long v;
  if (!initialised) {
    return NVML_ERROR_UNINITIALIZED;
  }
  snprintf(key, sizeof key, "clock.%d.%d", device_index(device), type);
  if (!lookup(key, &v)) {
    return NVML_ERROR_NOT_SUPPORTED;
  }
  *clock = (unsigned int) v;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
  unsigned long long total, used, free;
  nvmlReturn_t rc = value_of("mem_total", device, &total);
  if (rc == NVML_SUCCESS) {
    rc = value_of("mem_used", device, &used);
  }
  if (rc == NVML_SUCCESS) {
    rc = value_of("mem_free", device, &free);
  }
  if (rc == NVML_SUCCESS) {
    memory->total = total;
    memory->used = used;
    memory->free = free;
  }
  return rc;
}

/* Only the count form is implemented: the meter always passes a null sessionInfos array. */
nvmlReturn_t nvmlDeviceGetEncoderSessions(nvmlDevice_t device, unsigned int *sessionCount, void *sessionInfos) {
  unsigned long long v;
  nvmlReturn_t rc = value_of("sessions", device, &v);
  if (rc == NVML_SUCCESS) {
    *sessionCount = (unsigned int) v;
    if (sessionInfos != NULL && v > 0) {
      return NVML_ERROR_NOT_SUPPORTED;
    }
  }
  return rc;
}

/*
 * Like NVML: with a null buffer, writes the number of samples newer than lastSeenTimeStamp to *processSamplesCount
 * and returns NVML_ERROR_INSUFFICIENT_SIZE; with a buffer of *processSamplesCount entries, fills it and writes the
 * number written, or returns NVML_ERROR_INSUFFICIENT_SIZE (with the number needed) when it is too small.
 */
nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device, nvmlProcessUtilizationSample_t *utilization,
                                             unsigned int *processSamplesCount,
                                             unsigned long long lastSeenTimeStamp) {
  char key[64];
  char text[256];
  unsigned long long count;
  nvmlProcessUtilizationSample_t samples[64];
  unsigned int n = 0;
  if (!initialised) {
    return NVML_ERROR_UNINITIALIZED;
  }
  if (processSamplesCount == NULL) {
    return NVML_ERROR_INVALID_ARGUMENT;
  }
  int index = device_index(device);
  int rc = forced_rc("proc_util", index);
  if (rc >= 0) {
    return rc;
  }
  snprintf(key, sizeof key, "proc_count.%d", index);
  if (!lookup(key, &count)) {
    return NVML_ERROR_NOT_SUPPORTED;
  }
  for (unsigned long long k = 0; k < count && n < 64; k++) {
    nvmlProcessUtilizationSample_t s;
    snprintf(key, sizeof key, "proc.%d.%llu", index, k);
    if (!lookup_text(key, text, sizeof text)) {
      continue;
    }
    if (sscanf(text, "%u %llu %u %u %u %u", &s.pid, &s.timeStamp, &s.smUtil, &s.memUtil, &s.encUtil,
               &s.decUtil) != 6) {
      return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (s.timeStamp > lastSeenTimeStamp) {
      samples[n++] = s;
    }
  }
  if (n == 0) {
    *processSamplesCount = 0;
    return NVML_ERROR_NOT_FOUND;
  }
  if (utilization == NULL || *processSamplesCount < n) {
    *processSamplesCount = n;
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  memcpy(utilization, samples, n * sizeof samples[0]);
  *processSamplesCount = n;
  return NVML_SUCCESS;
}

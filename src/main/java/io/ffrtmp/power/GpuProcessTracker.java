package io.ffrtmp.power;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-process GPU utilisation of one window: at every read, the samples newer than the last one
 * seen on each GPU of the gpu scope, summed per pid. Weights are kept for every pid, so a pid
 * tracked after some polls (FFmpeg starts after the window) still gets its earlier samples. Reads
 * run under the window's monitor; {@link #track} may come from any thread. A failing read never
 * touches energy: it is only noted.
 */
final class GpuProcessTracker {

  private static final Logger LOG = LoggerFactory.getLogger(GpuProcessTracker.class);

  /** State of one GPU zone. */
  private static final class Zone {
    final String label;
    final Nvml.Device device;
    long lastSeenUs;
    final Map<Long, Long> weightByPid = new HashMap<>();
    final Map<Long, Integer> samplesByPid = new HashMap<>();
    int samples;
    String unsupported;
    int failedReads;
    String lastError;

    Zone(String label, Nvml.Device device, long startUs) {
      this.label = label;
      this.device = device;
      this.lastSeenUs = startUs;
    }
  }

  private final Nvml nvml;
  private final List<Zone> zones;
  private final String otherSource;
  private final List<String> otherZones;
  private final Set<Long> tracked = ConcurrentHashMap.newKeySet();

  private GpuProcessTracker(
      Nvml nvml, List<Zone> zones, String otherSource, List<String> otherZones) {
    this.nvml = nvml;
    this.zones = zones;
    this.otherSource = otherSource;
    this.otherZones = otherZones;
  }

  /**
   * A tracker for the sources' gpu scope, or null when there is none. {@code startUs}: window
   * start, µs epoch.
   */
  static GpuProcessTracker forScope(ScopedSources sources, long startUs) {
    for (ScopedSources.Part p : sources.parts()) {
      if (!p.scope().equals(Scopes.GPU)) {
        continue;
      }
      if (p.source() instanceof NvmlSource nvmlSource) {
        List<Zone> zones = new ArrayList<>();
        List<Nvml.Device> devices = nvmlSource.devices();
        for (int i = 0; i < devices.size(); i++) {
          zones.add(new Zone(nvmlSource.zones().get(i), devices.get(i), startUs));
        }
        return new GpuProcessTracker(nvmlSource.nvml(), zones, null, List.of());
      }
      return new GpuProcessTracker(null, List.of(), p.source().sourceName(), p.source().zones());
    }
    return null;
  }

  void track(long pid) {
    tracked.add(pid);
  }

  /** Reads the samples newer than the last seen of every GPU and adds them up. */
  void read() {
    for (Zone z : zones) {
      if (z.unsupported != null) {
        continue;
      }
      Nvml.ProcessSamples answer;
      try {
        answer = nvml.processUtilisation(z.device, z.lastSeenUs);
      } catch (RuntimeException e) {
        answer = new Nvml.ProcessSamples(-1, List.of(), "nvmlDeviceGetProcessUtilization: " + e);
      }
      if (answer.rc() == NvmlLibrary.ERROR_NOT_SUPPORTED) {
        z.unsupported =
            "per-process utilisation not supported on "
                + z.label
                + " ("
                + answer.error()
                + "); the gpu scope's energy cannot be split by process on this GPU";
        continue;
      }
      if (!answer.ok()) {
        // The samples stay in NVML's buffer: the next read, from the same lastSeen, picks them up
        // if still there.
        z.failedReads++;
        z.lastError = answer.error();
        LOG.warn("per-process GPU utilisation read failed on {}: {}", z.label, answer.error());
        continue;
      }
      for (Nvml.ProcessSample s : answer.samples()) {
        if (Long.compareUnsigned(s.timeStampUs(), z.lastSeenUs) <= 0) {
          continue; // NVML filters by lastSeen already; never count a sample twice
        }
        long weight =
            Integer.toUnsignedLong(s.encoderPercent())
                + Integer.toUnsignedLong(s.decoderPercent())
                + Integer.toUnsignedLong(s.smPercent());
        z.weightByPid.merge(s.pid(), weight, Long::sum);
        z.samplesByPid.merge(s.pid(), 1, Integer::sum);
        z.samples++;
      }
      for (Nvml.ProcessSample s : answer.samples()) {
        if (Long.compareUnsigned(s.timeStampUs(), z.lastSeenUs) > 0) {
          z.lastSeenUs = s.timeStampUs();
        }
      }
    }
  }

  /**
   * The shares per GPU zone, or null when no process was tracked (then the result carries no share
   * at all).
   */
  Map<String, GpuProcessShare> shares() {
    if (tracked.isEmpty()) {
      return null;
    }
    Map<String, GpuProcessShare> result = new LinkedHashMap<>();
    for (Zone z : zones) {
      if (z.unsupported != null) {
        continue;
      }
      long all = 0;
      long mine = 0;
      int mineSamples = 0;
      for (Map.Entry<Long, Long> e : z.weightByPid.entrySet()) {
        all += e.getValue();
        if (tracked.contains(e.getKey())) {
          mine += e.getValue();
          mineSamples += z.samplesByPid.get(e.getKey());
        }
      }
      Double share = all == 0 ? null : (double) mine / all;
      result.put(z.label, new GpuProcessShare(z.label, share, mine, all, z.samples, mineSamples));
    }
    return result;
  }

  /**
   * Why a GPU zone has no share, or what went wrong while reading it; empty when no process was
   * tracked.
   */
  Map<String, String> notes() {
    Map<String, String> notes = new LinkedHashMap<>();
    if (tracked.isEmpty()) {
      return notes;
    }
    for (Zone z : zones) {
      if (z.unsupported != null) {
        notes.put(z.label, z.unsupported);
      } else if (z.failedReads > 0) {
        notes.put(
            z.label,
            z.failedReads
                + " per-process utilisation read(s) failed (last: "
                + z.lastError
                + "); samples older than NVML's buffer may be missing from the share");
      }
    }
    for (String zone : otherZones) {
      notes.put(
          zone,
          "the gpu scope is measured by "
              + otherSource
              + ", which has no per-process utilisation; "
              + "it needs NVML");
    }
    return notes;
  }
}

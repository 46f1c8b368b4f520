package io.ffrtmp.worker;

import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Set;

/**
 * Which jobs' energy windows overlapped. A job whose window saw no other is measured exclusively:
 * the node's energy is its own. When windows overlap, each job gets the node's energy in proportion
 * to its CPU time: {@code share = job CPU seconds / node busy CPU seconds} over its window (from
 * the FFmpeg process's own rusage and {@code /proc/stat}), applied to total and above-idle energy
 * alike; a GPU zone by the job's share of NVML's per-process encoder + decoder + SM utilisation
 * where NVML has it. Used from the worker's event loop only.
 */
final class EnergyWindows {

  /** One job's window: open until the encode ends. */
  static final class Window {
    private boolean shared;

    boolean shared() {
      return shared;
    }
  }

  private final Set<Window> open = new HashSet<>();

  Window open() {
    Window w = new Window();
    if (!open.isEmpty()) {
      w.shared = true;
      open.forEach(o -> o.shared = true);
    }
    open.add(w);
    return w;
  }

  void close(Window w) {
    open.remove(w);
  }

  /**
   * The job's part of the node's energy. {@code energy} is the meter's node-level result; returns
   * it unchanged with an "exclusive" attribution, or scaled by the job's CPU share with the node's
   * figures kept beside it.
   */
  static JsonObject attribute(
      JsonObject energy, boolean shared, Double jobCpuS, double nodeBusyCpuS, int workerSlots) {
    JsonObject e = energy.copy();
    if (!shared) {
      return e.put("attribution", new JsonObject().put("method", "exclusive").put("share", 1.0));
    }
    if (jobCpuS == null || nodeBusyCpuS <= 0) {
      return e.put(
          "attribution",
          new JsonObject()
              .put("method", "none")
              .put("share", null)
              .put(
                  "note",
                  "the node was shared and this job's CPU time is unknown: the figures are the"
                      + " whole node's"));
    }
    double share = Math.min(1.0, jobCpuS / nodeBusyCpuS);
    double nodeJoules = e.getDouble("total_joules");
    JsonObject gpuShares = new JsonObject();
    JsonObject perZone = e.getJsonObject("per_zone_joules");
    if (perZone != null && !perZone.isEmpty()) {
      JsonObject scaled = new JsonObject();
      double total = 0;
      for (String zone : perZone.fieldNames()) {
        double zoneShare = share;
        if (zone.startsWith("gpu-")) {
          JsonObject gpu = gpuShare(e, zone, share);
          gpuShares.put(zone, gpu);
          zoneShare = gpu.getDouble("share");
        }
        double joules = ((Number) perZone.getValue(zone)).doubleValue() * zoneShare;
        scaled.put(zone, joules);
        total += joules;
      }
      e.put("per_zone_joules", scaled).put("total_joules", total);
    } else {
      e.put("total_joules", nodeJoules * share);
    }
    Long ms = e.getLong("duration_ms");
    if (ms != null && ms > 0) {
      e.put("avg_watts", e.getDouble("total_joules") / (ms / 1000.0));
    }
    if (!gpuShares.isEmpty()) {
      e.put("gpu_attribution", gpuShares);
    }
    return e.put(
        "attribution",
        new JsonObject()
            .put("method", "cpu-time-share")
            .put("share", share)
            .put("job_cpu_s", jobCpuS)
            .put("node_busy_cpu_s", nodeBusyCpuS)
            .put("node_joules", nodeJoules)
            .put("worker_slots", workerSlots)
            .put("note", "peak_watts and trace are the node's"));
  }

  /**
   * A GPU zone's part for this job: its encoder/decoder/SM utilisation share from NVML's
   * per-process samples, or the CPU-time share, with the reason, when NVML has none (not supported,
   * no GPU work seen, or pids from another namespace: samples exist but none carries this job's
   * pid).
   */
  private static JsonObject gpuShare(JsonObject energy, String zone, double cpuShare) {
    JsonObject all = energy.getJsonObject("gpu_process_share");
    JsonObject g = all == null ? null : all.getJsonObject(zone);
    String why;
    if (g == null) {
      JsonObject notes = energy.getJsonObject("gpu_process_share_notes");
      why =
          notes != null && notes.getString(zone) != null
              ? notes.getString(zone)
              : "no per-process samples for " + zone;
    } else if (g.getDouble("share") == null) {
      why = "no process did measurable work on " + zone;
    } else if (g.getInteger("process_samples", 0) == 0 && g.getLong("all_weight", 0L) > 0) {
      why = "samples on " + zone + " carry no pid of this job (a different pid namespace?)";
    } else {
      return new JsonObject()
          .put("method", "gpu-utilisation-share")
          .put("share", g.getDouble("share"));
    }
    return new JsonObject()
        .put("method", "cpu-time-share")
        .put("share", cpuShare)
        .put("fallback", why);
  }
}

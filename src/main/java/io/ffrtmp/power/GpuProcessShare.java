package io.ffrtmp.power;

import io.vertx.core.json.JsonObject;

/**
 * The tracked processes' part of one GPU's per-process utilisation over a window, from NVML's
 * per-process samples (nvmlDeviceGetProcessUtilization). Weight of a sample = encUtil + decUtil +
 * smUtil: NVENC/NVDEC work shows only in the encoder and decoder figures (an NVENC transcode can
 * keep SM near zero), while SM counts CUDA filters (scale_cuda, overlay_cuda, ...) and CUDA-based
 * encoders. Memory utilisation is left out: it follows the others.
 *
 * @param zone the GPU's energy zone, "gpu-&lt;index&gt;"
 * @param share processWeight / allWeight; null when allWeight is 0 (no process did anything
 *     measurable), never a made-up number
 * @param processWeight summed weight of the samples of the tracked pids
 * @param allWeight summed weight of the samples of every process on the GPU, tracked ones included
 * @param samples per-process samples read in the window, all processes
 * @param processSamples of which belong to tracked pids; 0 while allWeight &gt; 0 can mean the pid
 *     is not the one NVML sees (another pid namespace)
 */
public record GpuProcessShare(
    String zone,
    Double share,
    long processWeight,
    long allWeight,
    int samples,
    int processSamples) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("share", share)
        .put("process_weight", processWeight)
        .put("all_weight", allWeight)
        .put("samples", samples)
        .put("process_samples", processSamples);
  }
}

package io.ffrtmp.worker;

import io.ffrtmp.job.Encoder;
import io.ffrtmp.power.EnergyMeter;
import io.ffrtmp.power.SourceStatus;
import io.ffrtmp.worker.engine.EncoderCheck;
import io.ffrtmp.worker.engine.EncoderProbe;
import io.ffrtmp.worker.engine.FfmpegInfo;
import io.ffrtmp.worker.engine.GstInfo;
import io.ffrtmp.worker.engine.Scorer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a worker learns of its node once, at start: its FFmpeg and GStreamer, its power meter, the
 * hardware snapshot recorded with every result (host name included), and which encoders work here.
 *
 * @param snapshot {@link NodeSnapshot} with the node id, the hardware encoders' probe and NVML's
 *     GPUs
 * @param workingHardware hardware encoders that passed a one-frame probe
 * @param usableEncoders FFmpeg names of what this node can run: this build's software encoders and
 *     the working hardware ones
 */
record WorkerNode(
    FfmpegInfo ffmpeg,
    Scorer scorer,
    GstInfo gst,
    EnergyMeter meter,
    JsonObject snapshot,
    Set<Encoder> workingHardware,
    JsonArray usableEncoders) {

  /** Blocking: runs FFmpeg, opens the meter, reads the hardware and resolves the host name. */
  static WorkerNode probe(WorkerConfig config) {
    FfmpegInfo ffmpeg = FfmpegInfo.probe(config.ffmpeg());
    Scorer scorer =
        config.qualityFfmpeg() == null && config.vmafModel() == null
            ? Scorer.same(ffmpeg)
            : Scorer.probe(
                ffmpeg,
                config.qualityFfmpeg() == null ? ffmpeg : FfmpegInfo.probe(config.qualityFfmpeg()),
                config.vmafModel());
    // Optional: without it the node runs FFmpeg jobs and refuses GStreamer ones with the fix.
    GstInfo gst = GstInfo.probe();
    EnergyMeter meter = EnergyMeter.open(config.power());
    JsonArray sources = new JsonArray();
    meter.sources().stream().map(SourceStatus::toJson).forEach(sources::add);
    JsonObject node =
        NodeSnapshot.capture(ffmpeg, sources)
            .put("node_id", config.nodeId())
            .put("gstreamer", gst.toJson())
            .put("quality_scorer", scorer.toJson());
    // Distribution builds list hardware encoders whether or not the hardware exists: a one-frame
    // probe says which
    // work, so that "encoder: auto" can use them.
    List<Encoder> hardware =
        Arrays.stream(Encoder.values())
            .filter(e -> e.hardware() != Encoder.Hardware.NONE && ffmpeg.has(e))
            .toList();
    List<EncoderCheck> checks = EncoderProbe.encoders(ffmpeg, hardware);
    Set<Encoder> working =
        checks.stream()
            .filter(EncoderCheck::works)
            .map(EncoderCheck::encoder)
            .collect(Collectors.toUnmodifiableSet());
    node.put(
        "hardware_encoders", new JsonArray(checks.stream().map(EncoderCheck::toJson).toList()));
    JsonArray usable = new JsonArray();
    Arrays.stream(Encoder.values())
        .filter(e -> e.hardware() == Encoder.Hardware.NONE ? ffmpeg.has(e) : working.contains(e))
        .forEach(e -> usable.add(e.ffmpegName()));
    if (!meter.gpus().isEmpty()) {
      // NVML's view (name, UUID, clocks, memory) beside the probe's device list.
      node.put("nvml_gpus", new JsonArray(meter.gpus().stream().map(g -> g.toJson()).toList()));
    }
    return new WorkerNode(ffmpeg, scorer, gst, meter, node, working, usable);
  }

  /** As {@link NodeSnapshot} resolved it: no DNS lookup on the event loop. */
  String hostName() {
    return snapshot.getString("hostname");
  }

  /**
   * The meter as a registration shows it: provenance, source, zones and each source's state now.
   */
  JsonObject power() {
    return new JsonObject()
        .put("provenance", meter.provenance())
        .put("source", meter.source())
        .put("zones", new JsonArray(meter.zones()))
        .put("sources", new JsonArray(meter.sources().stream().map(SourceStatus::toJson).toList()));
  }

  String describeSources() {
    return meter.sources().stream()
        .map(s -> s.name() + (s.usable() ? "" : " unusable: " + s.detail()))
        .reduce((a, b) -> a + "; " + b)
        .orElse("none");
  }
}

package io.ffrtmp.worker.engine;

import io.vertx.core.json.JsonObject;

/**
 * Whether FFmpeg can score VMAF: the libvmaf filter is listed, and a two-frame comparison with the
 * vmaf_v0.6.1 model ran (a build can list the filter and still fail to load its model).
 *
 * @param reason why VMAF is unavailable; null when it works
 */
public record VmafCheck(boolean listed, boolean works, String reason) {

  public JsonObject toJson() {
    return new JsonObject().put("listed", listed).put("works", works).put("reason", reason);
  }
}

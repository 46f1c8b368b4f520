package io.ffrtmp.hardware;

import io.vertx.core.json.JsonObject;

/**
 * A GPU or render node the node could hand frames to.
 *
 * @param vendor "NVIDIA", "Intel", "AMD", or "unknown (0x....)" from the PCI vendor id
 * @param model the NVIDIA driver's model line, else the PCI ids; "unknown" when neither can be read
 * @param devicePath the device file encoders open: /dev/nvidia0 or /dev/dri/renderD*
 * @param devicePresent whether that device file exists (a driver can be loaded without its device
 *     node, e.g. in a container started without the GPU)
 * @param accessible whether the current user can open the device file for reading and writing
 */
public record GpuDevice(
    String vendor, String model, String devicePath, boolean devicePresent, boolean accessible) {

  public boolean isNvidia() {
    return "NVIDIA".equals(vendor);
  }

  /**
   * Render nodes are the /dev/dri entries VAAPI and QSV open; access to them is granted by the
   * render group.
   */
  public boolean isRenderNode() {
    return devicePath.contains("/dri/renderD");
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("vendor", vendor)
        .put("model", model)
        .put("device", devicePath)
        .put("device_present", devicePresent)
        .put("accessible", accessible);
  }
}

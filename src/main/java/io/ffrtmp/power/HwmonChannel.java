package io.ffrtmp.power;

import java.nio.file.Path;

/**
 * One hwmon energy or power file and what was learned by reading it.
 *
 * @param zone unique label, e.g. "amdgpu-hwmon2" or "amd_energy-hwmon0-Esocket0"
 * @param device the hwmon directory name, e.g. "hwmon2"
 * @param driver the device's {@code name} file, e.g. "amdgpu", "i915", "amd_energy"
 * @param scope "cpu", "gpu" or "platform", from the driver
 * @param file energyN_input (µJ counter) or powerN_average / powerN_input (µW gauge)
 * @param counter true for an energy counter, false for a power gauge
 * @param readable whether the file gave an integer
 * @param preferred whether it is the channel chosen for its device (a counter before any gauge)
 * @param detail what was found, or why it cannot be read
 * @param fix how to make an unreadable channel readable; null when there is nothing to fix
 * @param resolution counter or gauge, unit, and the driver's averaging interval where it states one
 */
record HwmonChannel(
    String zone,
    String device,
    String driver,
    String scope,
    Path file,
    boolean counter,
    boolean readable,
    boolean preferred,
    String detail,
    String fix,
    String resolution) {

  HwmonChannel asPreferred() {
    return new HwmonChannel(
        zone, device, driver, scope, file, counter, readable, true, detail, fix, resolution);
  }

  HwmonChannel withZone(String label) {
    return new HwmonChannel(
        label, device, driver, scope, file, counter, readable, preferred, detail, fix, resolution);
  }

  /** A status saying this channel is summed (notSummedReason null) or why not. */
  SourceStatus status(String notSummedReason) {
    if (!readable) {
      return new SourceStatus(zone, file.toString(), false, detail, fix, scope, null);
    }
    String why =
        notSummedReason == null
            ? detail + "; summed into the " + scope + " scope"
            : detail + "; not summed: " + notSummedReason;
    return new SourceStatus(zone, file.toString(), true, why, null, scope, resolution);
  }
}

package io.ffrtmp.power;

import java.nio.file.Path;

/**
 * One readable powercap zone chosen for the total.
 *
 * @param label unique name, e.g. "package-0", "dram-1", "psys"
 * @param dir zone directory, e.g. {@code /sys/class/powercap/intel-rapl:1:0}
 * @param maxEnergyRangeUj highest value energy_uj shows before restarting at 0
 */
record RaplZone(String label, Path dir, long maxEnergyRangeUj) {

  Path energyFile() {
    return dir.resolve("energy_uj");
  }
}

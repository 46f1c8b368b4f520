package io.ffrtmp.power;

import java.io.IOException;
import java.util.List;

/**
 * Reads the chosen RAPL zones through powercap and differences their counters with the wrap
 * formula.
 */
final class RaplSource extends MeasuredSource {

  static final String NAME = "rapl-powercap";
  private static final double JOULES_PER_MICROJOULE = 1e-6;

  private final List<RaplZone> zones;
  private final CounterReader reader;

  RaplSource(List<RaplZone> zones, CounterReader reader) {
    super(zones.stream().map(RaplZone::label).toList());
    this.zones = List.copyOf(zones);
    this.reader = reader;
  }

  @Override
  public String sourceName() {
    return NAME;
  }

  @Override
  public Snapshot read() throws IOException {
    return Snapshot.readAll(zones.size(), i -> reader.readLong(zones.get(i).energyFile()));
  }

  @Override
  public Integrator newIntegrator() {
    return (prev, cur) -> {
      double[] joules = new double[zones.size()];
      for (int i = 0; i < joules.length; i++) {
        long deltaUj =
            RaplCounter.deltaMicrojoules(
                prev.values()[i], cur.values()[i], zones.get(i).maxEnergyRangeUj());
        joules[i] = deltaUj * JOULES_PER_MICROJOULE;
      }
      return joules;
    };
  }
}

package io.ffrtmp.power;

import java.util.List;

/**
 * What every hardware source shares: it measures (no model), and its zones are fixed when it is
 * opened.
 */
abstract class MeasuredSource implements PowerSource {

  private final List<String> zones;

  MeasuredSource(List<String> zones) {
    this.zones = List.copyOf(zones);
  }

  @Override
  public final String provenance() {
    return MEASURED;
  }

  @Override
  public final List<String> zones() {
    return zones;
  }

  @Override
  public final ModelParams model() {
    return null;
  }
}

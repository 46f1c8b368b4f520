package io.ffrtmp.power;

import java.io.IOException;
import java.util.List;

/**
 * Energy of the hwmon channels chosen for one scope. Counters (energyN_input, µJ) are differenced
 * like RAPL; gauges (powerN_*, µW) are integrated by the trapezoid rule between consecutive reads,
 * which is why a scope made of gauges is named "hwmon-power-gauge": it misses power changes shorter
 * than the poll interval.
 */
final class HwmonSource extends MeasuredSource {

  static final String COUNTER_NAME = "hwmon-energy";
  static final String GAUGE_NAME = "hwmon-power-gauge";
  private static final double JOULES_PER_MICROJOULE = 1e-6;

  private final List<HwmonChannel> channels;
  private final CounterReader reader;

  HwmonSource(List<HwmonChannel> channels, CounterReader reader) {
    super(channels.stream().map(HwmonChannel::zone).toList());
    if (channels.isEmpty()) {
      throw new IllegalArgumentException("an hwmon source needs at least one channel");
    }
    this.channels = List.copyOf(channels);
    this.reader = reader;
  }

  /** "hwmon-energy", "hwmon-power-gauge", or both joined when one device has only a gauge. */
  @Override
  public String sourceName() {
    boolean counters = channels.stream().anyMatch(HwmonChannel::counter);
    boolean gauges = channels.stream().anyMatch(c -> !c.counter());
    return counters && gauges
        ? COUNTER_NAME + "+" + GAUGE_NAME
        : counters ? COUNTER_NAME : GAUGE_NAME;
  }

  @Override
  public Snapshot read() throws IOException {
    return Snapshot.readAll(channels.size(), i -> reader.readLong(channels.get(i).file()));
  }

  @Override
  public Integrator newIntegrator() {
    return (prev, cur) -> {
      double seconds = (cur.nanoTime() - prev.nanoTime()) / 1e9;
      double[] joules = new double[channels.size()];
      for (int i = 0; i < joules.length; i++) {
        if (channels.get(i).counter()) {
          joules[i] =
              MonotonicCounter.delta(prev.values()[i], cur.values()[i]) * JOULES_PER_MICROJOULE;
        } else {
          double microwatts = (prev.values()[i] + cur.values()[i]) / 2.0;
          joules[i] = microwatts * 1e-6 * seconds;
        }
      }
      return joules;
    };
  }
}

package io.ffrtmp.power;

import java.io.IOException;
import java.util.List;

/**
 * GPU energy from NVML's cumulative counter (nvmlDeviceGetTotalEnergyConsumption, mJ, Volta and
 * newer), differenced between reads like RAPL. Power gauges are never integrated here: NVML power
 * is a 1 s average or a partial sample (about 25 % of runtime on A100/H100), which aliases on short
 * jobs.
 */
final class NvmlSource extends MeasuredSource {

  static final String NAME = "nvml-energy";
  static final String RESOLUTION =
      "counter, mJ since driver load (nvmlDeviceGetTotalEnergyConsumption), "
          + "driver refresh every 20-100 ms";
  private static final double JOULES_PER_MILLIJOULE = 1e-3;

  private final Nvml nvml;
  private final List<Nvml.Device> devices;

  NvmlSource(Nvml nvml) {
    this(nvml, nvml.devices().stream().filter(Nvml.Device::energyCounter).toList());
  }

  private NvmlSource(Nvml nvml, List<Nvml.Device> devices) {
    super(devices.stream().map(d -> zoneLabel(d.index())).toList());
    this.nvml = nvml;
    this.devices = devices;
  }

  static String zoneLabel(int index) {
    return "gpu-" + index;
  }

  Nvml nvml() {
    return nvml;
  }

  /** The GPUs of this source, in {@link #zones()} order. */
  List<Nvml.Device> devices() {
    return devices;
  }

  boolean isEmpty() {
    return devices.isEmpty();
  }

  @Override
  public String sourceName() {
    return NAME;
  }

  @Override
  public Snapshot read() throws IOException {
    return Snapshot.readAll(devices.size(), i -> nvml.energyMillijoules(devices.get(i)));
  }

  @Override
  public Integrator newIntegrator() {
    return (prev, cur) -> {
      double[] joules = new double[devices.size()];
      for (int i = 0; i < joules.length; i++) {
        joules[i] =
            MonotonicCounter.delta(prev.values()[i], cur.values()[i]) * JOULES_PER_MILLIJOULE;
      }
      return joules;
    };
  }
}

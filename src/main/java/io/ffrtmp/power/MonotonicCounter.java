package io.ffrtmp.power;

/**
 * Arithmetic of a 64-bit energy counter that does not wrap in practice (NVML millijoules, hwmon
 * energyN_input microjoules): 2^63 µJ is about 290,000 years at 1 kW. A decrease means the driver
 * was reloaded and the counter restarted at zero, so the energy since the restart is the current
 * value.
 */
final class MonotonicCounter {

  private MonotonicCounter() {}

  static long delta(long prev, long cur) {
    return cur >= prev ? cur - prev : cur;
  }
}

package io.ffrtmp.power;

/** An open measurement window started by {@link EnergyMeter#start()}. */
public interface Measurement {

  /**
   * Reads every counter once more, stops polling for this window, returns the result. Idempotent: later calls
   * return the same result. Blocking (file reads); never call on an event loop.
   */
  EnergyResult stop();

  /** Latest instantaneous power estimate in watts (from the last poll interval), or null before the first poll. */
  Double currentWatts();
}

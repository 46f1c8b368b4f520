package io.ffrtmp.power;

/** An open measurement window started by {@link EnergyMeter#start()}. */
public interface Measurement {

  /**
   * Reads every counter once more, stops polling for this window, returns the result. Idempotent:
   * later calls return the same result. Blocking (file reads); never call on an event loop.
   */
  EnergyResult stop();

  /**
   * Follows a process on the GPUs of the gpu scope: the result's {@code gpuProcessShare} says which
   * part of each GPU's per-process utilisation (encoder + decoder + SM) belonged to the tracked
   * pids over the whole window. Call right after the process starts; samples seen before the call
   * still count, since weights are kept per pid. Several pids may be tracked (their weights add
   * up). Does not block; calls after stop() change nothing.
   */
  void trackProcess(long pid);

  /**
   * Latest instantaneous power estimate in watts (from the last poll interval), or null before the
   * first poll.
   */
  Double currentWatts();
}

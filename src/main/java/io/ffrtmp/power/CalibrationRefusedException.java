package io.ffrtmp.power;

/**
 * Calibration cannot give an honest model on this node or in this run; the message names the fix.
 */
public final class CalibrationRefusedException extends RuntimeException {

  public CalibrationRefusedException(String message) {
    super(message);
  }
}

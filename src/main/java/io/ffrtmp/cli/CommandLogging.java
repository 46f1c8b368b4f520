package io.ffrtmp.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Log settings for interactive commands, which tell the user about energy sources themselves. */
public final class CommandLogging {

  private CommandLogging() {}

  /**
   * The energy meter logs its choice of source for long-running nodes; a command that prints its
   * own account (with fixes) would show it twice. Left alone when the user asked for a log level.
   */
  public static void quietPowerLog() {
    if (System.getenv("FFRTMP_LOG_LEVEL") == null) {
      ((Logger) LoggerFactory.getLogger("io.ffrtmp.power")).setLevel(Level.ERROR);
    }
  }

  /**
   * Long-running nodes log what they do (joins, registrations, leases, housekeeping) at INFO unless
   * told otherwise.
   */
  public static void nodeLog() {
    if (System.getenv("FFRTMP_LOG_LEVEL") == null) {
      ((Logger) LoggerFactory.getLogger("io.ffrtmp")).setLevel(Level.INFO);
    }
  }
}

package io.ffrtmp.cli.client;

/**
 * A client command that cannot go on: the message for stderr and the exit code (see {@link
 * ClientCommand}).
 */
public final class ClientException extends Exception {

  private final int exitCode;

  public ClientException(int exitCode, String message) {
    super(message, null, false, false);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}

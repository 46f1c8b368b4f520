package io.ffrtmp.cli.client;

import io.ffrtmp.cli.options.ClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Mixin;

/**
 * A client command: connects with {@link ClientOptions}, runs, and turns failures into exit codes:
 * 0 done, 1 the server failed or refused (conflict, rate limit), 2 bad input (the message names the
 * field), 3 cannot connect, 4 not authenticated or not allowed.
 */
abstract class ClientCommand implements Callable<Integer> {

  static final int EXIT_OK = 0;
  static final int EXIT_SERVER = 1;
  static final int EXIT_BAD_INPUT = 2;
  static final int EXIT_CONNECT = 3;
  static final int EXIT_AUTH = 4;

  static final String[] EXIT_CODES = {
    "0:done",
    "1:the server failed or refused (e.g. a job that cannot be canceled)",
    "2:bad input: the message names the field",
    "3:cannot connect to the server",
    "4:not authenticated or not allowed"
  };

  @Mixin ClientOptions options;

  PrintStream out;
  PrintStream err;

  @Override
  public final Integer call() {
    out = System.out;
    err = System.err;
    try {
      return run(ClientConnection.connect(options));
    } catch (ClientException e) {
      err.println(e.getMessage());
      return e.exitCode();
    }
  }

  abstract int run(ApiClient api) throws ClientException;

  boolean json() {
    return options.json();
  }

  /** Prints the answer as JSON with --json, else as {@code text} renders it (a table, a line). */
  int print(JsonObject answer, Function<JsonObject, String> text) {
    out.println(json() ? answer.encodePrettily() : text.apply(answer));
    return EXIT_OK;
  }
}

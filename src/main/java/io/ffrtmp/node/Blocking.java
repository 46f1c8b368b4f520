package io.ffrtmp.node;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waiting on a future from a plain thread: the command line's main thread while it starts or stops
 * a node, never an event loop (the loop would wait on itself).
 */
public final class Blocking {

  private Blocking() {}

  /**
   * The future's value, its own failure rethrown as it is, or a TimeoutException after {@code
   * seconds}.
   */
  public static <T> T await(Future<T> f, long seconds) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("no answer within " + seconds + " s");
    }
  }
}

package io.ffrtmp.support;

import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A test's wait on a Vert.x future from its own thread, so a test reads as the steps it takes. */
public final class Await {

  private Await() {}

  /**
   * The value, the failure itself rethrown (what assertThatThrownBy sees), or a timeout after
   * {@code seconds}.
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

package io.ffrtmp.master;

import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A request a master answers with a failure code (404, 409): a {@link ReplyException}, as the bus
 * carries it.
 */
final class Refusal {

  private Refusal() {}

  static <T> Future<T> of(int code, String message) {
    return Future.failedFuture(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, message));
  }
}

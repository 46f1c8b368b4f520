package io.ffrtmp.worker;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.JobReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Results on their way to a master: each is spooled first, then sent through {@link Reports}. It
 * leaves the spool once a master took it or refused it for good (409: the attempt is no longer
 * current; 400); otherwise (no master, timeout, database down) it waits there for the next {@link
 * #flush()}, after a restart too. Event-loop confined.
 */
final class ResultDelivery {

  private static final Logger LOG = LoggerFactory.getLogger(ResultDelivery.class);

  private final Vertx vertx;
  private final ResultSpool spool;
  private final Reports reports;
  private boolean flushing;

  ResultDelivery(Vertx vertx, ResultSpool spool, Reports reports) {
    this.vertx = vertx;
    this.spool = spool;
    this.reports = reports;
  }

  /** Spools the result, then sends it; fails when it stays in the spool for later. */
  Future<Void> report(JobReport result) {
    return vertx
        .executeBlocking(
            () -> {
              spool.put(result);
              return null;
            },
            false)
        .compose(v -> deliver(result));
  }

  /** Sends the spooled results, oldest first, unless a flush is under way. */
  void flush() {
    if (flushing) {
      return;
    }
    flushing = true;
    vertx
        .executeBlocking(spool::all, false)
        // All at once: they travel together in as few requests as the batch limit allows; each
        // leaves the spool by
        // itself.
        .compose(results -> Future.join(results.stream().map(this::deliver).toList()))
        .onComplete(ar -> flushing = false);
  }

  private Future<Void> deliver(JobReport result) {
    String job = result.fence().jobId().toString();
    return reports
        .send(result)
        .transform(
            ar -> {
              boolean refused =
                  ar.failed()
                      && ar.cause() instanceof ReplyException r
                      && (r.failureCode() == Addresses.CONFLICT
                          || r.failureCode() == Addresses.BAD_REQUEST);
              if (ar.succeeded() || refused) {
                if (refused) {
                  LOG.warn(
                      "job {}: the master refused the result: {}", job, ar.cause().getMessage());
                }
                return vertx
                    .executeBlocking(
                        () -> {
                          spool.remove(result.fence());
                          return null;
                        },
                        false)
                    .mapEmpty();
              }
              LOG.warn(
                  "job {}: result not delivered ({}); kept in {} for later",
                  job,
                  ar.cause().getMessage(),
                  spool.dir());
              return Future.<Void>failedFuture(ar.cause());
            });
  }
}

package io.ffrtmp.worker;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.Heartbeat;
import io.ffrtmp.cluster.HeartbeatReply;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * This node's heartbeats while it is registered: each renews the leases of the jobs it runs and
 * brings back whether the node is up or draining (for {@link Registration}) and which jobs it no
 * longer holds. Event-loop confined.
 */
final class Heartbeats {

  private final Vertx vertx;
  private final Duration every;
  private final Registration registration;
  private final Supplier<Heartbeat> body;
  private final Consumer<HeartbeatReply> onReply;
  private long timer = -1;

  /**
   * {@code body}: the heartbeat as the node is now; {@code onReply}: each answer, after the
   * registration saw it.
   */
  Heartbeats(
      Vertx vertx,
      Duration every,
      Registration registration,
      Supplier<Heartbeat> body,
      Consumer<HeartbeatReply> onReply) {
    this.vertx = vertx;
    this.every = every;
    this.registration = registration;
    this.body = body;
    this.onReply = onReply;
  }

  void start() {
    timer = vertx.setPeriodic(every.toMillis(), t -> beat());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void beat() {
    if (!registration.registered()) {
      return;
    }
    // Unanswered within a heartbeat, it is late: the next one is on its way.
    DeliveryOptions call = new DeliveryOptions().setSendTimeout(Math.max(1000, every.toMillis()));
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.NODE_HEARTBEAT, body.get().toJson(), call)
        .map(reply -> HeartbeatReply.fromJson(reply.body()))
        .onSuccess(
            reply -> {
              registration.answered(reply.state());
              onReply.accept(reply);
            })
        .onFailure(registration::unanswered);
  }
}

package io.ffrtmp.worker;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.NodeRegistration;
import io.ffrtmp.cluster.NodeState;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker process's standing with the masters: registering (again while no master answers, or
 * while another process's registration of the node id has not expired), then up or draining as the
 * masters last said, until it stops; and whether a master answers at all, so that an outage is
 * logged once, not on every try. Event-loop confined.
 */
final class Registration {

  private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

  enum State {
    /** Not registered and not trying: before start, or once the node id turned out to be taken. */
    UNREGISTERED,
    REGISTERING,
    /** Registered, and takes work. */
    UP,
    /** Registered; finishes what runs and takes nothing new. */
    DRAINING,
    STOPPED
  }

  private final Vertx vertx;
  private final String nodeId;
  private final Duration heartbeat;
  private final DeliveryOptions call;
  private final Function<UUID, NodeRegistration> body;
  private final Runnable onRegistered;

  /** This process: a node id is held by one live instance at a time. */
  private final UUID instanceId = UUID.randomUUID();

  private State state = State.UNREGISTERED;
  private boolean masterMissing;

  /**
   * {@code body}: what to register for this process's {@link #instanceId()}, built afresh for every
   * try; {@code onRegistered}: run after every registration a master took, the first and any later
   * one.
   */
  Registration(
      Vertx vertx,
      String nodeId,
      Duration heartbeat,
      DeliveryOptions call,
      Function<UUID, NodeRegistration> body,
      Runnable onRegistered) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.heartbeat = heartbeat;
    this.call = call;
    this.body = body;
    this.onRegistered = onRegistered;
  }

  UUID instanceId() {
    return instanceId;
  }

  State state() {
    return state;
  }

  boolean registered() {
    return state == State.UP || state == State.DRAINING;
  }

  /**
   * Registers with a master, trying again every second while none answers. A master that says
   * another live process holds this node id gets asked again until that process's lease would have
   * run out; then this fails with a {@link WorkerVerticle.NodeIdTakenException}.
   */
  Future<Void> register() {
    state = State.REGISTERING;
    return attempt(System.nanoTime());
  }

  private Future<Void> attempt(long sinceNs) {
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.NODE_REGISTER, body.apply(instanceId).toJson(), call)
        .compose(
            reply -> {
              if (state == State.STOPPED) {
                return Future.<Void>succeededFuture();
              }
              NodeState now = NodeState.in(reply.body());
              state = stateOf(now);
              masterMissing = false;
              LOG.info("worker {} registered with a master (state {})", nodeId, now.id());
              onRegistered.run();
              return Future.<Void>succeededFuture();
            },
            err -> {
              if (state == State.STOPPED) {
                return Future.failedFuture(err);
              }
              boolean conflict =
                  err instanceof ReplyException r && r.failureCode() == Addresses.CONFLICT;
              long waitedMs = (System.nanoTime() - sinceNs) / 1_000_000;
              // A crashed predecessor's registration expires after a lease (five heartbeats by
              // default); a live one never
              // does.
              if (conflict && waitedMs > 10 * heartbeat.toMillis() + 5000) {
                state = State.UNREGISTERED;
                return Future.failedFuture(
                    new WorkerVerticle.NodeIdTakenException(err.getMessage()));
              }
              if (!conflict && !masterMissing) {
                masterMissing = true;
                LOG.warn(
                    "worker {}: no master answers yet ({}); trying again every second",
                    nodeId,
                    err.getMessage());
              } else if (conflict && waitedMs < 1500) {
                LOG.warn(
                    "worker {}: {}; waiting for that registration to expire",
                    nodeId,
                    err.getMessage());
              }
              Promise<Void> again = Promise.promise();
              vertx.setTimer(1000, t -> attempt(sinceNs).onComplete(again));
              return again.future();
            });
  }

  /** A master answered a heartbeat, saying whether this node is up or draining now. */
  void answered(NodeState now) {
    if (masterMissing) {
      LOG.info("worker {}: a master answers again", nodeId);
      masterMissing = false;
    }
    if (!registered()) {
      return; // while registering again, the registration's answer says
    }
    State was = state;
    state = stateOf(now);
    if (was != state) {
      LOG.info("worker {} is now {}", nodeId, now.id());
    }
  }

  /**
   * No master answered a heartbeat, or one refused it. Refused 409, a master no longer knows this
   * process (it was declared lost and its id taken or reset): it registers again.
   */
  void unanswered(Throwable err) {
    if (err instanceof ReplyException r && r.failureCode() == Addresses.CONFLICT) {
      if (state != State.REGISTERING && state != State.STOPPED) {
        LOG.warn("worker {}: {}; registering again", nodeId, err.getMessage());
        register().onFailure(e -> LOG.error("worker {}: {}", nodeId, e.getMessage()));
      }
    } else if (!masterMissing) {
      masterMissing = true;
      LOG.warn(
          "worker {}: heartbeat unanswered ({}); jobs keep running and results are spooled",
          nodeId,
          err.getMessage());
    }
  }

  /** Nothing registers or takes work after this. */
  void stop() {
    state = State.STOPPED;
  }

  /** The masters' node states as this worker acts on them: anything but up takes no work. */
  private static State stateOf(NodeState s) {
    return s == NodeState.UP ? State.UP : State.DRAINING;
  }
}

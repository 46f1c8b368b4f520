package io.ffrtmp.worker;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.NodeRegistration;
import io.ffrtmp.cluster.NodeState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A worker's registration against a stand-in master on a local bus: retries, the node's state,
 * registering again.
 */
class RegistrationTest {

  Vertx vertx;
  Context context;
  Registration registration;
  final AtomicInteger registrations = new AtomicInteger();
  final List<JsonObject> bodies = new CopyOnWriteArrayList<>();

  @BeforeEach
  void up() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    registration =
        new Registration(
            vertx,
            "node-a",
            Duration.ofSeconds(2),
            new DeliveryOptions().setSendTimeout(2000),
            id ->
                new NodeRegistration(
                    "node-a",
                    id,
                    "host-a",
                    new JsonObject(),
                    2,
                    new JsonArray().add("libx264"),
                    new JsonObject(),
                    new JsonObject(),
                    null),
            registrations::incrementAndGet);
  }

  @AfterEach
  void down() throws Exception {
    await(vertx.close(), 30);
  }

  /** A master that answers every registration with the node in {@code state}. */
  private void master(String state) throws Exception {
    await(
        vertx
            .eventBus()
            .<JsonObject>consumer(
                Addresses.NODE_REGISTER,
                m -> {
                  bodies.add(m.body());
                  m.reply(new JsonObject().put("node_id", "node-a").put("state", state));
                })
            .completion(),
        30);
  }

  /** Runs on the registration's context, as the worker verticle would. */
  private <T> T on(Supplier<T> call) throws Exception {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> p.complete(call.get()));
    return await(p.future(), 30);
  }

  @Test
  void itTriesAgainUntilAMasterAnswersThenTakesTheStateItGives() throws Exception {
    Future<Void> registered = on(registration::register);
    assertThat(on(registration::state)).isEqualTo(Registration.State.REGISTERING);
    Thread.sleep(1200); // the first try found no master; the next is a second later
    master("draining");
    await(registered, 30);
    assertThat(on(registration::state)).isEqualTo(Registration.State.DRAINING);
    assertThat(registrations).hasValue(1);
    assertThat(bodies)
        .singleElement()
        .satisfies(
            b -> {
              assertThat(b.getString("instance_id"))
                  .isEqualTo(registration.instanceId().toString());
              assertThat(b.getString("host")).isEqualTo("host-a");
              assertThat(b.getInteger("slots")).isEqualTo(2);
            });
    on(
        () -> {
          registration.answered(NodeState.UP);
          return null;
        });
    assertThat(on(registration::state)).isEqualTo(Registration.State.UP);
  }

  @Test
  void aHeartbeatRefusedAsNotRegisteredRegistersAgainAndAnOutageDoesNot() throws Exception {
    master("up");
    await(on(registration::register), 30);
    on(
        () -> {
          registration.unanswered(new ReplyException(ReplyFailure.TIMEOUT, "no master"));
          return null;
        });
    assertThat(on(registration::state)).isEqualTo(Registration.State.UP);
    on(
        () -> {
          registration.unanswered(
              new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Addresses.CONFLICT, "not yours"));
          return null;
        });
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (registrations.get() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(registrations).hasValue(2);
    assertThat(bodies)
        .extracting(b -> b.getString("instance_id"))
        .containsOnly(registration.instanceId().toString());
    assertThat(on(registration::registered)).isTrue();
  }

  @Test
  void afterStopNothingRegistersAndNoStateComesBack() throws Exception {
    master("up");
    await(on(registration::register), 30);
    on(
        () -> {
          registration.stop();
          registration.answered(NodeState.UP);
          registration.unanswered(
              new ReplyException(ReplyFailure.RECIPIENT_FAILURE, Addresses.CONFLICT, "not yours"));
          return null;
        });
    Thread.sleep(200);
    assertThat(on(registration::state)).isEqualTo(Registration.State.STOPPED);
    assertThat(registrations).hasValue(1);
    assertThat(UUID.fromString(bodies.get(0).getString("instance_id")))
        .isEqualTo(registration.instanceId());
  }
}

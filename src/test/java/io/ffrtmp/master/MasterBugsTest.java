package io.ffrtmp.master;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.master.store.JobStore;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A master whose store has no pool: every request that reaches the store meets a
 * NullPointerException, a bug, which is answered 500 and never passed off as the caller's malformed
 * body.
 */
class MasterBugsTest {

  static Vertx vertx;

  @BeforeAll
  static void up() throws Exception {
    vertx = Vertx.vertx();
    await(vertx.deployVerticle(new MasterVerticle(new JobStore(null))), 30);
  }

  @AfterAll
  static void down() throws Exception {
    await(vertx.close(), 30);
  }

  @Test
  void aNullPointerInAHandlerIsA500() {
    assertThatThrownBy(
            () -> await(vertx.eventBus().request(Addresses.NODE_LIST, new JsonObject()), 30))
        .isInstanceOf(ReplyException.class)
        .satisfies(
            e -> {
              assertThat(((ReplyException) e).failureCode())
                  .as(e.getMessage())
                  .isEqualTo(Addresses.INTERNAL);
              assertThat(e.getMessage()).contains(Addresses.NODE_LIST).doesNotContain("malformed");
            });
  }

  @Test
  void aMalformedBodyIsStillA400BeforeAnythingReachesTheStore() {
    JsonObject body =
        new JsonObject()
            .put("node_id", "n")
            .put("instance_id", UUID.randomUUID().toString())
            .put("max_jobs", "many");
    assertThatThrownBy(() -> await(vertx.eventBus().request(Addresses.WORK_REQUEST, body), 30))
        .isInstanceOf(ReplyException.class)
        .satisfies(
            e -> {
              assertThat(((ReplyException) e).failureCode()).isEqualTo(Addresses.BAD_REQUEST);
              assertThat(e.getMessage()).contains("max_jobs");
            });
  }
}

package io.ffrtmp.master;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.support.TestDatabases;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Malformed bodies on the master's addresses are answered 400 with what was wrong, never left
 * unanswered.
 */
class MasterBodiesTest {

  static Vertx vertx;
  static Pool pool;

  @BeforeAll
  static void up() throws Exception {
    vertx = Vertx.vertx();
    pool = await(TestDatabases.open(vertx, "embedded"), 120);
    await(vertx.deployVerticle(new MasterVerticle(new JobStore(pool))), 30);
  }

  @AfterAll
  static void down() throws Exception {
    await(vertx.close(), 30);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ffrtmp.master.campaign.submit|{\"campaign\": \"not an object\"}|body: malformed",
        "ffrtmp.master.campaign.submit|{\"campaign\": {\"repeat\": \"x\"}}|repeat",
        "ffrtmp.master.job.submit|{\"spec\": {\"video\": {\"encoder\": \"x264 &&"
            + " rm\"}}}|video.encoder",
        "ffrtmp.master.job.get|{\"job_id\": \"../../etc/passwd\"}|job_id",
        "ffrtmp.master.job.result|{\"job_id\": \"%s\", \"fencing_token\": \"seven\", \"state\":"
            + " \"succeeded\"}|body: malformed",
        "ffrtmp.master.node.register|{\"node_id\": \"n\", \"instance_id\": \"%s\", \"labels\":"
            + " [1]}|body: malformed",
        "ffrtmp.master.node.heartbeat|{\"node_id\": \"n\", \"instance_id\": \"%s\", \"running\":"
            + " [{\"job_id\": \"nope\"}]}|running[0].job_id",
        "ffrtmp.master.node.drain|{}|node_id",
        "ffrtmp.master.work.request|{\"node_id\": \"n\", \"instance_id\": \"%s\", \"max_jobs\":"
            + " 0}|max_jobs",
        "ffrtmp.master.work.request|{\"node_id\": \"n\", \"instance_id\": \"%s\", \"max_jobs\":"
            + " 100000}|max_jobs",
        "ffrtmp.master.job.updates|{\"node_id\": \"n\"}|updates",
        "ffrtmp.master.job.updates|{\"node_id\": \"n\", \"updates\": []}|updates",
        "ffrtmp.master.job.updates|{\"node_id\": \"n\", \"updates\": [\"x\"]}|body: malformed",
        "ffrtmp.master.job.updates|{\"updates\": [{\"job_id\": \"%s\", \"fencing_token\": 1,"
            + " \"state\": \"running\"}, {\"job_id\": \"no\"}]}|updates[1].job_id",
        "ffrtmp.master.job.updates|{\"updates\": [{\"job_id\": \"%s\", \"state\":"
            + " \"running\"}]}|updates[0].fencing_token",
        "ffrtmp.master.job.updates|{\"updates\": [{\"job_id\": \"%s\", \"fencing_token\": 1,"
            + " \"state\": \"queued\"}]}|updates[0].state"
      })
  void malformedBodiesAreA400NamingWhatWasWrong(String address, String body, String expected) {
    JsonObject json = new JsonObject(body.replace("%s", UUID.randomUUID().toString()));
    assertThatThrownBy(
            () ->
                await(
                    vertx
                        .eventBus()
                        .request(address, json, new DeliveryOptions().setSendTimeout(10_000)),
                    30))
        .isInstanceOf(ReplyException.class)
        .satisfies(
            e -> {
              assertThat(((ReplyException) e).failureCode())
                  .as(e.getMessage())
                  .isEqualTo(Addresses.BAD_REQUEST);
              assertThat(e.getMessage()).contains(expected);
            });
  }

  @Test
  void noBodyIsA400Too() {
    assertThatThrownBy(() -> await(vertx.eventBus().request(Addresses.NODE_LIST, null), 30))
        .isInstanceOf(ReplyException.class)
        .hasMessageContaining("body: required");
  }
}

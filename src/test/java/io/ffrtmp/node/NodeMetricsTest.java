package io.ffrtmp.node;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.ffrtmp.cluster.Addresses;
import io.micrometer.core.instrument.Meter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Event-bus meters exist only for ffrtmp's fixed addresses: a reply address (random per request) or
 * another application's address never becomes a label value.
 */
class NodeMetricsTest {

  @Test
  void onlyFfrtmpAddressesBecomeLabels() throws Exception {
    try (NodeMetrics metrics = new NodeMetrics()) {
      Vertx vertx =
          Vertx.builder()
              .with(metrics.options(new VertxOptions()))
              .withMetrics(metrics.factory())
              .build();
      try {
        vertx.eventBus().<JsonObject>consumer(Addresses.JOB_GET, m -> m.reply(new JsonObject()));
        vertx.eventBus().<JsonObject>consumer("other.app.42", m -> m.reply(new JsonObject()));
        for (int i = 0; i < 3; i++) {
          await(vertx.eventBus().request(Addresses.JOB_GET, new JsonObject()), 10);
          await(
              vertx
                  .eventBus()
                  .request(
                      "other.app.42", new JsonObject(), new DeliveryOptions().setLocalOnly(true)),
              10);
        }
        List<String> addresses =
            metrics.registry().getMeters().stream()
                .map(Meter::getId)
                .map(id -> id.getTag("address"))
                .filter(a -> a != null)
                .distinct()
                .toList();
        assertThat(addresses).containsExactly(Addresses.JOB_GET);
        assertThat(metrics.registry().scrape())
            .contains("vertx_eventbus_sent_total{address=\"ffrtmp.master.job.get\"")
            .doesNotContain("other.app")
            .doesNotContain("__vertx");
      } finally {
        await(vertx.close(), 30);
      }
    }
  }

  @Test
  void theAddressSetIsEveryAddressConstant() {
    assertThat(NodeMetrics.ADDRESSES)
        .contains(Addresses.WORK_REQUEST, Addresses.JOB_EVENTS, Addresses.WORKER_CANCEL)
        .allSatisfy(a -> assertThat(a).startsWith("ffrtmp."));
  }
}

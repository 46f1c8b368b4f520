package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.ffrtmp.power.EnergyMeter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Before the encode, waits until the node's power is back within the spec's margin of the idle baseline, so the heat
 * of the previous job does not count against this one; records what happened. The job runs either way.
 */
final class SettleWait {

  private final Vertx vertx;
  private final EnergyMeter meter;

  SettleWait(Vertx vertx, EnergyMeter meter) {
    this.vertx = vertx;
    this.meter = meter;
  }

  /**
   * Waits, one-second reading at a time, until the node's power is within the spec's margin of the idle baseline or
   * the spec's limit has passed.
   */
  Future<Void> run(JobContext job) {
    double maxS = job.spec().measure().settleMaxS();
    if (maxS <= 0) {
      return Future.succeededFuture();
    }
    JsonObject idleBaseline = job.idleBaseline();
    if (idleBaseline == null || idleBaseline.getDouble("avg_watts") == null) {
      job.result().put("settle", new JsonObject().put("settled", false)
        .put("reason", "no idle baseline measured on this node"));
      return Future.succeededFuture();
    }
    double limitW = idleBaseline.getDouble("avg_watts") * (1 + job.spec().measure().settleWithin());
    long startNs = System.nanoTime();
    return vertx.executeBlocking(() -> {
      double watts;
      do {
        watts = meter.measureIdle(Duration.ofMillis(Math.max(1000, meter.config().pollIntervalMs()))).avgWatts();
        job.active();
      } while (watts > limitW && (System.nanoTime() - startNs) / 1e9 < maxS && !job.canceled());
      return watts;
    }, false).map(watts -> {
      job.result().put("settle", new JsonObject()
        .put("settled", watts <= limitW)
        .put("waited_s", round((System.nanoTime() - startNs) / 1e9, 2))
        .put("last_watts", round(watts, 3))
        .put("limit_watts", round(limitW, 3)));
      return null;
    });
  }
}

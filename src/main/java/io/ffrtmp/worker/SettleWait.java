package io.ffrtmp.worker;

import static io.ffrtmp.worker.Decimals.round;

import io.ffrtmp.power.EnergyMeter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Before the encode, waits until the node's power is back within the spec's margin of the idle
 * baseline, so the heat of the previous job does not count against this one; records what happened.
 * The job runs either way.
 */
final class SettleWait {

  private final Vertx vertx;
  private final EnergyMeter meter;

  SettleWait(Vertx vertx, EnergyMeter meter) {
    this.vertx = vertx;
    this.meter = meter;
  }

  /**
   * Takes one-second readings until the node's power is within the spec's margin of the idle
   * baseline, the spec's limit has passed or the job is canceled. Each reading is its own short
   * step on a worker thread and the next one is started from the job's context, so no thread is
   * held for the whole wait and a cancel is seen between readings. A reading that fails fails the
   * wait.
   */
  Future<Void> run(JobContext job) {
    double maxS = job.spec().measure().settleMaxS();
    if (maxS <= 0) {
      return Future.succeededFuture();
    }
    JsonObject idleBaseline = job.idleBaseline();
    if (idleBaseline == null || idleBaseline.getDouble("avg_watts") == null) {
      job.result()
          .put(
              "settle",
              new JsonObject()
                  .put("settled", false)
                  .put("reason", "no idle baseline measured on this node"));
      return Future.succeededFuture();
    }
    double limitW = idleBaseline.getDouble("avg_watts") * (1 + job.spec().measure().settleWithin());
    Readings readings = new Readings(job, limitW, maxS);
    readings.next();
    return readings
        .lastWatts
        .future()
        .map(
            watts -> {
              job.result()
                  .put(
                      "settle",
                      new JsonObject()
                          .put("settled", watts <= limitW)
                          .put("waited_s", round(readings.elapsedS(), 2))
                          .put("last_watts", round(watts, 3))
                          .put("limit_watts", round(limitW, 3)));
              return null;
            });
  }

  /**
   * One wait: a reading at a time until one is low enough, the time is up or the job is canceled.
   */
  private final class Readings {

    private final JobContext job;
    private final double limitW;
    private final double maxS;
    private final Duration each =
        Duration.ofMillis(Math.max(1000, meter.config().pollIntervalMs()));
    private final long startNs = System.nanoTime();
    private final Promise<Double> lastWatts = Promise.promise();

    Readings(JobContext job, double limitW, double maxS) {
      this.job = job;
      this.limitW = limitW;
      this.maxS = maxS;
    }

    double elapsedS() {
      return (System.nanoTime() - startNs) / 1e9;
    }

    void next() {
      vertx
          .executeBlocking(() -> meter.measureIdle(each).avgWatts(), false)
          .onComplete(
              reading -> {
                if (reading.failed()) {
                  lastWatts.fail(reading.cause());
                  return;
                }
                job.active();
                double watts = reading.result();
                if (watts > limitW && elapsedS() < maxS && !job.canceled()) {
                  next();
                } else {
                  lastWatts.complete(watts);
                }
              });
    }
  }
}

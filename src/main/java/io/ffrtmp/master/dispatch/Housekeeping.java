package io.ffrtmp.master.dispatch;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.ClusterSetup;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.master.store.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leading master's chores. Every master runs one; the one holding a PostgreSQL advisory lock
 * (on a connection of its own, so the lock dies with the master or its connection) leads. Each
 * sweep: nodes silent for a lease length, or gone from the cluster, become lost; their leases and
 * every expired lease go back to the queue; stalled attempts are retried; due retries are queued. A
 * master that becomes leader first gives every live lease one more lease length, so a change of
 * leader never expires a lease by itself.
 */
public final class Housekeeping extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(Housekeeping.class);

  /** The advisory lock key: the bytes of "ffrtmp-l" as a number. */
  static final long LOCK_KEY = 0x666672746d702d6cL;

  private final JobStore store;
  private final NodeStore nodes;
  private final PgConnectOptions db;
  private final String masterId;
  private PgConnection lockConn;
  private volatile boolean leader; // read by the leader gauge on scrapes
  private boolean busy;
  private long timer = -1;

  public Housekeeping(JobStore store, PgConnectOptions db, String masterId) {
    this.store = store;
    this.nodes = new NodeStore(store.pool());
    this.db = db;
    this.masterId = masterId;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(0, store.settings().sweep().toMillis(), t -> tick());
    return Future.succeededFuture();
  }

  /** Whether this master leads housekeeping now. */
  public boolean leader() {
    return leader;
  }

  private void tick() {
    if (busy) {
      return;
    }
    busy = true;
    (leader ? sweep() : tryLead())
        .onComplete(
            ar -> {
              busy = false;
              if (ar.failed()) {
                LOG.warn("housekeeping: {}", ar.cause().toString());
              }
            });
  }

  private Future<Void> tryLead() {
    Future<PgConnection> conn =
        lockConn != null
            ? Future.succeededFuture(lockConn)
            : PgConnection.connect(vertx, db)
                .onSuccess(
                    c -> {
                      lockConn = c;
                      c.closeHandler(v -> lostLock("its database connection closed"));
                      c.exceptionHandler(
                          e -> LOG.debug("housekeeping lock connection: {}", e.toString()));
                    });
    return conn.compose(
            c ->
                c.preparedQuery("SELECT pg_try_advisory_lock($1) AS got")
                    .execute(Tuple.of(LOCK_KEY)))
        .compose(
            rows -> {
              if (!rows.iterator().next().getBoolean("got")) {
                return Future.succeededFuture();
              }
              return store
                  .leaderGrace(masterId)
                  .map(
                      v -> {
                        leader = true;
                        LOG.info("master {} now leads housekeeping", masterId);
                        return null;
                      });
            });
  }

  private void lostLock(String why) {
    lockConn = null;
    if (leader) {
      leader = false;
      LOG.warn("master {} no longer leads housekeeping: {}", masterId, why);
    }
  }

  private Future<Void> sweep() {
    List<String> members = ClusterSetup.members(vertx);
    return nodes
        .markLost(store.settings().lease(), members)
        .compose(
            lost -> {
              lost.forEach(
                  id ->
                      LOG.warn(
                          "node {} lost: no heartbeat for {} ms or it left the cluster",
                          id,
                          store.settings().lease().toMillis()));
              return store.sweep(masterId);
            })
        .compose(
            moved -> {
              boolean requeued = false;
              for (JobStore.Moved m : moved) {
                LOG.info(
                    "job {} (attempt {}): {} → {}: {}",
                    m.jobId(),
                    m.attempt(),
                    m.from().id(),
                    m.to().id(),
                    m.reason());
                if (m.to().id().equals("retry_wait") && m.nodeId() != null) {
                  // A stalled attempt: stop what may still run of it.
                  vertx
                      .eventBus()
                      .publish(
                          Addresses.WORKER_CANCEL,
                          new JsonObject()
                              .put("job_id", m.jobId().toString())
                              .put("reason", m.reason()));
                }
                vertx.eventBus().publish(Addresses.JOB_EVENTS, m.event().toJson());
                requeued |= m.to().id().equals("queued");
              }
              if (requeued) {
                vertx.eventBus().publish(Addresses.JOBS_AVAILABLE, new JsonObject());
              }
              return store.markLeader(masterId);
            });
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    PgConnection c = lockConn;
    lockConn = null;
    leader = false;
    return c == null ? Future.succeededFuture() : c.close();
  }
}

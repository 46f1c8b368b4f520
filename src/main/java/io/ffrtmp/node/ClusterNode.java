package io.ffrtmp.node;

import static io.ffrtmp.node.Blocking.await;

import io.ffrtmp.cluster.ClusterOptions;
import io.ffrtmp.cluster.ClusterSetup;
import io.ffrtmp.hardware.HardwareProbe;
import io.ffrtmp.live.RtmpServer;
import io.ffrtmp.master.MasterMeters;
import io.ffrtmp.master.MasterVerticle;
import io.ffrtmp.master.dispatch.Housekeeping;
import io.ffrtmp.master.store.Database;
import io.ffrtmp.master.store.EmbeddedPostgres;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.worker.WorkerConfig;
import io.ffrtmp.worker.WorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.InetAddress;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A clustered node: a master (job store, dispatch, housekeeping) or a worker (runs jobs), joined to
 * the others over Hazelcast and the event bus. {@link #close} leaves the cluster cleanly (workers
 * finish reporting, masters hand over the housekeeping lock), so SIGTERM is the way to stop one.
 */
public final class ClusterNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  private final Vertx vertx;
  private final EmbeddedPostgres embedded;
  private final NodeIdentity identity;
  private final JobStore store;
  private final String id;
  private final NodeMetrics metrics;
  private final HttpServer metricsServer;
  private RtmpServer rtmp;

  private ClusterNode(
      Vertx vertx,
      EmbeddedPostgres embedded,
      NodeIdentity identity,
      JobStore store,
      String id,
      NodeMetrics metrics,
      HttpServer metricsServer) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.metricsServer = metricsServer;
    this.embedded = embedded;
    this.identity = identity;
    this.store = store;
    this.id = id;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The master's job store; null on a worker. */
  public JobStore store() {
    return store;
  }

  public String id() {
    return id;
  }

  /** This node's registry: Vert.x's and the JVM's meters (a master's API adds its own). */
  public NodeMetrics metrics() {
    return metrics;
  }

  /** A worker's embedded RTMP server ({@code --rtmp-server embedded}); null otherwise. */
  public RtmpServer rtmp() {
    return rtmp;
  }

  /** The port a worker serves {@code /metrics} on; 0 when it serves none (masters, or off). */
  public int metricsPort() {
    return metricsServer == null ? 0 : metricsServer.actualPort();
  }

  /**
   * Blocking: starts the database (embedded unless {@code --db}), joins the cluster and deploys the
   * master.
   */
  public static ClusterNode master(ClusterNodeConfig c) throws Exception {
    NodeConfig o = c.node();
    NodeIdentity identity = NodeIdentity.acquire(o.dataDir());
    EmbeddedPostgres embedded = null;
    Vertx vertx = null;
    NodeMetrics metrics = new NodeMetrics();
    try {
      PgConnectOptions db;
      if (o.dbUri() == null) {
        embedded = EmbeddedPostgres.start(o.dataDir());
        db = Database.parse(embedded.uri());
      } else {
        db = Database.parse(o.dbUri());
      }
      vertx =
          await(
              ClusterSetup.start(
                  c.cluster(), metrics.options(new VertxOptions()), metrics.factory()),
              120);
      Pool pool = await(Database.open(vertx, db, embedded != null), 120);
      JobStore store = new JobStore(pool, c.dispatch());
      // Each master process is its own: the id names it in the leader table and in job events.
      String masterId =
          "master-" + identity.id() + "-" + UUID.randomUUID().toString().substring(0, 4);
      Housekeeping housekeeping = new Housekeeping(store, db, masterId);
      MasterMeters masterMeters = new MasterMeters(metrics.registry(), store, housekeeping::leader);
      await(vertx.deployVerticle(new MasterVerticle(store, c.maxCampaignJobs(), masterMeters)), 60);
      await(vertx.deployVerticle(housekeeping), 60);
      LOG.info(
          "master {} up: cluster {} on {}:{}, database {}",
          masterId,
          c.cluster().name(),
          c.cluster().host(),
          c.cluster().port(),
          embedded != null
              ? "embedded in " + o.dataDir()
              : db.getHost() + ":" + db.getPort() + "/" + db.getDatabase());
      return new ClusterNode(vertx, embedded, identity, store, masterId, metrics, null);
    } catch (Exception e) {
      closeAll(vertx, embedded, identity, metrics);
      throw e;
    }
  }

  /**
   * Blocking: joins the cluster and deploys the worker, which registers with a master (waiting for
   * one).
   */
  public static ClusterNode worker(ClusterNodeConfig c) throws Exception {
    NodeConfig o = c.node();
    NodeIdentity identity = NodeIdentity.acquire(o.dataDir());
    Vertx vertx = null;
    NodeMetrics metrics = new NodeMetrics();
    RtmpServer rtmp = null;
    try {
      if (o.rtmp().embedded()) {
        rtmp = RtmpServer.start(o.dataDir(), o.rtmp());
      }
      vertx =
          await(
              ClusterSetup.start(
                  c.cluster(), metrics.options(new VertxOptions()), metrics.factory()),
              120);
      WorkerConfig wc =
          new WorkerConfig(
              identity.id(),
              o.dataDir().resolve("work"),
              o.dataDir().resolve("output"),
              o.ffmpeg(),
              o.power(),
              5_000,
              o.slots(),
              o.mediaRoots(),
              c.labels(),
              c.dispatch().heartbeat(),
              o.dataDir().resolve("spool"),
              o.rtmp().applicationUrl(),
              o.workerLiveHosts(),
              o.qualityFfmpeg(),
              o.vmafModel());
      HttpServer metricsServer =
          c.metrics().enabled()
              ? await(MetricsServer.start(vertx, c.metrics(), metrics.registry()), 30)
              : null;
      LOG.info(
          "worker {} joining cluster {} on {}:{}",
          identity.id(),
          c.cluster().name(),
          c.cluster().host(),
          c.cluster().port());
      String metricsAddress =
          metricsServer == null
              ? null
              : c.metrics().advertised(metricsServer.actualPort(), advertisedHost(c.cluster()));
      WorkerVerticle worker = new WorkerVerticle(wc, metrics.registry(), metricsAddress);
      PowerMetrics.register(
          metrics.registry(),
          worker::meter,
          identity.id(),
          "worker",
          HardwareProbe.procOnly(o.power().procRoot()).cpu());
      await(vertx.deployVerticle(worker), 24 * 3600);
      ClusterNode node =
          new ClusterNode(vertx, null, identity, null, identity.id(), metrics, metricsServer);
      node.rtmp = rtmp;
      return node;
    } catch (Exception e) {
      closeAll(vertx, null, identity, metrics, rtmp);
      throw e;
    }
  }

  @Override
  public void close() {
    closeAll(vertx, embedded, identity, metrics, rtmp);
  }

  /** The cluster host when it names one address, else this machine's name (blocking lookup). */
  private static String advertisedHost(ClusterOptions cluster) {
    if (!MetricsEndpoint.wildcard(cluster.host())) {
      return cluster.host();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }

  private static void closeAll(
      Vertx vertx, EmbeddedPostgres embedded, NodeIdentity identity, NodeMetrics metrics) {
    closeAll(vertx, embedded, identity, metrics, null);
  }

  private static void closeAll(
      Vertx vertx,
      EmbeddedPostgres embedded,
      NodeIdentity identity,
      NodeMetrics metrics,
      RtmpServer rtmp) {
    if (vertx != null) {
      try {
        await(vertx.close(), 60);
      } catch (Exception e) {
        LOG.warn("closing: {}", e.toString());
      }
    }
    metrics.close(); // after Vert.x, which reports into it to the end
    if (rtmp != null) {
      rtmp.close(); // after the worker, whose live jobs use it
    }
    if (embedded != null) {
      embedded.close();
    }
    identity.close();
  }
}

package io.ffrtmp.cli;

import io.ffrtmp.cli.options.ApiOptions;
import io.ffrtmp.cli.options.NodeOptions;
import io.ffrtmp.live.RtmpConfig;
import io.ffrtmp.live.RtmpServer;
import io.ffrtmp.master.api.ApiConfig;
import io.ffrtmp.master.api.ApiServer;
import io.ffrtmp.master.api.MetricsAccess;
import io.ffrtmp.master.store.Database;
import io.ffrtmp.master.store.NodeStore;
import io.ffrtmp.node.Blocking;
import io.ffrtmp.node.ClusterNode;
import io.ffrtmp.node.NodeIdentity;
import io.ffrtmp.worker.WorkerVerticle;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a master or a worker until SIGTERM or Ctrl-C, then leaves the cluster cleanly. Exit 2 on bad
 * flags, 1 on failure.
 */
public final class NodeMain {

  private NodeMain() {}

  /** {@code api}: the REST API's flags (a master serves it); null for a worker. */
  public static int run(boolean master, NodeOptions options, ApiOptions api) {
    String problem = options.check();
    if (problem != null) {
      System.err.println(problem);
      return 2;
    }
    if (master && options.rtmp().mode() != RtmpConfig.Mode.OFF) {
      System.err.println(
          "--rtmp-server: only for --role standalone or worker (a master runs no live jobs)");
      return 2;
    }
    ApiConfig apiConfig = null;
    if (master) {
      try {
        apiConfig =
            api.apiConfig(options.dataDir(), options.mediaRoots).withLiveHosts(options.liveHosts());
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 2;
      }
    }
    if (options.dbUri() != null) {
      try {
        Database.parse(options.dbUri());
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        return 2;
      }
    }
    CommandLogging.nodeLog();
    CommandLogging.quietPowerLog();
    ClusterNode node;
    try {
      node =
          master
              ? ClusterNode.master(
                  options.clusterNodeConfig().withMaxCampaignJobs(apiConfig.maxCampaignJobs()))
              : ClusterNode.worker(options.clusterNodeConfig().withMetrics(options.metrics()));
    } catch (NodeIdentity.InUseException | WorkerVerticle.NodeIdTakenException e) {
      System.err.println(e.getMessage());
      return 1;
    } catch (RtmpServer.MissingException e) {
      System.err.println(e.getMessage());
      return 3;
    } catch (Exception e) {
      System.err.println((master ? "master" : "worker") + " could not start: " + e);
      return 1;
    }
    ApiServer server = null;
    if (master) {
      try {
        server =
            Blocking.await(
                ApiServer.start(
                    node.vertx(),
                    apiConfig,
                    node.store(),
                    new NodeStore(node.store().pool()),
                    node.metrics().registry(),
                    new MetricsAccess(node.id(), "master", options.metricsToken())),
                60);
      } catch (Exception e) {
        node.close();
        System.err.println(
            "the API could not start on "
                + apiConfig.bind()
                + ":"
                + apiConfig.port()
                + ": "
                + e.getMessage());
        return 1;
      }
      System.out.println(
          "API at "
              + server.url(apiConfig.bind())
              + "/api/v1; admin key: "
              + server.adminKeyFile()
              + (server.adminKeyCreated() ? " (made now; mode 0600)" : " (mode 0600)"));
      System.out.println("web UI at " + server.url(apiConfig.bind()) + "/");
      System.out.println("metrics at " + server.url(apiConfig.bind()) + "/metrics");
      if (server.certificate() != null) {
        System.out.println(
            "certificate: " + server.certificate() + " (clients elsewhere use --ca FILE)");
      }
    }
    if (!master) {
      System.out.println(
          node.metricsPort() == 0
              ? "metrics: off (--metrics-port 0)"
              : "metrics at http://" + options.metricsBind + ":" + node.metricsPort() + "/metrics");
      System.out.println(options.rtmp().describe());
      if (node.rtmp() != null) {
        System.out.println("rtmp statistics at " + node.rtmp().statsUrl());
      }
    }
    System.out.println(
        (master ? "master " : "worker ") + node.id() + " running; stop it with Ctrl-C or SIGTERM");
    System.out.flush();
    CountDownLatch closed = new CountDownLatch(1);
    ApiServer api0 = server;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (api0 != null) {
                    try {
                      Blocking.await(api0.close(), 10);
                    } catch (Exception e) {
                      // stopping anyway
                    }
                  }
                  node.close();
                  closed.countDown();
                },
                "ffrtmp-shutdown"));
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}

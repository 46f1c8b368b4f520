package io.ffrtmp.master.api;

import io.ffrtmp.cluster.NodeState;
import io.ffrtmp.job.JobSpec;
import io.ffrtmp.job.JobState;
import io.ffrtmp.master.store.NodeStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's meters in the node's registry: jobs by state ({@code ffrtmp_jobs{state}}) and queued
 * jobs by queue and priority ({@code ffrtmp_queued_jobs{queue,priority}}) from one query, and nodes
 * by state ({@code ffrtmp_nodes{state}}) from the node list that service discovery serves, both
 * refreshed every {@link #REFRESH_MS}, never per scrape, so scrapers cannot load the database; API
 * answers by status class ({@code ffrtmp_api_responses_total{class}}) and rate-limited answers
 * ({@code ffrtmp_api_rate_limited_total}). {@link #close} removes them again.
 */
final class ApiMeters {

  static final long REFRESH_MS = 5_000;

  private static final Logger LOG = LoggerFactory.getLogger(ApiMeters.class);
  private static final String JOBS_BY_STATE =
      "SELECT state, queue_rank, priority_rank, count(*) AS n FROM jobs"
          + " GROUP BY state, queue_rank, priority_rank";

  private static final int QUEUES = JobSpec.Queue.values().length;
  private static final int PRIORITIES = JobSpec.Priority.values().length;

  private final Vertx vertx;
  private final MeterRegistry registry;
  private final Pool pool;
  private final NodeStore nodes;
  private final AtomicLongArray jobs = new AtomicLongArray(JobState.values().length);
  private final AtomicLongArray queued = new AtomicLongArray(QUEUES * PRIORITIES);
  private final AtomicLongArray nodesByState = new AtomicLongArray(NodeState.values().length);
  private volatile List<NodeStore.Target> targets = List.of();
  private final Counter[] byClass = new Counter[6]; // [1] to [5]: 1xx to 5xx
  private final Counter rateLimited;
  private final List<Meter> meters = new ArrayList<>();
  private volatile boolean closed;
  private long timer = -1;

  ApiMeters(Vertx vertx, MeterRegistry registry, Pool pool, NodeStore nodes) {
    this.vertx = vertx;
    this.registry = registry;
    this.pool = pool;
    this.nodes = nodes;
    for (JobSpec.Queue q : JobSpec.Queue.values()) {
      for (JobSpec.Priority p : JobSpec.Priority.values()) {
        int i = q.rank() * PRIORITIES + p.rank();
        meters.add(
            Gauge.builder("ffrtmp.queued.jobs", queued, a -> a.get(i))
                .description("Queued jobs by queue and priority (refreshed every 5 s).")
                .tags("queue", q.id(), "priority", p.id())
                .register(registry));
      }
    }
    for (NodeState s : NodeState.values()) {
      meters.add(
          Gauge.builder("ffrtmp.nodes", nodesByState, a -> a.get(s.ordinal()))
              .description("Nodes by state (refreshed every 5 s).")
              .tag("state", s.id())
              .register(registry));
    }
    for (JobState s : JobState.values()) {
      meters.add(
          Gauge.builder("ffrtmp.jobs", jobs, a -> a.get(s.ordinal()))
              .description("Jobs in the store by state (refreshed every 5 s).")
              .tag("state", s.id())
              .register(registry));
    }
    for (int c = 1; c <= 5; c++) {
      byClass[c] =
          Counter.builder("ffrtmp.api.responses")
              .description("API answers by status class.")
              .tag("class", c + "xx")
              .register(registry);
      meters.add(byClass[c]);
    }
    rateLimited =
        Counter.builder("ffrtmp.api.rate.limited")
            .description("Requests answered 429.")
            .register(registry);
    meters.add(rateLimited);
  }

  /** Completes after the first refresh, so the first scrape already has the store's counts. */
  Future<Void> start() {
    return refresh().onComplete(v -> rearm());
  }

  void answered(int status) {
    byClass[Math.min(5, Math.max(1, status / 100))].increment();
  }

  /** Every node the store knows, as of the last refresh. */
  List<NodeStore.Target> targets() {
    return targets;
  }

  void rateLimited() {
    rateLimited.increment();
  }

  void close() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    meters.forEach(registry::remove);
  }

  private void rearm() {
    if (!closed) {
      timer = vertx.setTimer(REFRESH_MS, t -> refresh().onComplete(v -> rearm()));
    }
  }

  /** A failed query keeps the last counts: a scrape during a database outage is still answered. */
  private Future<Void> refresh() {
    Future<Void> byState =
        pool.query(JOBS_BY_STATE)
            .execute()
            .map(
                rows -> {
                  long[] counts = new long[JobState.values().length];
                  long[] waiting = new long[QUEUES * PRIORITIES];
                  for (Row r : rows) {
                    JobState state = JobState.of(r.getString("state"));
                    long n = r.getLong("n");
                    counts[state.ordinal()] += n;
                    int q = r.getShort("queue_rank");
                    int p = r.getShort("priority_rank");
                    if (state == JobState.QUEUED && q < QUEUES && p < PRIORITIES) {
                      waiting[q * PRIORITIES + p] += n;
                    }
                  }
                  for (int i = 0; i < counts.length; i++) {
                    jobs.set(i, counts[i]);
                  }
                  for (int i = 0; i < waiting.length; i++) {
                    queued.set(i, waiting[i]);
                  }
                  return (Void) null;
                })
            .otherwise(
                e -> {
                  LOG.debug("jobs by state not refreshed: {}", e.toString());
                  return null;
                });
    Future<Void> byNode =
        nodes
            .targets()
            .map(
                list -> {
                  long[] counts = new long[NodeState.values().length];
                  list.forEach(t -> counts[t.state().ordinal()]++);
                  for (int i = 0; i < counts.length; i++) {
                    nodesByState.set(i, counts[i]);
                  }
                  targets = List.copyOf(list);
                  return (Void) null;
                })
            .otherwise(
                e -> {
                  LOG.debug("nodes not refreshed: {}", e.toString());
                  return null;
                });
    return Future.join(byState, byNode).mapEmpty();
  }
}

package io.ffrtmp.bench;

import static io.ffrtmp.support.Await.await;

import com.sun.management.OperatingSystemMXBean;
import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.ClusterOptions;
import io.ffrtmp.cluster.ClusterSetup;
import io.ffrtmp.cluster.SimulatedWorker;
import io.ffrtmp.master.store.Database;
import io.ffrtmp.master.store.EmbeddedPostgres;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;

/**
 * Benchmark, not a test: dispatch through one master. The master is the fat jar in a JVM of its own
 * ({@code --role master} on an embedded PostgreSQL this process starts), so its CPU time and RSS
 * are read from /proc alone; this process hosts simulated workers (no FFmpeg) on two cluster
 * members and the submitting client on a third. (a) throughput: WORKERS one-slot workers drain JOBS
 * queued jobs (claim, start, result per job, each a request over the clustered event bus); (b)
 * latency: one idle worker, one job submitted at a time, submit reply to the master's
 * acknowledgement of JOB_STARTED; (c) footprint: NODES simulated nodes heartbeating every 2 s and
 * asking for work as an idle worker does, master CPU over a window minus the same window with no
 * node. Usage: {@code java -cp target/ffrtmp.jar:target/test-classes io.ffrtmp.bench.DispatchBench
 * DIR [JOBS WORKERS SAMPLES NODES WINDOW_S SLOTS]}
 */
public final class DispatchBench {

  private static final DeliveryOptions CALL = new DeliveryOptions().setSendTimeout(60_000);
  private static final long TICK = pageTicks();

  private DispatchBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int jobs = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
    int workers = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int samples = args.length > 3 ? Integer.parseInt(args[3]) : 200;
    int nodes = args.length > 4 ? Integer.parseInt(args[4]) : 200;
    int windowS = args.length > 5 ? Integer.parseInt(args[5]) : 30;
    int slots = args.length > 6 ? Integer.parseInt(args[6]) : 8;

    EmbeddedPostgres pg = EmbeddedPostgres.start(dir.resolve("pg"));
    Process master = null;
    List<Vertx> members = new ArrayList<>();
    try {
      Vertx once = Vertx.vertx();
      Pool setup = await(Database.open(once, Database.parse(pg.uri()), true), 120);
      // PG_SYNCHRONOUS_COMMIT=off: a diagnosis only, to see how much of a job is waiting for the
      // WAL flush.
      String sync = System.getenv("PG_SYNCHRONOUS_COMMIT");
      if (sync != null) {
        await(
            setup
                .query(
                    "ALTER SYSTEM SET synchronous_commit = " + (sync.equals("off") ? "off" : "on"))
                .execute()
                .compose(r -> setup.query("SELECT pg_reload_conf()").execute()),
            30);
        System.out.println("PostgreSQL synchronous_commit = " + sync);
      }
      // PG_STATEMENTS=1: a diagnosis only; PostgreSQL's own time per statement, printed at the end.
      boolean statements = System.getenv("PG_STATEMENTS") != null;
      if (statements) {
        await(
            setup
                .query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
                .execute(),
            30);
      }
      setup.close();
      if (statements) {
        pg.restart();
        Pool ext = await(Database.open(once, Database.parse(pg.uri()), true), 120);
        await(ext.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute(), 30);
        ext.close();
      }
      await(once.close(), 30);

      String name = "b" + UUID.randomUUID().toString().substring(0, 8);
      int base = 12_000 + ThreadLocalRandom.current().nextInt(0, 100) * 20;
      List<String> join = IntStream.range(0, 4).mapToObj(i -> "127.0.0.1:" + (base + i)).toList();
      master = startMaster(dir, pg.uri(), name, base, join);
      for (int i = 1; i <= 3; i++) {
        members.add(
            await(
                ClusterSetup.start(
                    new ClusterOptions("127.0.0.1", join, base + i, name, 0, null),
                    new VertxOptions()),
                120));
      }
      Vertx client = members.get(0);
      System.out.printf(
          "machine: %d CPUs, %s %s; master pid %d%n",
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.vm.name"),
          System.getProperty("java.version"),
          master.pid());
      long pgPid =
          Long.parseLong(Files.readAllLines(pg.pgData().resolve("postmaster.pid")).get(0).trim());

      // Warm-up: the same path, smaller, so JIT and connections are in place on every side.
      Pool stats =
          statements ? await(Database.open(client, Database.parse(pg.uri()), false), 60) : null;
      for (int s : slots == 1 ? List.of(1) : List.of(1, slots)) {
        throughput(
            client, members, dir, Math.min(1000, jobs), workers, s, master.pid(), pgPid, false);
        if (stats != null) {
          await(stats.query("SELECT pg_stat_statements_reset()").execute(), 30);
        }
        throughput(client, members, dir, jobs, workers, s, master.pid(), pgPid, true);
        if (stats != null) {
          printStatements(stats);
        }
      }
      latency(client, members.get(1), samples);
      footprint(client, members, nodes, windowS, master.pid(), pgPid);
    } finally {
      for (Vertx v : members) {
        await(v.close(), 60);
      }
      if (master != null) {
        master.destroy();
        master.waitFor();
      }
      pg.close();
    }
  }

  /** PostgreSQL's own account of the run just measured: its statements by total time. */
  private static void printStatements(Pool q) throws Exception {
    System.out.println("    PostgreSQL statements by total time (ms, calls, ms per call, rows):");
    for (var r :
        await(
            q.query(
                    "SELECT total_exec_time, calls, rows, left(regexp_replace(query, '\\s+', ' ',"
                        + " 'g'), 80) AS q FROM pg_stat_statements ORDER BY total_exec_time DESC"
                        + " LIMIT 8")
                .execute(),
            30)) {
      System.out.printf(
          "    %8.0f %6d %7.3f %6d  %s%n",
          r.getDouble(0),
          r.getLong(1),
          r.getDouble(0) / r.getLong(1),
          r.getLong(2),
          r.getString(3));
    }
  }

  private static Process startMaster(Path dir, String db, String name, int port, List<String> join)
      throws Exception {
    Path out = dir.resolve("master.out");
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    // MASTER_JAVA_OPTS: extra options for the master's JVM (a profiler, a heap limit); none by
    // default.
    String extra = System.getenv().getOrDefault("MASTER_JAVA_OPTS", "").trim();
    if (!extra.isEmpty()) {
      cmd.addAll(List.of(extra.split("\\s+")));
    }
    cmd.addAll(
        List.of(
            "-jar",
            Path.of("target", "ffrtmp.jar").toAbsolutePath().toString(),
            "--role",
            "master",
            "--db",
            db,
            "--port",
            "0",
            "--data-dir",
            dir.resolve("master").toString(),
            "--cluster-host",
            "127.0.0.1",
            "--cluster-port",
            String.valueOf(port),
            "--cluster-name",
            name,
            "--join",
            String.join(",", join)));
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("master.log").toFile())
            .start();
    long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (!Files.readString(out, StandardCharsets.UTF_8).contains(" running; stop it")) {
      if (!p.isAlive() || System.nanoTime() > end) {
        throw new IllegalStateException(
            "the master did not start; see " + dir.resolve("master.log"));
      }
      Thread.sleep(100);
    }
    return p;
  }

  /**
   * A campaign of {@code jobs} jobs: 100 distinct configurations (CRF × preset), repeated;
   * exclusive (the default).
   */
  private static JsonObject campaign(int jobs) {
    return campaign(jobs, true);
  }

  /** As above; {@code exclusive} false lets a node run several of them at once. */
  private static JsonObject campaign(int jobs, boolean exclusive) {
    JsonArray crf = new JsonArray();
    IntStream.rangeClosed(1, 50).forEach(crf::add);
    return new JsonObject()
        .put("name", "dispatch-bench")
        .put(
            "base",
            new JsonObject()
                .put("input", new JsonObject().put("duration_s", 1))
                .put(
                    "video",
                    new JsonObject().put("encoder", "libx264").put("resolution", "320x240"))
                .put(
                    "measure",
                    new JsonObject().put("quality", new JsonArray()).put("exclusive", exclusive)))
        .put(
            "axes",
            new JsonObject()
                .put("video.crf", crf)
                .put("video.preset", new JsonArray().add("ultrafast").add("veryfast")))
        .put("repeat", Math.max(1, jobs / 100))
        .put("idle_baseline_s", 0);
  }

  private static JsonObject submit(Vertx client, JsonObject campaign) throws Exception {
    return await(
            client
                .eventBus()
                .<JsonObject>request(
                    Addresses.CAMPAIGN_SUBMIT,
                    new JsonObject()
                        .put("campaign", campaign)
                        .put("name", campaign.getString("name")),
                    CALL),
            120)
        .body();
  }

  private static List<String> deploy(List<Vertx> hosts, List<SimulatedWorker> workers)
      throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < workers.size(); i++) {
      ids.add(await(hosts.get(i % hosts.size()).deployVerticle(workers.get(i)), 60));
    }
    return ids;
  }

  private static void undeploy(List<Vertx> hosts, List<String> ids) throws Exception {
    for (String id : ids) {
      for (Vertx v : hosts) {
        if (v.deploymentIDs().contains(id)) {
          await(v.undeploy(id), 60);
        }
      }
    }
  }

  /**
   * {@code slots} 1: one-slot workers, exclusive jobs, one request per start and per result (the
   * single-job path). More: workers with that many slots, jobs that share a node, work requests for
   * every free slot and starts and results in {@code JOB_UPDATES} batches.
   */
  private static void throughput(
      Vertx client,
      List<Vertx> members,
      Path dir,
      int jobs,
      int workerCount,
      int slots,
      long masterPid,
      long pgPid,
      boolean print)
      throws Exception {
    List<Vertx> hosts = members.subList(1, 3);
    List<SimulatedWorker> workers = new ArrayList<>();
    for (int i = 0; i < workerCount; i++) {
      SimulatedWorker.Options o =
          SimulatedWorker.Options.cpu((print ? "tp-" : "warm-") + slots + "-" + i).withSlots(slots);
      workers.add(new SimulatedWorker(slots > 1 ? o.batched() : o));
    }
    List<String> ids = deploy(hosts, workers);
    long masterCpu0 = cpuTicks(masterPid);
    long pgCpu0 = treeCpuTicks(pgPid);
    long selfCpu0 = selfCpuNs();
    JsonObject reply = submit(client, campaign(jobs, slots == 1));
    long t0 = System.nanoTime();
    int total = reply.getInteger("jobs");
    long end = t0 + Duration.ofMinutes(10).toNanos();
    while (workers.stream().mapToInt(w -> w.done().size()).sum() < total) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("jobs not done within 10 minutes");
      }
      Thread.sleep(5);
    }
    long t1 = System.nanoTime();
    double seconds = (t1 - t0) / 1e9;
    if (print) {
      long firstStart =
          workers.stream()
              .flatMap(w -> w.done().stream())
              .mapToLong(SimulatedWorker.JobTimes::startedNs)
              .min()
              .orElse(t0);
      System.out.printf(
          "(a) throughput: %d jobs, %d workers %s: %.2f s from submit reply to last result = %.0f"
              + " jobs/s (first start %.0f ms after the reply)%n",
          total,
          workerCount,
          slots == 1
              ? "with one slot, exclusive jobs, a request per claim, start and result"
              : "with "
                  + slots
                  + " slots, shared jobs, claims for every free slot, starts and results batched",
          seconds,
          total / seconds,
          (firstStart - t0) / 1e6);
      System.out.printf(
          "    CPU during the run (s): master JVM %.2f, PostgreSQL %.2f, this JVM (workers, client)"
              + " %.2f; wall %.2f on %d CPUs%n",
          (cpuTicks(masterPid) - masterCpu0) / (double) TICK,
          (treeCpuTicks(pgPid) - pgCpu0) / (double) TICK,
          (selfCpuNs() - selfCpu0) / 1e9,
          seconds,
          Runtime.getRuntime().availableProcessors());
    }
    undeploy(hosts, ids);
  }

  private static void latency(Vertx client, Vertx host, int samples) throws Exception {
    // Only the wake-up can bring it work quickly: its poll timer is ten minutes.
    SimulatedWorker w =
        new SimulatedWorker(SimulatedWorker.Options.cpu("lat-1").withPoll(Duration.ofMinutes(10)));
    String id = await(host.deployVerticle(w), 60);
    DescriptiveStatistics toLease = new DescriptiveStatistics();
    DescriptiveStatistics toStart = new DescriptiveStatistics();
    int warmup = 20;
    for (int i = 0; i < warmup + samples; i++) {
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!w.idle()) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException("the latency worker did not go idle");
        }
        Thread.sleep(1);
      }
      submit(client, campaign(1).put("repeat", 1).put("axes", new JsonObject()));
      long t0 = System.nanoTime();
      int n = i + 1;
      while (w.started().size() < n) {
        if (System.nanoTime() > end) {
          throw new IllegalStateException("job " + n + " did not start within 30 s");
        }
        // The worker stamps its own times; this loop only has to notice, without taking a core from
        // the rest.
        LockSupport.parkNanos(200_000);
      }
      SimulatedWorker.JobTimes t = w.started().get(i);
      if (i >= warmup) {
        toLease.addValue((t.leasedNs() - t0) / 1e6);
        toStart.addValue((t.startedNs() - t0) / 1e6);
      }
    }
    System.out.printf(
        "(b) latency, idle worker woken by the submit, %d jobs one at a time (ms): submit reply →"
            + " lease p50 %.1f p99 %.1f; → JOB_STARTED acknowledged p50 %.1f p90 %.1f p99 %.1f max"
            + " %.1f%n",
        samples,
        toLease.getPercentile(50),
        toLease.getPercentile(99),
        toStart.getPercentile(50),
        toStart.getPercentile(90),
        toStart.getPercentile(99),
        toStart.getMax());
    await(host.undeploy(id), 60);
  }

  private static void footprint(
      Vertx client, List<Vertx> members, int nodes, int windowS, long masterPid, long pgPid)
      throws Exception {
    Thread.sleep(5000);
    long idle0 = cpuTicks(masterPid);
    long pgIdle0 = treeCpuTicks(pgPid);
    Thread.sleep(windowS * 1000L);
    double idle = (cpuTicks(masterPid) - idle0) / (double) TICK;
    double pgIdle = (treeCpuTicks(pgPid) - pgIdle0) / (double) TICK;
    long rssIdle = rssKb(masterPid);

    List<SimulatedWorker> sims = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      // Heartbeat every 2 s (the default); an idle worker asks after each heartbeat and on its 5 s
      // timer: 0.7/s.
      sims.add(
          new SimulatedWorker(
              SimulatedWorker.Options.cpu("fp-" + i)
                  .withHeartbeat(Duration.ofSeconds(2))
                  .withPoll(Duration.ofMillis(1430))));
    }
    List<String> ids = deploy(members.subList(1, 3), sims);
    Thread.sleep(10_000);
    long hb0 = sims.stream().mapToLong(SimulatedWorker::heartbeats).sum();
    long busy0 = cpuTicks(masterPid);
    long pgBusy0 = treeCpuTicks(pgPid);
    Thread.sleep(windowS * 1000L);
    double busy = (cpuTicks(masterPid) - busy0) / (double) TICK;
    double pgBusy = (treeCpuTicks(pgPid) - pgBusy0) / (double) TICK;
    long hb = sims.stream().mapToLong(SimulatedWorker::heartbeats).sum() - hb0;
    System.out.printf(
        "(c) %d nodes, heartbeat 2 s, %.0f heartbeats/s answered: master CPU %.2f %% of one core"
            + " (%.2f %% with nodes − %.2f %% idle baseline, %d s windows); PostgreSQL %.2f %%"
            + " (%.2f − %.2f); master RSS %d MiB (idle, after the runs above: %d MiB)%n",
        nodes,
        hb / (double) windowS,
        100 * (busy - idle) / windowS,
        100 * busy / windowS,
        100 * idle / windowS,
        windowS,
        100 * (pgBusy - pgIdle) / windowS,
        100 * pgBusy / windowS,
        100 * pgIdle / windowS,
        rssKb(masterPid) / 1024,
        rssIdle / 1024);
    undeploy(members.subList(1, 3), ids);
  }

  /**
   * utime + stime of one process, in clock ticks (/proc/PID/stat fields 14 and 15); 0 for one that
   * just exited.
   */
  static long cpuTicks(long pid) {
    long[] f = statTimes(pid);
    return f[0] + f[1];
  }

  /**
   * The CPU ticks of a process, its exited children (fields 16 and 17) and its live ones
   * (PostgreSQL's backends).
   */
  static long treeCpuTicks(long pid) {
    long[] f = statTimes(pid);
    return f[0]
        + f[1]
        + f[2]
        + f[3]
        + ProcessHandle.of(pid)
            .map(p -> p.descendants().mapToLong(c -> cpuTicks(c.pid())).sum())
            .orElse(0L);
  }

  /** utime, stime, cutime, cstime from /proc/PID/stat; zeros when the process is gone. */
  private static long[] statTimes(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {
        Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])
      };
    } catch (Exception e) {
      return new long[4];
    }
  }

  static long rssKb(long pid) throws Exception {
    return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status")).stream()
        .filter(l -> l.startsWith("VmRSS:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("\\D", "")))
        .findFirst()
        .orElse(0);
  }

  static long selfCpuNs() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long pageTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
      return Long.parseLong(
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    } catch (Exception e) {
      return 100;
    }
  }
}

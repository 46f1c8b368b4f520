package io.ffrtmp.master;

import io.ffrtmp.cluster.Addresses;
import io.ffrtmp.cluster.BodyException;
import io.ffrtmp.job.Campaign;
import io.ffrtmp.job.SpecException;
import io.ffrtmp.master.store.JobQueries;
import io.ffrtmp.master.store.JobStore;
import io.ffrtmp.master.store.NodeStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's event-bus face: wires each address to the class that answers it (campaigns, jobs,
 * leases and reports, nodes), and turns what they fail with into the documented failure codes. The
 * rules live in {@link JobStore}.
 */
public final class MasterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MasterVerticle.class);

  private final JobStore store;
  private final int maxCampaignJobs;
  private final MasterMeters meters;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  public MasterVerticle(JobStore store) {
    this(store, Campaign.MAX_JOBS);
  }

  /** {@code maxCampaignJobs}: the most jobs a campaign submitted over the bus may expand to. */
  public MasterVerticle(JobStore store, int maxCampaignJobs) {
    this(store, maxCampaignJobs, null);
  }

  /** {@code meters}: where dispatch latency goes (the store feeds the rest); null for none. */
  public MasterVerticle(JobStore store, int maxCampaignJobs, MasterMeters meters) {
    this.store = store;
    this.maxCampaignJobs = maxCampaignJobs;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    NodeStore nodeStore = new NodeStore(store.pool());
    CampaignRequests campaigns = new CampaignRequests(vertx, store, nodeStore, maxCampaignJobs);
    JobRequests jobs = new JobRequests(bus, JobQueries.of(store));
    LeaseRequests leases =
        new LeaseRequests(bus, store, meters == null ? nanos -> {} : meters::dispatched);
    NodeRequests nodes = new NodeRequests(bus, nodeStore, store.settings().lease());
    on(Addresses.CAMPAIGN_SUBMIT, campaigns::submit);
    on(Addresses.CAMPAIGN_CANCEL, campaigns::cancel);
    on(Addresses.CAMPAIGN_RESULTS, campaigns::results);
    on(Addresses.WORK_REQUEST, leases::workRequest);
    on(Addresses.JOB_UPDATES, leases::updates);
    on(Addresses.JOB_STARTED, leases::started);
    on(Addresses.JOB_RESULT, leases::result);
    on(Addresses.JOB_SUBMIT, jobs::submit);
    on(Addresses.JOB_GET, jobs::get);
    on(Addresses.JOB_CANCEL, jobs::cancel);
    on(Addresses.NODE_REGISTER, nodes::register);
    on(Addresses.NODE_HEARTBEAT, nodes::heartbeat);
    on(Addresses.NODE_LIST, nodes::list);
    on(Addresses.NODE_GET, nodes::get);
    on(Addresses.NODE_DRAIN, nodes::drain);
    on(Addresses.NODE_RESUME, nodes::resume);
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  /**
   * Registers a consumer whose handler never leaves a request unanswered: a body of the wrong shape
   * is answered 400 with the field and what was wrong; anything else a handler throws is a bug,
   * logged and answered 500.
   */
  private void on(String address, Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(
        vertx
            .eventBus()
            .consumer(
                address,
                msg -> {
                  if (!(msg.body() instanceof JsonObject body)) {
                    msg.fail(
                        Addresses.BAD_REQUEST,
                        "body: required, a JSON object (see docs/event-bus.md for "
                            + address
                            + ")");
                    return;
                  }
                  Future<JsonObject> reply;
                  try {
                    reply = handler.apply(body);
                  } catch (BodyException | SpecException e) {
                    reply = Future.failedFuture(e);
                  } catch (RuntimeException e) {
                    bug(msg, address, e);
                    return;
                  }
                  reply.onSuccess(msg::reply).onFailure(e -> fail(msg, address, e));
                }));
  }

  private static void fail(Message<?> msg, String address, Throwable e) {
    if (e instanceof BodyException b) {
      msg.fail(Addresses.BAD_REQUEST, b.reply(address));
    } else if (e instanceof SpecException s) {
      msg.fail(Addresses.BAD_REQUEST, s.toString());
    } else if (e instanceof JobStore.StaleLeaseException
        || e instanceof NodeStore.NodeConflictException) {
      msg.fail(Addresses.CONFLICT, e.getMessage());
    } else if (e instanceof ReplyException r) {
      msg.fail(r.failureCode(), r.getMessage());
    } else if (e instanceof PgException pg) {
      // A database that refuses (constraint, bad value) is a bug here; log it whole, answer
      // briefly.
      LOG.error("master request on {} failed in the database", address, e);
      msg.fail(Addresses.INTERNAL, "database error " + pg.getSqlState());
    } else if (e instanceof NullPointerException
        || e instanceof ClassCastException
        || e instanceof IllegalArgumentException
        || e instanceof IndexOutOfBoundsException) {
      bug(msg, address, e);
    } else {
      // Lost connections and a database that is restarting land here: the caller may try again.
      LOG.warn("master request on {} failed: {}", address, e.toString());
      msg.fail(Addresses.UNAVAILABLE, "the job store is unavailable: " + e.getMessage());
    }
  }

  /**
   * A null where a value belongs, a cast that cannot hold: not the caller's fault, and not to be
   * hidden.
   */
  private static void bug(Message<?> msg, String address, Throwable e) {
    LOG.error("a bug answering {}", address, e);
    msg.fail(
        Addresses.INTERNAL, "internal error on " + address + " (a bug; the master's log has it)");
  }
}

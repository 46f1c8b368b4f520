package io.ffrtmp.node;

import io.ffrtmp.cluster.Addresses;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * One node's Prometheus registry: Vert.x's own meters (HTTP server, event bus, pools) and the
 * JVM's, with bounded labels only. HTTP requests are labelled by route template, never by path;
 * event-bus meters exist only for the addresses of {@link Addresses}, so reply addresses (random)
 * and other applications' addresses never become label values. Each node has its own registry, so
 * several nodes in one JVM (tests) do not mix.
 */
public final class NodeMetrics implements AutoCloseable {

  /** What Vert.x may label a meter with: no client address, no raw path. */
  static final Set<Label> LABELS =
      Set.of(
          Label.HTTP_METHOD,
          Label.HTTP_CODE,
          Label.HTTP_ROUTE,
          Label.EB_ADDRESS,
          Label.EB_SIDE,
          Label.EB_FAILURE,
          Label.POOL_TYPE,
          Label.POOL_NAME,
          Label.CLIENT_NAME,
          Label.NAMESPACE);

  /** The event-bus addresses of ffrtmp: a fixed set, the only ones that may become labels. */
  public static final Set<String> ADDRESSES = addresses();

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final String registryName = "ffrtmp-" + UUID.randomUUID();

  public NodeMetrics() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    String address = Label.EB_ADDRESS.toString();
    String busPrefix = MetricsDomain.EVENT_BUS.getPrefix();
    registry
        .config()
        .meterFilter(
            MeterFilter.deny(
                id -> {
                  String a = id.getTag(address);
                  return a != null && id.getName().startsWith(busPrefix) && !ADDRESSES.contains(a);
                }));
    // Two of Micrometer's processor meters break Prometheus naming rules (promtool check metrics):
    // a unit abbreviated in the name (process_cpu_time_ns_total; process_cpu_usage stays) and a
    // gauge ending in _count, which Prometheus reserves for histograms and summaries.
    registry
        .config()
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return "system.cpu.count".equals(id.getName()) ? id.withName("system.cpus") : id;
              }
            });
    new JvmMemoryMetrics().bindTo(registry);
    gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** {@code base} with Vert.x metrics on, into this registry. */
  public VertxOptions options(VertxOptions base) {
    return new VertxOptions(base)
        .setMetricsOptions(
            new MicrometerMetricsOptions()
                .setEnabled(true)
                .setRegistryName(registryName)
                .setJvmMetricsEnabled(false) // bound here, once, and unbound on close
                .setLabels(LABELS));
  }

  /** What the Vert.x builder takes ({@code withMetrics}) to report into this registry. */
  public VertxMetricsFactory factory() {
    return new MicrometerMetricsFactory(registry);
  }

  /** After Vert.x closed: stops the JVM listeners. */
  @Override
  public void close() {
    gc.close();
    registry.close();
  }

  private static Set<String> addresses() {
    Set<String> out = new HashSet<>();
    for (Field f : Addresses.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        try {
          out.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return Set.copyOf(out);
  }
}

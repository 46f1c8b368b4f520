package io.ffrtmp.power;

import io.ffrtmp.power.NodeReading.Reason;
import io.ffrtmp.power.NodeReading.State;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The node's own account of every read of the meter: energy per zone since the meter opened, each
 * scope integrated on its own (a scope that cannot be read does not stop the others), power over
 * each tick, and the state of every source. Fed by {@link EnergyMeter} under its read lock, so only
 * one thread at a time updates it; scrapes read the published {@link NodeReading}.
 */
final class NodeMeter {

  /** One scope's source and what the node has integrated from it. */
  private static final class Part {
    final String scope;
    final PowerSource source;
    final PowerSource.Integrator integrator;
    final double[] joules;
    final Double[] watts;
    PowerSource.Snapshot last;
    PowerSource.Snapshot anchor;
    double[] anchorJoules;
    boolean up = true;
    Reason reason = Reason.OK;

    Part(ScopedSources.Part p) {
      this.scope = p.scope();
      this.source = p.source();
      this.integrator = source.newIntegrator();
      this.joules = new double[source.zones().size()];
      this.watts = new Double[joules.length];
    }
  }

  private final Part[] parts;
  private final List<NodeReading.Source> examined;
  private final boolean estimated;
  private final Path statFile;
  private final CounterReader reader;
  private long reads;
  private long readFailures;
  private ProcStat lastStat;
  private Double cpuUtilisation;
  private List<GpuStatus> gpus = List.of();
  private volatile NodeReading reading;

  /**
   * @param examined the sources that do not measure a scope, with why; the ones that do are added
   *     from {@code source}'s parts, with their state as it is at each read
   */
  NodeMeter(
      ScopedSources source,
      List<NodeReading.Source> examined,
      Path procRoot,
      CounterReader reader) {
    this.parts = source.parts().stream().map(Part::new).toArray(Part[]::new);
    this.examined = List.copyOf(examined);
    this.estimated = PowerSource.ESTIMATED.equals(source.provenance());
    this.statFile = procRoot.resolve("stat");
    this.reader = reader;
    publish();
  }

  int parts() {
    return parts.length;
  }

  /** A scope's read at one moment: integrated from its previous read. */
  void accept(int part, PowerSource.Snapshot s) {
    Part p = parts[part];
    if (p.last != null) {
      double[] j = p.integrator.joules(p.last, s);
      for (int i = 0; i < j.length; i++) {
        p.joules[i] += j[i];
      }
    }
    p.last = s;
    p.up = true;
    p.reason = Reason.OK;
  }

  /**
   * A scope that could not be read: it has no series until it reads again, and the read that brings
   * it back covers the gap (one wrap at most, as between any two reads).
   */
  void failed(int part, Exception e) {
    Part p = parts[part];
    p.up = false;
    p.reason = Reason.of(e.toString());
    p.anchor = null;
    java.util.Arrays.fill(p.watts, null);
  }

  void counted(boolean ok) {
    reads++;
    if (!ok) {
      readFailures++;
    }
  }

  /**
   * At a scheduled tick, after its reads: power per zone since the previous tick, CPU utilisation
   * since the previous tick, and the GPUs as NVML reports them now.
   */
  void tick(List<GpuStatus> gpuStatus) {
    for (Part p : parts) {
      if (!p.up || p.last == null) {
        continue;
      }
      if (p.anchor != null) {
        double seconds = (p.last.nanoTime() - p.anchor.nanoTime()) / 1e9;
        if (seconds > 0) {
          for (int i = 0; i < p.joules.length; i++) {
            p.watts[i] = (p.joules[i] - p.anchorJoules[i]) / seconds;
          }
        }
      }
      p.anchor = p.last;
      p.anchorJoules = p.joules.clone();
    }
    try {
      ProcStat now = ProcStat.read(statFile, reader);
      if (lastStat != null) {
        double u = now.utilisationSince(lastStat);
        if (!Double.isNaN(u)) { // no jiffy ticked: keep the last figure
          cpuUtilisation = u;
        }
      }
      lastStat = now;
    } catch (IOException e) {
      cpuUtilisation = null;
      lastStat = null;
    }
    gpus = List.copyOf(gpuStatus);
  }

  /** Makes the state as of now the one scrapes see. */
  void publish() {
    List<NodeReading.Zone> zones = new ArrayList<>();
    List<NodeReading.Source> sources = new ArrayList<>();
    for (Part p : parts) {
      sources.add(
          new NodeReading.Source(
              p.scope, p.source.sourceName(), p.up ? State.USED : State.DOWN, p.reason, p.up));
      if (!p.up) {
        continue;
      }
      List<String> names = p.source.zones();
      for (int i = 0; i < names.size(); i++) {
        zones.add(
            new NodeReading.Zone(
                p.scope,
                names.get(i),
                p.source.sourceName(),
                p.source.provenance(),
                p.joules[i],
                p.watts[i]));
      }
    }
    sources.addAll(examined);
    reading =
        new NodeReading(
            List.copyOf(zones),
            List.copyOf(sources),
            reads,
            readFailures,
            cpuUtilisation,
            estimated,
            gpus);
  }

  NodeReading reading() {
    return reading;
  }
}

package io.ffrtmp.power;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The sources chosen for a meter, one per scope (cpu first, then gpu), read together as one source.
 * Zones of all scopes are concatenated in scope order; each scope keeps its own integrator and
 * timestamps, so the CPU model still integrates over its own read times when a GPU is read in the
 * same snapshot.
 */
final class ScopedSources implements PowerSource {

  /** One scope and the single source that measures it. */
  record Part(String scope, PowerSource source) {}

  private final List<Part> parts;
  private final List<String> zones;

  ScopedSources(List<Part> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("at least one scope is needed");
    }
    this.parts = List.copyOf(parts);
    List<String> all = new ArrayList<>();
    parts.forEach(p -> all.addAll(p.source().zones()));
    this.zones = List.copyOf(all);
  }

  List<Part> parts() {
    return parts;
  }

  /** Measured only if every scope is: one estimated part makes the whole figure an estimate. */
  @Override
  public String provenance() {
    return parts.stream().allMatch(p -> MEASURED.equals(p.source().provenance()))
        ? MEASURED
        : ESTIMATED;
  }

  @Override
  public String sourceName() {
    return parts.stream().map(p -> p.source().sourceName()).collect(Collectors.joining("+"));
  }

  @Override
  public List<String> zones() {
    return zones;
  }

  @Override
  public ModelParams model() {
    for (Part p : parts) {
      if (p.source().model() != null) {
        return p.source().model();
      }
    }
    return null;
  }

  /**
   * Reads every scope; if one fails the whole snapshot fails, and the next good read covers the gap
   * for all.
   */
  @Override
  public Snapshot read() throws IOException {
    List<Snapshot> snapshots = new ArrayList<>(parts.size());
    for (Part p : parts) {
      snapshots.add(p.source().read());
    }
    return join(snapshots);
  }

  /** One snapshot of every scope's own snapshot, in part order. */
  static Snapshot join(List<Snapshot> snapshots) {
    int length = 0;
    for (Snapshot s : snapshots) {
      length += s.values().length;
    }
    long[] values = new long[length];
    int offset = 0;
    for (Snapshot s : snapshots) {
      System.arraycopy(s.values(), 0, values, offset, s.values().length);
      offset += s.values().length;
    }
    long first = snapshots.get(0).nanoTime();
    long last = snapshots.get(snapshots.size() - 1).nanoTime();
    return new Snapshot(first + (last - first) / 2, values, List.copyOf(snapshots));
  }

  @Override
  public Integrator newIntegrator() {
    List<Integrator> integrators = parts.stream().map(p -> p.source().newIntegrator()).toList();
    return (prev, cur) -> {
      double[] joules = new double[zones.size()];
      int offset = 0;
      for (int i = 0; i < integrators.size(); i++) {
        double[] part = integrators.get(i).joules(prev.parts().get(i), cur.parts().get(i));
        System.arraycopy(part, 0, joules, offset, part.length);
        offset += part.length;
      }
      return joules;
    };
  }

  /** Sums per-zone joules (in {@link #zones()} order) into one entry per scope. */
  List<ScopeEnergy> scopeEnergy(double[] zoneJoules) {
    List<ScopeEnergy> result = new ArrayList<>(parts.size());
    int offset = 0;
    for (Part p : parts) {
      List<String> partZones = p.source().zones();
      double joules = 0;
      for (int i = 0; i < partZones.size(); i++) {
        joules += zoneJoules[offset + i];
      }
      offset += partZones.size();
      result.add(
          new ScopeEnergy(
              p.scope(), p.source().provenance(), p.source().sourceName(), partZones, joules));
    }
    return result;
  }
}

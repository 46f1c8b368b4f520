package io.ffrtmp.power;

import java.util.List;
import java.util.stream.Collectors;

/** Neither a RAPL zone nor the CPU model could be read, so no honest number can be produced. */
public final class PowerUnavailableException extends RuntimeException {

  private final transient List<SourceStatus> sources;

  public PowerUnavailableException(List<SourceStatus> sources) {
    super(
        "no usable power source: "
            + sources.stream()
                .map(s -> s.name() + " (" + s.detail() + ")")
                .collect(Collectors.joining("; ")));
    this.sources = List.copyOf(sources);
  }

  public List<SourceStatus> sources() {
    return sources;
  }
}

package io.ffrtmp.master.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests each client has unanswered, capped: one client cannot hold every connection the server
 * can answer.
 */
final class InFlight {

  private final int max;
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();

  InFlight(int max) {
    this.max = max;
  }

  /**
   * True when the client may start one more; each true is followed by exactly one {@link #release}.
   */
  boolean acquire(String client) {
    boolean[] ok = {false};
    counts.compute(
        client,
        (k, n) -> {
          int now = n == null ? 0 : n;
          ok[0] = now < max;
          return ok[0] ? now + 1 : (n == null ? null : n);
        });
    return ok[0];
  }

  void release(String client) {
    counts.computeIfPresent(
        client, (k, n) -> n <= 1 ? null : n - 1); // no entry kept for an idle client
  }
}

package io.ffrtmp.master.api;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client: {@code burst} requests at once, refilled at {@code perSecond}. At most
 * {@link #MAX_CLIENTS} buckets are kept (least recently used dropped first), so memory stays
 * bounded whatever the number of addresses calling. Thread-safe.
 */
public final class RateLimiter {

  static final int MAX_CLIENTS = 10_000;

  private final int burst;
  private final double perSecond;
  private final Map<String, double[]> buckets =
      new LinkedHashMap<>(256, 0.75f, true); // {tokens, lastNanos}

  public RateLimiter(int burst, double perSecond) {
    this.burst = burst;
    this.perSecond = perSecond;
  }

  /**
   * 0 when the request may go ahead; otherwise the whole seconds to wait before the next one would
   * be let in.
   */
  public synchronized long acquire(String client, long nowNanos) {
    double[] b = buckets.get(client);
    if (b == null) {
      if (buckets.size() >= MAX_CLIENTS) {
        Iterator<String> eldest = buckets.keySet().iterator();
        eldest.next();
        eldest.remove();
      }
      b = new double[] {burst, nowNanos};
      buckets.put(client, b);
    }
    b[0] = Math.min(burst, b[0] + (nowNanos - b[1]) / 1e9 * perSecond);
    b[1] = nowNanos;
    if (b[0] >= 1) {
      b[0] -= 1;
      return 0;
    }
    return Math.max(1, (long) Math.ceil((1 - b[0]) / perSecond));
  }
}

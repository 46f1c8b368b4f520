package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

  static final long S = 1_000_000_000L;

  @Test
  void aBurstIsLetThroughThenRefusedWithTheWaitUntilTheNextToken() {
    RateLimiter l = new RateLimiter(3, 0.5); // one token every 2 s
    assertThat(l.acquire("a", 0)).isZero();
    assertThat(l.acquire("a", 0)).isZero();
    assertThat(l.acquire("a", 0)).isZero();
    assertThat(l.acquire("a", 0)).isEqualTo(2);
    assertThat(l.acquire("b", 0)).as("another client has its own bucket").isZero();
    assertThat(l.acquire("a", 1 * S)).isEqualTo(1);
    assertThat(l.acquire("a", 2 * S)).isZero();
    assertThat(l.acquire("a", 100 * S)).isZero();
    assertThat(l.acquire("a", 100 * S)).isZero();
    assertThat(l.acquire("a", 100 * S)).isZero();
    assertThat(l.acquire("a", 100 * S)).as("refill stops at the burst size").isPositive();
  }

  @Test
  void memoryStaysBoundedWhateverTheNumberOfClients() {
    RateLimiter l = new RateLimiter(1, 1);
    for (int i = 0; i < RateLimiter.MAX_CLIENTS + 500; i++) {
      l.acquire("client-" + i, 0);
    }
    // The oldest buckets were dropped: client-0 starts afresh with a full bucket.
    assertThat(l.acquire("client-0", 0)).isZero();
    assertThat(l.acquire("client-" + (RateLimiter.MAX_CLIENTS + 499), 0))
        .as("a recent client keeps its bucket")
        .isPositive();
  }
}

package io.ffrtmp.master.api;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The single-use codes of the web UI's login links ({@code ffrtmp ui}): a code stands for the
 * holder of the token that asked for it (subject, role, API key) for {@link #TTL_MS}, and is
 * exchanged once for a token of its own. Kept in this master's memory only, at most {@link #MAX} at
 * once (the oldest dropped first), so a link is for the master that made it.
 */
final class LoginCodes {

  static final long TTL_MS = 120_000;
  static final int MAX = 1_000;
  static final String PREFIX = "ffl_";

  private static final SecureRandom RANDOM = new SecureRandom();

  /** What a code stands for; {@code tokenExpiresAtS}: when the asking token expires. */
  record Grant(String subject, Role role, UUID keyId, long tokenExpiresAtS, long expiresAtMs) {}

  /** Insertion order is expiry order: every code lives as long. */
  private final Map<String, Grant> codes = new LinkedHashMap<>();

  synchronized String issue(
      String subject, Role role, UUID keyId, long tokenExpiresAtS, long nowMs) {
    dropExpired(nowMs);
    if (codes.size() >= MAX) {
      Iterator<String> oldest = codes.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String code = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    codes.put(code, new Grant(subject, role, keyId, tokenExpiresAtS, nowMs + TTL_MS));
    return code;
  }

  /** The code's grant, once: a used, unknown or expired code is empty. */
  synchronized Optional<Grant> take(String code, long nowMs) {
    dropExpired(nowMs);
    return Optional.ofNullable(codes.remove(code));
  }

  synchronized int size() {
    return codes.size();
  }

  private void dropExpired(long nowMs) {
    Iterator<Grant> it = codes.values().iterator();
    while (it.hasNext() && it.next().expiresAtMs() <= nowMs) {
      it.remove();
    }
  }
}

package io.ffrtmp.master.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The web UI's login-link codes: single use, short-lived, bounded, unguessable. */
class LoginCodesTest {

  final UUID key = UUID.randomUUID();

  @Test
  void aCodeIsExchangedOnceForWhatItStandsFor() {
    LoginCodes codes = new LoginCodes();
    String code = codes.issue("alice", Role.OPERATOR, key, 4_000, 1_000);
    assertThat(code).startsWith(LoginCodes.PREFIX).hasSize(LoginCodes.PREFIX.length() + 43);
    LoginCodes.Grant g = codes.take(code, 2_000).orElseThrow();
    assertThat(g.subject()).isEqualTo("alice");
    assertThat(g.role()).isEqualTo(Role.OPERATOR);
    assertThat(g.keyId()).isEqualTo(key);
    assertThat(g.tokenExpiresAtS()).isEqualTo(4_000);
    assertThat(codes.take(code, 2_000)).as("used up").isEmpty();
    assertThat(codes.take("ffl_unknown", 2_000)).isEmpty();
  }

  @Test
  void aCodeExpiresAfterItsLifetime() {
    LoginCodes codes = new LoginCodes();
    String code = codes.issue("alice", Role.VIEWER, key, 4_000, 1_000);
    assertThat(codes.take(code, 1_000 + LoginCodes.TTL_MS)).isEmpty();
    String fresh = codes.issue("alice", Role.VIEWER, key, 4_000, 1_000);
    assertThat(codes.take(fresh, 1_000 + LoginCodes.TTL_MS - 1)).isPresent();
  }

  @Test
  void atMostMaxCodesAreKeptTheOldestDroppedFirst() {
    LoginCodes codes = new LoginCodes();
    String first = codes.issue("a", Role.VIEWER, key, 4_000, 1_000);
    String second = codes.issue("a", Role.VIEWER, key, 4_000, 1_000);
    for (int i = 0; i < LoginCodes.MAX - 1; i++) {
      codes.issue("a", Role.VIEWER, key, 4_000, 1_000);
    }
    assertThat(codes.size()).isEqualTo(LoginCodes.MAX);
    assertThat(codes.take(first, 1_001)).isEmpty();
    assertThat(codes.take(second, 1_001)).isPresent();
  }
}

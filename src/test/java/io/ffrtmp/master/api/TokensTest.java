package io.ffrtmp.master.api;

import static io.ffrtmp.support.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.ext.auth.User;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Tokens carry subject and role, verify only with the right key, and RS256 works from PEM keys. */
class TokensTest {

  static Vertx vertx;

  @BeforeAll
  static void up() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void down() throws Exception {
    await(vertx.close(), 30);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @Test
  void hs256TokensVerifyOnlyWithTheSecretTheyWereSignedWith() throws Exception {
    Tokens ours = new Tokens(vertx, "0123456789abcdef0123456789abcdef".getBytes());
    Tokens theirs = new Tokens(vertx, "another secret of thirty-two byt".getBytes());
    String token = ours.issue("alice", Role.OPERATOR, 5, UUID.randomUUID()).getString("token");
    User user = await(ours.verify(token), 10);
    assertThat(Tokens.roleOf(user)).isEqualTo(Role.OPERATOR);
    assertThat(Tokens.subjectOf(user)).isEqualTo("alice");
    assertThat(Tokens.keyIdOf(user)).isNotNull();
    assertThat(Tokens.expiresAtSeconds(user)).isNotNull();
    assertThatThrownBy(() -> await(theirs.verify(token), 10)).isNotNull();
  }

  @Test
  void rs256SignsWithThePrivateKeyAndAVerifierNeedsOnlyThePublicOne() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair pair = g.generateKeyPair();
    String pub = pem("PUBLIC KEY", pair.getPublic().getEncoded());
    String priv = pem("PRIVATE KEY", pair.getPrivate().getEncoded()); // PKCS#8
    Tokens issuer = Tokens.rs256(vertx, pub, priv);
    Tokens verifier = Tokens.rs256(vertx, pub, null);
    assertThat(issuer.signs()).isTrue();
    assertThat(verifier.signs()).isFalse();
    String token = issuer.issue("bob", Role.VIEWER, 5, UUID.randomUUID()).getString("token");
    assertThat(new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.')))))
        .contains("RS256");
    assertThat(Tokens.roleOf(await(verifier.verify(token), 10))).isEqualTo(Role.VIEWER);
    String hs =
        new Tokens(vertx, "0123456789abcdef0123456789abcdef".getBytes())
            .issue("eve", Role.ADMIN, 5, UUID.randomUUID())
            .getString("token");
    assertThatThrownBy(() -> await(verifier.verify(hs), 10)).isNotNull();
  }
}

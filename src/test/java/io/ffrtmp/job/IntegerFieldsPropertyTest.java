package io.ffrtmp.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every integer field of a spec and a campaign, sent as JSON text with values around and beyond
 * 2^31, 2^32 and 2^63 of both signs: accepted exactly when in range, and then parsed as the very
 * same value; refused otherwise naming the field and quoting the value as sent (Vert.x's getInteger
 * used to wrap 4294967596 to 300 and accept it).
 */
class IntegerFieldsPropertyTest {

  /** A field, its accepted range, and how to read the parsed value back. */
  record Field(String path, long min, long max, Function<String, Integer> parsed) {}

  private static final List<Field> FIELDS =
      List.of(
          new Field("timeout_s", 1, 604_800, j -> spec(j).timeoutS()),
          new Field("video.crf", 0, 51, j -> spec(j).video().crf()),
          new Field("video.gop", 1, 1000, j -> spec(j).video().gop()),
          new Field("video.threads", 0, 256, j -> spec(j).video().threads()),
          new Field("measure.interval_ms", 50, 60_000, j -> spec(j).measure().intervalMs()),
          new Field("repeat", 1, 100, j -> Campaign.parse(json(j), "t").repeat()));

  private static final BigInteger TWO = BigInteger.TWO;

  private static JobSpec spec(String text) {
    JobSpec s = JobSpec.fromJson(json(text));
    // What is stored parses back to the same spec.
    assertThat(JobSpec.fromStored(new JsonObject(s.toJson().encode()))).isEqualTo(s);
    return s;
  }

  private static JsonObject json(String text) {
    return (JsonObject) StrictJson.parse(text);
  }

  /** {"video": {"encoder": "libx264", "crf": VALUE}} and the like, VALUE as written. */
  private static String body(String path, String value) {
    String[] p = path.split("\\.");
    String inner = "\"" + p[p.length - 1] + "\": " + value;
    if (p.length == 1) {
      return "{" + inner + "}";
    }
    String extra = p[0].equals("video") ? "\"encoder\": \"libx264\", " : "";
    return "{\"" + p[0] + "\": {" + extra + inner + "}}";
  }

  @Provide
  Arbitrary<BigInteger> integers() {
    Arbitrary<BigInteger> edges =
        Arbitraries.of(31, 32, 53, 63, 64, 100)
            .flatMap(
                bits ->
                    Arbitraries.integers()
                        .between(-3, 3)
                        .map(d -> TWO.pow(bits).add(BigInteger.valueOf(d))))
            .flatMap(v -> Arbitraries.of(v, v.negate()));
    // Values that wrap into range: 2^32 + n reads as n through intValue().
    Arbitrary<BigInteger> wrapping =
        Arbitraries.integers()
            .between(-5, 700_000)
            .flatMap(
                n -> Arbitraries.of(32, 64).map(bits -> TWO.pow(bits).add(BigInteger.valueOf(n))));
    Arbitrary<BigInteger> near =
        Arbitraries.longs().between(-2_000, 700_000).map(BigInteger::valueOf);
    return Arbitraries.oneOf(edges, wrapping, near);
  }

  @Property(tries = 3000)
  void anIntegerIsAcceptedExactlyInRangeAndThenKeptAsSent(
      @ForAll("integers") BigInteger value, @ForAll("fields") Field field) {
    String text = value.toString();
    boolean inRange =
        value.compareTo(BigInteger.valueOf(field.min())) >= 0
            && value.compareTo(BigInteger.valueOf(field.max())) <= 0;
    String body = body(field.path(), text);
    try {
      int parsed = field.parsed().apply(body);
      assertThat(inRange).as("accepted out of range: " + body).isTrue();
      assertThat(BigInteger.valueOf(parsed)).as(body).isEqualTo(value);
    } catch (SpecException e) {
      assertThat(inRange).as("refused in range: " + body + ": " + e).isFalse();
      assertThat(e.field()).as(body).isEqualTo(field.path());
      assertThat(e.getMessage()).as(body).startsWith(text + " is out of range");
    }
  }

  @Property(tries = 500)
  void aDecimalWhereAnIntegerIsDueIsRefusedQuotedAsSent(
      @ForAll("fields") Field field, @ForAll("halves") String text) {
    String body = body(field.path(), text);
    try {
      field.parsed().apply(body);
      throw new AssertionError("accepted " + body);
    } catch (SpecException e) {
      assertThat(e.field()).as(body).isEqualTo(field.path());
      assertThat(e.getMessage()).as(body).startsWith(text + " ");
    }
  }

  @Provide
  Arbitrary<Field> fields() {
    return Arbitraries.of(FIELDS);
  }

  /** n + 0.5 for n well inside a double's exact range, both signs. */
  @Provide
  Arbitrary<String> halves() {
    return Arbitraries.oneOf(
            Arbitraries.longs().between(-1_000, 1_000),
            Arbitraries.of(31, 32, 40, 48)
                .flatMap(b -> Arbitraries.longs().between(-2, 2).map(d -> (1L << b) + d)))
        .flatMap(n -> Arbitraries.of(n, -n))
        .map(n -> (n < 0 ? "-" : "") + Math.abs(n) + ".5");
  }

  @Property(tries = 50)
  void aHugeDecimalIsRefusedNamingTheField(@ForAll("fields") Field field) {
    for (String text : List.of("1e30", "-1e30", "1.5e300", "4294967296.5")) {
      String body = body(field.path(), text);
      try {
        field.parsed().apply(body);
        throw new AssertionError("accepted " + body);
      } catch (SpecException e) {
        assertThat(e.field()).as(body).isEqualTo(field.path());
        assertThat(e.getMessage()).as(body).doesNotContain("-159383553");
      }
    }
  }
}

package io.ffrtmp.job;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Reads a JSON number as an exact int in a range, or refuses it naming the field and quoting the
 * number as sent. Vert.x's {@code getInteger} narrows with {@code intValue()}: 4294967596 would
 * become 300 and 23.5 would become 23.
 */
public final class ExactInt {

  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);

  private ExactInt() {}

  /** {@code key} of {@code j} ({@code def} when absent or null), refused outside min..max. */
  public static int of(
      JsonObject j, String key, String field, int def, int min, int max, String accepted) {
    Object v = j.getValue(key);
    return v == null ? def : of(v, field, min, max, accepted, "");
  }

  /**
   * {@code value} as an int in min..max; otherwise a {@link SpecException} for {@code field}:
   * "VALUE is out of range{qualifier}; accepted: {accepted}" (or "is not an integer").
   */
  public static int of(
      Object value, String field, int min, int max, String accepted, String qualifier) {
    BigInteger exact = exact(value);
    if (exact == null) {
      throw new SpecException(
          field, quote(value) + " is not an integer" + qualifier + "; accepted: " + accepted);
    }
    if (exact.compareTo(BigInteger.valueOf(min)) < 0
        || exact.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new SpecException(
          field, quote(value) + " is out of range" + qualifier + "; accepted: " + accepted);
    }
    return exact.intValue();
  }

  /** Whether {@code value} is a whole number that fits an int. */
  public static boolean fitsInt(Object value) {
    BigInteger exact = exact(value);
    return exact != null && exact.compareTo(INT_MIN) >= 0 && exact.compareTo(INT_MAX) <= 0;
  }

  /** {@code value} as an exact whole number, null when it is none (23.5, NaN, text). */
  public static BigInteger exact(Object value) {
    if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      return BigInteger.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger b) {
      return b;
    }
    BigDecimal d = decimal(value);
    if (d == null) {
      return null;
    }
    try {
      return d.toBigIntegerExact();
    } catch (ArithmeticException e) {
      return null;
    }
  }

  /**
   * The number as the client wrote it: whole numbers digit for digit; a decimal, which JSON
   * decoding made a double, in its shortest form (23.5, 1E+30).
   */
  public static String quote(Object value) {
    if (value instanceof Number && !(value instanceof Double || value instanceof Float)) {
      return value.toString();
    }
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (!Double.isFinite(d)) {
        return String.valueOf(d);
      }
      BigDecimal b = BigDecimal.valueOf(d).stripTrailingZeros();
      return Math.abs(d) >= 1e15 || (d != 0 && Math.abs(d) < 1e-6)
          ? b.toString()
          : b.toPlainString();
    }
    return value instanceof String s
        ? "'" + s.replaceAll("[\\x00-\\x1f\\x7f-\\x9f]", "?") + "'"
        : String.valueOf(value);
  }

  private static BigDecimal decimal(Object value) {
    if (value instanceof BigDecimal b) {
      return b;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
    }
    return null;
  }
}

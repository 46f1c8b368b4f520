package io.ffrtmp.cluster;

import io.ffrtmp.job.ExactInt;
import io.ffrtmp.job.JobLease;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads the fields of a bus body for the records' {@code fromJson}, refusing a value of the wrong
 * JSON type with a {@link BodyException} that names the field. Absent and null are the same;
 * numbers convert as Vert.x's getters do.
 */
public final class BodyFields {

  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private BodyFields() {}

  /** Any value as text, as {@link JsonObject#getString} gives it; {@code def} when absent. */
  public static String string(JsonObject j, String field, String def) {
    String v = j.getString(field);
    return v == null ? def : v;
  }

  /** A UUID, required. */
  public static UUID uuid(JsonObject j, String field) {
    String v = j.getString(field);
    try {
      return UUID.fromString(v);
    } catch (RuntimeException e) {
      throw new BodyException(field, "'" + v + "' is not a UUID");
    }
  }

  /**
   * The job and fencing token a report names ({@code job_id}, {@code fencing_token}), both
   * required.
   */
  public static JobLease.Fence fence(JsonObject j) {
    UUID job = uuid(j, "job_id");
    Long token = longValue(j, "fencing_token");
    if (token == null) {
      throw new BodyException("fencing_token", "required, the lease's token");
    }
    return new JobLease.Fence(job, token);
  }

  /** An exact int: 4294967297 or 2.5 is refused, never narrowed to 1 or 2. */
  public static Integer integer(JsonObject j, String field) {
    Number n = number(j, field, "an integer");
    return n == null ? null : exact(n, field, INT_MIN, INT_MAX).intValue();
  }

  public static int integer(JsonObject j, String field, int def) {
    Integer v = integer(j, field);
    return v == null ? def : v;
  }

  /** An exact long, as {@link #integer(JsonObject, String)}. */
  public static Long longValue(JsonObject j, String field) {
    Number n = number(j, field, "an integer");
    return n == null ? null : exact(n, field, LONG_MIN, LONG_MAX).longValue();
  }

  private static BigInteger exact(Number n, String field, BigInteger min, BigInteger max) {
    BigInteger v = ExactInt.exact(n);
    if (v == null || v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw new BodyException(
          field,
          ExactInt.quote(n)
              + (v == null ? " is not an integer" : " is out of range")
              + "; accepted: an integer from "
              + min
              + " to "
              + max);
    }
    return v;
  }

  public static long longValue(JsonObject j, String field, long def) {
    Long v = longValue(j, field);
    return v == null ? def : v;
  }

  public static Double decimal(JsonObject j, String field) {
    Number n = number(j, field, "a number");
    return n == null ? null : n.doubleValue();
  }

  public static boolean bool(JsonObject j, String field, boolean def) {
    Object v = j.getValue(field);
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw BodyException.wrongType(field, "true or false");
  }

  /** An object; {@code def} when absent. */
  public static JsonObject object(JsonObject j, String field, JsonObject def) {
    JsonObject v = asObject(j.getValue(field), field);
    return v == null ? def : v;
  }

  /** An array; {@code def} when absent. */
  public static JsonArray array(JsonObject j, String field, JsonArray def) {
    Object v = j.getValue(field);
    if (v == null) {
      return def;
    }
    if (v instanceof JsonArray a) {
      return a;
    }
    throw BodyException.wrongType(field, "an array");
  }

  /**
   * Item {@code i} of the array {@code field}, an object read by {@code fromJson}; a refusal names
   * it as {@code field[i].inner}.
   */
  public static <T> T item(JsonArray a, String field, int i, Function<JsonObject, T> fromJson) {
    String at = field + "[" + i + "]";
    JsonObject item = asObject(a.getValue(i), at);
    if (item == null) {
      throw new BodyException(at, "accepted: an object");
    }
    try {
      return fromJson.apply(item);
    } catch (BodyException e) {
      throw e.under(at);
    }
  }

  /** {@code v} as Vert.x's getValue gives it (maps and lists already wrapped). */
  private static JsonObject asObject(Object v, String field) {
    if (v == null || v instanceof JsonObject) {
      return (JsonObject) v;
    }
    throw BodyException.wrongType(field, "an object");
  }

  private static Number number(JsonObject j, String field, String accepted) {
    Object v = j.getValue(field);
    if (v == null || v instanceof Number) {
      return (Number) v;
    }
    throw BodyException.wrongType(field, accepted);
  }
}

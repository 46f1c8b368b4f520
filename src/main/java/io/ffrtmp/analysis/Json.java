package io.ffrtmp.analysis;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Null-tolerant reads from job results, where any field may be missing on a failed job. */
final class Json {
  private Json() {}

  /** Follows a path of object keys; null if any step is missing or not an object. */
  static Object at(JsonObject root, String... path) {
    Object current = root;
    for (String key : path) {
      if (!(current instanceof JsonObject)) {
        return null;
      }
      current = ((JsonObject) current).getValue(key);
    }
    return current;
  }

  /** A finite number at the path, else null: NaN or infinity would poison every mean it enters. */
  static Double number(JsonObject root, String... path) {
    Object value = at(root, path);
    if (value instanceof Number) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? d : null;
    }
    return null;
  }

  static String string(JsonObject root, String... path) {
    Object value = at(root, path);
    return value == null ? null : value.toString();
  }

  static JsonObject object(JsonObject root, String... path) {
    Object value = at(root, path);
    return value instanceof JsonObject ? (JsonObject) value : null;
  }

  static JsonArray array(JsonObject root, String... path) {
    Object value = at(root, path);
    return value instanceof JsonArray ? (JsonArray) value : null;
  }
}

package io.ffrtmp.power;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * A calibrated CPU power model: the line fitted by {@code ffrtmp calibrate} on a node with RAPL,
 * with its error, so nodes of the same hardware without RAPL estimate from measured watts instead
 * of published averages.
 *
 * @param file the file it was read from or written to; null for a model not yet on disk
 */
public record PowerModelFile(
    double idleWatts,
    double maxWatts,
    double r2,
    double rmseWatts,
    double maxAbsErrorWatts,
    List<CalibrationPoint> points,
    String source,
    List<String> zones,
    String cpuModel,
    int logicalCpus,
    Instant createdAt,
    Path file) {

  public static final String KIND = "ffrtmp-power-model";
  public static final int VERSION = 1;

  public PowerModelFile {
    points = List.copyOf(points);
    zones = List.copyOf(zones);
  }

  public PowerModelFile withFile(Path path) {
    return new PowerModelFile(
        idleWatts,
        maxWatts,
        r2,
        rmseWatts,
        maxAbsErrorWatts,
        points,
        source,
        zones,
        cpuModel,
        logicalCpus,
        createdAt,
        path);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("kind", KIND)
        .put("version", VERSION)
        .put("model", CpuModelSource.MODEL_NAME)
        .put("idle_watts", idleWatts)
        .put("max_watts", maxWatts)
        .put("r2", r2)
        .put("rmse_watts", rmseWatts)
        .put("max_abs_error_watts", maxAbsErrorWatts)
        .put("points", new JsonArray(points.stream().map(CalibrationPoint::toJson).toList()))
        .put("source", source)
        .put("zones", new JsonArray(zones))
        .put("cpu_model", cpuModel)
        .put("logical_cpus", logicalCpus)
        .put("created_at", createdAt.toString());
  }

  /**
   * Writes the model to {@code path} through a temporary file in the same directory and a rename,
   * so a reader never sees half a file. Creates the directory if needed. Returns the model with
   * {@code file} set.
   */
  public PowerModelFile write(Path path) throws IOException {
    Path target = path.toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, toJson().encodePrettily() + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return withFile(target);
  }

  /**
   * Reads and validates a model file.
   *
   * @throws IllegalArgumentException naming the file and the field when it cannot be read, is not
   *     JSON, or a field is missing, of the wrong type or out of range
   */
  public static PowerModelFile read(Path path) {
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "power model file " + path + ": cannot read it (" + e + ")", e);
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(
          "power model file " + path + ": cannot read it (" + e.getCause() + ")", e);
    }
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException(
          "power model file " + path + ": not a JSON object (" + e.getMessage() + ")", e);
    }
    Fields f = new Fields(path, json);
    f.expect("kind", KIND);
    if (f.integer("version") != VERSION) {
      throw f.bad(
          "version", "is " + json.getValue("version") + ", this ffrtmp reads version " + VERSION);
    }
    f.expect("model", CpuModelSource.MODEL_NAME);
    double idle = f.number("idle_watts");
    if (idle < 0) {
      throw f.bad("idle_watts", "is negative (" + idle + ")");
    }
    double max = f.number("max_watts");
    if (max <= idle) {
      throw f.bad("max_watts", "(" + max + ") must exceed idle_watts (" + idle + ")");
    }
    double r2 = f.number("r2");
    double rmse = f.number("rmse_watts");
    if (rmse < 0) {
      throw f.bad("rmse_watts", "is negative (" + rmse + ")");
    }
    double maxAbs = f.number("max_abs_error_watts");
    if (maxAbs < 0) {
      throw f.bad("max_abs_error_watts", "is negative (" + maxAbs + ")");
    }
    List<CalibrationPoint> points = new ArrayList<>();
    JsonArray rawPoints = f.array("points");
    for (int i = 0; i < rawPoints.size(); i++) {
      String name = "points[" + i + "]";
      if (!(rawPoints.getValue(i) instanceof JsonObject p)) {
        throw f.bad(name, "is not an object");
      }
      Fields pf = new Fields(path, p, name + ".");
      Integer level = p.getValue("level_percent") instanceof Number n ? n.intValue() : null;
      points.add(
          new CalibrationPoint(
              level, pf.number("utilisation"), pf.number("watts"), pf.number("sd_watts")));
    }
    List<String> zones = new ArrayList<>();
    JsonArray rawZones = f.array("zones");
    for (int i = 0; i < rawZones.size(); i++) {
      if (!(rawZones.getValue(i) instanceof String z)) {
        throw f.bad("zones[" + i + "]", "is not a string");
      }
      zones.add(z);
    }
    int cpus = f.integer("logical_cpus");
    if (cpus <= 0) {
      throw f.bad("logical_cpus", "must be positive, is " + cpus);
    }
    Instant created;
    String rawCreated = f.string("created_at");
    try {
      created = Instant.parse(rawCreated);
    } catch (DateTimeParseException e) {
      throw f.bad("created_at", "is not an ISO-8601 instant ('" + rawCreated + "')");
    }
    return new PowerModelFile(
        idle,
        max,
        r2,
        rmse,
        maxAbs,
        points,
        f.string("source"),
        zones,
        f.string("cpu_model"),
        cpus,
        created,
        path);
  }

  /** Typed field access whose every failure names the file and the field. */
  private record Fields(Path path, JsonObject json, String prefix) {

    Fields(Path path, JsonObject json) {
      this(path, json, "");
    }

    IllegalArgumentException bad(String field, String problem) {
      return new IllegalArgumentException(
          "power model file " + path + ": field '" + prefix + field + "' " + problem);
    }

    Object present(String field) {
      Object value = json.getValue(field);
      if (value == null) {
        throw bad(field, "is missing");
      }
      return value;
    }

    double number(String field) {
      if (!(present(field) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw bad(field, "must be a finite number, is " + json.getValue(field));
      }
      return n.doubleValue();
    }

    int integer(String field) {
      if (!(present(field) instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
        throw bad(field, "must be an integer, is " + json.getValue(field));
      }
      return n.intValue();
    }

    String string(String field) {
      if (!(present(field) instanceof String s) || s.isBlank()) {
        throw bad(field, "must be a non-empty string, is " + json.getValue(field));
      }
      return s;
    }

    JsonArray array(String field) {
      if (!(present(field) instanceof JsonArray a)) {
        throw bad(field, "must be an array, is " + json.getValue(field));
      }
      return a;
    }

    void expect(String field, String wanted) {
      String actual = string(field);
      if (!actual.equals(wanted)) {
        throw bad(field, "is '" + actual + "', expected '" + wanted + "'");
      }
    }
  }
}

package io.ffrtmp.cli.client;

import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Plain ASCII tables for the client commands, in the style of the bench ranking. */
final class Tables {

  private Tables() {}

  /** One row per object; each column reads one field ("a.b" for nested ones). */
  static String of(List<JsonObject> rows, String[] headers, String[] fields) {
    Column[] columns = new Column[headers.length];
    for (int i = 0; i < headers.length; i++) {
      columns[i] = new Column().header(headers[i]);
    }
    String[][] data = new String[rows.size()][];
    for (int r = 0; r < rows.size(); r++) {
      data[r] = new String[fields.length];
      for (int c = 0; c < fields.length; c++) {
        data[r][c] = text(value(rows.get(r), fields[c]));
      }
    }
    return AsciiTable.getTable(AsciiTable.BASIC_ASCII_NO_DATA_SEPARATORS, columns, data);
  }

  /** A two-column field/value table of one object's fields. */
  static String fields(JsonObject o, String... fields) {
    String[][] data = new String[fields.length][];
    for (int i = 0; i < fields.length; i++) {
      data[i] = new String[] {fields[i], text(value(o, fields[i]))};
    }
    return AsciiTable.getTable(
        AsciiTable.BASIC_ASCII_NO_DATA_SEPARATORS,
        new Column[] {new Column().header("field"), new Column().header("value")},
        data);
  }

  static Object value(JsonObject o, String path) {
    Object v = o;
    for (String part : path.split("\\.")) {
      v = v instanceof JsonObject j ? j.getValue(part) : null;
    }
    return v;
  }

  static String text(Object v) {
    if (v == null) {
      return "";
    }
    String s = String.valueOf(v);
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}

package io.ffrtmp.job;

/**
 * Bad input in a job spec or campaign: names the field (a JSON path such as {@code video.preset})
 * and what is accepted, so every interface can show the same message (CLI exit 2, HTTP 400).
 */
public class SpecException extends RuntimeException {

  private final String field;

  public SpecException(String field, String message) {
    super(message);
    this.field = field;
  }

  public String field() {
    return field;
  }

  /** The same error with its field placed under a parent path, e.g. {@code configurations[2]}. */
  public SpecException under(String parent) {
    String f = field == null || field.isEmpty() ? parent : parent + "." + field;
    return new SpecException(f, getMessage());
  }

  @Override
  public String toString() {
    return (field == null ? "" : field + ": ") + getMessage();
  }
}

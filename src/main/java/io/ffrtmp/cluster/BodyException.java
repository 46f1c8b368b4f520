package io.ffrtmp.cluster;

/**
 * A bus body refused: names the field (a path such as {@code updates[2].job_id}) and what is
 * accepted. A master answers it 400 ({@link Addresses#BAD_REQUEST}); a value of the wrong JSON type
 * also says the body is malformed.
 */
public final class BodyException extends RuntimeException {

  private final String field;
  private final boolean wrongType;

  public BodyException(String field, String message) {
    this(field, message, false);
  }

  private BodyException(String field, String message, boolean wrongType) {
    super(message);
    this.field = field;
    this.wrongType = wrongType;
  }

  /** A value of another JSON type than the one documented (a string where a number belongs). */
  public static BodyException wrongType(String field, String accepted) {
    return new BodyException(field, "accepted: " + accepted, true);
  }

  public String field() {
    return field;
  }

  /** The same error with its field placed under a parent path, e.g. {@code updates[2]}. */
  public BodyException under(String parent) {
    return new BodyException(parent + "." + field, getMessage(), wrongType);
  }

  /**
   * What a master answers for a body sent to {@code address}; starts with the field, or with "body:
   * malformed".
   */
  public String reply(String address) {
    return wrongType
        ? "body: malformed for "
            + address
            + " ("
            + this
            + "); accepted: the fields and types in docs/event-bus.md"
        : toString();
  }

  @Override
  public String toString() {
    return field + ": " + getMessage();
  }
}

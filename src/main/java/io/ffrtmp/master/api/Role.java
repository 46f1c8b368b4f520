package io.ffrtmp.master.api;

import java.util.Locale;

/**
 * What a token lets its holder do: viewers read, operators also submit, cancel, retry and drain,
 * admins do everything.
 */
public enum Role {
  VIEWER,
  OPERATOR,
  ADMIN;

  public boolean allows(Role needed) {
    return ordinal() >= needed.ordinal();
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Null for anything that is not a role name. */
  public static Role of(String id) {
    for (Role r : values()) {
      if (r.id().equals(id)) {
        return r;
      }
    }
    return null;
  }
}

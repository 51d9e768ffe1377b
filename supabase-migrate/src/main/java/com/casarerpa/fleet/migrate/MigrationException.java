package com.casarerpa.fleet.migrate;

/**
 * A migration or the bootstrap failed. The message names the file, the failing statement (its
 * number and first line) and the file line the database complained about, plus the database's
 * error; {@link #line()} is 0 when unknown.
 */
public final class MigrationException extends RuntimeException {
  private final String file;
  private final int statement;
  private final int line;

  public MigrationException(String message, Throwable cause) {
    this(message, cause, null, 0, 0);
  }

  public MigrationException(String message, Throwable cause, String file, int statement, int line) {
    super(message, cause);
    this.file = file;
    this.statement = statement;
    this.line = line;
  }

  /** The migration file, or null when the failure is not in one. */
  public String file() {
    return file;
  }

  /** The 1-based number of the failing statement in the file, or 0. */
  public int statement() {
    return statement;
  }

  /** The 1-based file line of the error, or 0. */
  public int line() {
    return line;
  }
}

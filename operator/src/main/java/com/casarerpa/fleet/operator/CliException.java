package com.casarerpa.fleet.operator;

/**
 * A failure the CLI reports as one clear line (what went wrong and what to do) with its exit code:
 * {@link #FAILURE} 1, {@link #USAGE} 2 (usage or configuration), {@link #AUTH} 3.
 */
public final class CliException extends RuntimeException {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
  public static final int AUTH = 3;

  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public static CliException config(String message) {
    return new CliException(USAGE, message);
  }

  public static CliException failure(String message) {
    return new CliException(FAILURE, message);
  }

  public int exitCode() {
    return exitCode;
  }
}

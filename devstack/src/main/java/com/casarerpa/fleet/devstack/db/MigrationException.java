package com.casarerpa.fleet.devstack.db;

/** A migration or the bootstrap failed; the message names the file and the database's error. */
public final class MigrationException extends RuntimeException {
  public MigrationException(String message, Throwable cause) {
    super(message, cause);
  }
}

package com.casarerpa.fleet.devstack.auth;

/** A JWT that cannot be trusted; {@link #reason()} says why. */
public final class InvalidJwtException extends RuntimeException {
  /** Why a token was refused. */
  public enum Reason {
    MALFORMED,
    BAD_SIGNATURE,
    EXPIRED
  }

  private final Reason reason;

  public InvalidJwtException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}

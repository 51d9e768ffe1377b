package com.casarerpa.fleet.agent.supabase;

/**
 * A Supabase call failed. Subclasses say what the caller must do: {@link RobotKeyRejected} stop,
 * {@link LeaseLost} abandon the job, {@link RpcRejected} fix the request, {@link
 * BackendUnavailable} try again later.
 */
public abstract sealed class SupabaseException extends RuntimeException
    permits RobotKeyRejected, LeaseLost, RpcRejected, BackendUnavailable {
  private final int status;
  private final String code;

  protected SupabaseException(String message, int status, String code, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.code = code;
  }

  /** HTTP status, or 0 when no response arrived. */
  public int status() {
    return status;
  }

  /** PostgREST code (SQLSTATE or PGRSTxxx), or null. */
  public String code() {
    return code;
  }
}

package com.casarerpa.fleet.agent.supabase;

/** The backend refused the request itself (a 4xx other than 401/408/409/429); never retried. */
public final class RpcRejected extends SupabaseException {
  private final String details;
  private final String hint;

  RpcRejected(String message, int status, String code, String details, String hint) {
    super(message, status, code, null);
    this.details = details;
    this.hint = hint;
  }

  public String details() {
    return details;
  }

  public String hint() {
    return hint;
  }
}

package com.casarerpa.fleet.agent.supabase;

/**
 * A fenced job write was refused (HTTP 409, {@code PT409}): this robot no longer holds the job's
 * lease. The job must be abandoned without writing results.
 */
public final class LeaseLost extends SupabaseException {
  public LeaseLost(String message, int status, String code) {
    super(message, status, code, null);
  }
}

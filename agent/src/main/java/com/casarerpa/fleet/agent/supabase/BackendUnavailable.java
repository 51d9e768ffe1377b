package com.casarerpa.fleet.agent.supabase;

/**
 * The backend could not be reached or kept failing (network error, timeout, 5xx, 408, 429) for all
 * the attempts allowed. Transient: try again later.
 */
public final class BackendUnavailable extends SupabaseException {
  BackendUnavailable(String message, int status, String code, Throwable cause) {
    super(message, status, code, cause);
  }
}

package com.casarerpa.fleet.agent.supabase;

/**
 * The backend refused this robot's credentials (HTTP 401): the robot key is unknown, revoked or
 * expired, or the anon key is wrong. Fatal: retrying cannot help, a human must issue a new key.
 */
public final class RobotKeyRejected extends SupabaseException {
  RobotKeyRejected(String message, int status, String code) {
    super(message, status, code, null);
  }
}

package com.casarerpa.fleet.agent;

/**
 * The exit-code contract with the service supervisor (systemd, Windows SCM, the dev launcher).
 * Codes 2 and 3 mean "a human must act": a supervisor should not restart on them.
 */
public enum AgentExit {
  /** Stopped on request; every job finished or was released back to the queue. */
  OK(0),
  /** An unexpected error stopped the agent; restarting is reasonable. */
  FAILED(1),
  /** The configuration or the command line is invalid; fix it first. */
  CONFIG(2),
  /** The robot API key was rejected (unknown, revoked or expired); issue a new key. */
  KEY_REJECTED(3),
  /** A second stop signal: running jobs were stopped at once and released. */
  FORCED(4),
  /** The backend could not be reached to register; restarting later is reasonable. */
  UNREACHABLE(5);

  private final int code;

  AgentExit(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}

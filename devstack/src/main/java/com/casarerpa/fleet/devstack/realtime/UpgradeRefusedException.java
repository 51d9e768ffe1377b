package com.casarerpa.fleet.devstack.realtime;

/** A WebSocket upgrade refused before it happens, answered {@code {"error": message}}. */
final class UpgradeRefusedException extends RuntimeException {
  private final int status;

  UpgradeRefusedException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }
}
